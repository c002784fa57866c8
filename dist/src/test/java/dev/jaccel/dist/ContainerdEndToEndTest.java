package dev.jaccel.dist;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * containerd from Debian's package on a config.toml that {@code jaccel runtime configure --runtime
 * containerd --set-as-default --cdi} edited: containerd loads it and reports the jaccel runtime
 * (with jaccel-runtime as {@code BinaryName}) as its CRI default, and containerd's runc shim, run
 * with that {@code BinaryName}, starts containers with their devices. (The CRI path itself needs a
 * CRI client such as crictl, which Debian 12 does not package; ctr drives the same shim.)
 */
class ContainerdEndToEndTest {
    @TempDir
    static Path tmp;
    static Installation jaccel;
    static Containerd containerd;
    static Path rootfs;
    static String binaryName;

    @BeforeAll
    static void start() throws IOException {
        Engines.assume("containerd", "ctr", "runc");
        jaccel = Installation.unpack(tmp.resolve("opt"));
        Map<String, String> env = new LinkedHashMap<>(SimulatedNode.create(tmp.resolve("node")));
        env.put("PATH", Installation.PATH);   // what the shim and jaccel-runtime find runc on
        Path dir = tmp.resolve("containerd");
        Files.createDirectories(dir);
        Path config = Files.writeString(dir.resolve("config.toml"), Containerd.base(dir));
        Installation.Result r = jaccel.jaccel(tmp, Map.of(), "runtime", "configure", "--runtime", "containerd",
                "--config", config.toString(), "--set-as-default", "--cdi");
        assertEquals(0, r.exit(), r.both());
        containerd = Containerd.start(dir, env, config);
        rootfs = Engines.busyboxRootfs(tmp.resolve("rootfs"));

        Installation.Result dump = Installation.exec(List.of("containerd", "--config", config.toString(), "config", "dump"),
                Map.of(), tmp, new byte[0]);
        assertEquals(0, dump.exit(), dump.both());
        Matcher m = Pattern.compile("(?s)\\[plugins\\.\"io\\.containerd\\.grpc\\.v1\\.cri\"\\.containerd\\.runtimes\\.jaccel\\.options]"
                + "[^\\[]*BinaryName = \"([^\"]+)\"").matcher(dump.out());
        assertTrue(m.find(), "containerd does not report the jaccel runtime:\n" + dump.out());
        binaryName = m.group(1);
    }

    @AfterAll
    static void stop() {
        if (containerd != null) {
            containerd.daemon.close();
            Engines.unmountAndRemove(containerd.dir);
        }
    }

    @Test
    void containerdReadsTheRuntimeAsItsDefault() throws IOException {
        assertEquals(jaccel.bin("jaccel-runtime").toString(), binaryName);
        Installation.Result dump = Installation.exec(List.of("containerd", "--config", containerd.config.toString(),
                "config", "dump"), Map.of(), tmp, new byte[0]);
        assertTrue(dump.out().contains("default_runtime_name = \"jaccel\""), dump.out());
        assertTrue(dump.out().contains("runtime_type = \"io.containerd.runc.v2\""), dump.out());
    }

    Installation.Result run(List<String> env, String script) {
        List<String> args = new ArrayList<>(List.of("run", "--rm", "--rootfs", "--runc-binary", binaryName));
        for (String e : env) {
            args.addAll(List.of("--env", e));
        }
        args.addAll(List.of(rootfs.toString(), "jaccel-e2e-" + UUID.randomUUID().toString().substring(0, 8), "/bin/sh", "-c",
                script));
        return Containerd.ctr(containerd.socket, args.toArray(String[]::new));
    }

    @Test
    void theShimStartsContainersWithTheirDevices() {
        Installation.Result gpu = run(List.of("NVIDIA_VISIBLE_DEVICES=0", "NVIDIA_DRIVER_CAPABILITIES=utility"),
                DockerNodeTests.LIST_DEV);
        assertEquals(0, gpu.exit(), gpu.both() + containerd.daemon.logTail());
        assertEquals(Set.of("/dev/nvidiactl", "/dev/nvidia3"), DockerNodeTests.devices(gpu), gpu.both());

        Installation.Result neuron = run(List.of("AWS_NEURON_VISIBLE_DEVICES=1"), DockerNodeTests.LIST_DEV);
        assertEquals(0, neuron.exit(), neuron.both());
        assertEquals(Set.of("/dev/neuron1"), DockerNodeTests.devices(neuron), neuron.both());

        Installation.Result plain = run(List.of(), "echo plain; " + DockerNodeTests.LIST_DEV);
        assertEquals(0, plain.exit(), plain.both());
        assertEquals("plain\n", plain.out());
    }
}
