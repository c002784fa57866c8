package dev.jaccel.hook.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jaccel cdi generate} into {@code /etc/cdi} (podman 4.3 has no spec-dir flag; the file names
 * are unique and removed afterwards), then real {@code podman run --device <kind>=<name>}: the
 * container gets exactly the named device's nodes plus the common ones, the driver files
 * read-only, and the env.
 */
class PodmanCdiEndToEndTest {
    static final Path CDI_DIR = Path.of("/etc/cdi");
    static final String NODES = "for f in /dev/nvidia* /dev/nvidia-caps/* /dev/neuron*; do "
            + "[ -c \"$f\" ] && stat -c 'node %n %t:%T' \"$f\"; done; true";

    @TempDir
    Path tmp;
    FakeGpuHost host;
    Path rootfs;
    Path specBase;

    @BeforeEach
    void generateSpecs() throws IOException {
        Podman.assumeAvailable();
        host = new FakeGpuHost(tmp.resolve("host"));
        rootfs = Podman.busyboxRootfs(tmp.resolve("rootfs"));
        specBase = CDI_DIR.resolve("jaccel-e2e-" + UUID.randomUUID() + ".json");
        Cli r = Cli.run("cdi", "generate", "--inventory", host.writeInventory(tmp.resolve("inventory.json")).toString(),
                "--host-root", host.tree.root().toString(), "--output", specBase.toString());
        assertEquals(0, r.exit(), r.err());
    }

    @AfterEach
    void removeSpecs() throws IOException {
        if (specBase != null) {
            for (String vendor : List.of("nvidia", "neuron")) {
                Files.deleteIfExists(CDI_DIR.resolve(specBase.getFileName().toString().replace(".json", "-" + vendor + ".json")));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // --device, the device nodes (name major:minor, hex) the container must have and no other
            "nvidia.com/gpu=0,        /dev/nvidia-uvm 1:9;/dev/nvidia0 1:3;/dev/nvidiactl 1:7",
            "nvidia.com/gpu=" + FakeGpuHost.GPU1 + ", /dev/nvidia-uvm 1:9;/dev/nvidia1 1:5;/dev/nvidiactl 1:7",
            "nvidia.com/gpu=1:0,      /dev/nvidia-caps/nvidia-cap21 1:8;/dev/nvidia-caps/nvidia-cap22 1:9;/dev/nvidia-uvm 1:9;/dev/nvidia1 1:5;/dev/nvidiactl 1:7",
            "nvidia.com/gpu=all,      /dev/nvidia-caps/nvidia-cap21 1:8;/dev/nvidia-caps/nvidia-cap22 1:9;/dev/nvidia-uvm 1:9;/dev/nvidia0 1:3;/dev/nvidia1 1:5;/dev/nvidiactl 1:7",
            "aws.amazon.com/neuron=1, /dev/neuron1 1:5",
            "aws.amazon.com/neuron=all, /dev/neuron0 1:3;/dev/neuron1 1:5",
    })
    void theContainerSeesExactlyTheNamedDevice(String device, String nodes) throws IOException {
        Podman.Result r = Podman.runShell(List.of(), List.of("--device", device), rootfs, NODES);
        assertEquals(0, r.exit(), r.output());
        List<String> seen = r.output().lines().filter(l -> l.startsWith("node ")).map(l -> l.substring(5)).sorted().toList();
        assertEquals(Arrays.asList(nodes.split(";")), seen, r.output());
    }

    /** The library under its soname (and libcuda.so) in the host's library folder: what the loader opens, no hook. */
    @Test
    void gpuContainersGetTheDriverFilesReadOnlyAndTheEnv() throws IOException {
        String dir = "/usr/lib/x86_64-linux-gnu/";
        Podman.Result r = Podman.runShell(List.of(), List.of("--device", "nvidia.com/gpu=0"), rootfs,
                "echo env=$NVIDIA_VISIBLE_DEVICES; grep -c 'libcuda " + FakeGpuHost.DRIVER + "' " + dir + "libcuda.so.1; "
                        + "grep -c 'libcuda " + FakeGpuHost.DRIVER + "' " + dir + "libcuda.so; "
                        + "/usr/bin/nvidia-smi; grep -E ' /usr/(lib|bin)/' /proc/mounts | cut -d' ' -f2,4 | cut -d, -f1-3; "
                        + "echo probe > /dev/nvidia0 && echo opened-gpu; "
                        + "(echo x > " + dir + "libcuda.so.1) 2>/dev/null || echo read-only");
        assertEquals(0, r.exit(), r.output());
        List<String> lines = r.output().lines().toList();
        assertEquals("env=void", lines.get(0), r.output());
        assertEquals("1", lines.get(1), "libcuda.so.1 is the driver's library: " + r.output());
        assertEquals("1", lines.get(2), "and so is libcuda.so: " + r.output());
        assertEquals("fake nvidia-smi", lines.get(3), r.output());
        assertEquals(List.of("/usr/bin/nvidia-smi ro,nosuid,nodev", dir + "libcuda.so ro,nosuid,nodev",
                dir + "libcuda.so.1 ro,nosuid,nodev"), lines.subList(4, 7).stream().sorted().toList(), r.output());
        assertEquals(List.of("opened-gpu", "read-only"), lines.subList(7, 9), r.output());
    }

    @Test
    void neuronContainersGetNoGpuEdits() throws IOException {
        Podman.Result r = Podman.runShell(List.of(), List.of("--device", "aws.amazon.com/neuron=0"), rootfs,
                "echo env=${NVIDIA_VISIBLE_DEVICES-unset}; [ -e /usr/bin/nvidia-smi ] || echo no-driver-files; "
                        + "echo probe > /dev/neuron0 && echo opened-neuron");
        assertEquals(0, r.exit(), r.output());
        assertEquals(List.of("env=unset", "no-driver-files", "opened-neuron"), r.output().lines().toList());
    }

    @ParameterizedTest
    @CsvSource({"nvidia.com/gpu=7", "nvidia.com/gpu=2:0", "aws.amazon.com/neuron=GPU-x"})
    void anUnknownDeviceNameFailsTheStart(String device) throws IOException {
        Podman.Result r = Podman.runShell(List.of(), List.of("--device", device), rootfs, "echo started");
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("unresolvable CDI devices " + device), r.output());
        assertTrue(!r.output().contains("started"), r.output());
    }
}
