package dev.jaccel.hook.e2e;

import dev.jaccel.testkit.HostTree;
import dev.jaccel.testkit.SimulatedHost;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole container path on real runc against a simulated host (fake NVML / libnrt through FFM,
 * a host tree with real device nodes): spec → request → discovery → plan → injection, by the shim
 * and by hooks registered in config.json.
 */
class SimulatedHostEndToEndTest {
    /** GPU index 0 of the h100x8-mig profile: minor 3, MIG disabled. */
    static final String GPU0 = "GPU-5c2bd5a8-7a0e-4b5c-9d34-0b3c6f3f1a00";
    /** /dev/kmsg: opening it write-only is harmless, and runc does not allow it by default. */
    static final int KMSG_MAJOR = 1;
    static final int KMSG_MINOR = 11;
    static final String LIB = "/usr/lib/x86_64-linux-gnu";

    @TempDir
    Path tmp;
    Path runcRoot;

    @BeforeEach
    void prerequisites() throws IOException {
        Jaccel.assumeEndToEnd();
        runcRoot = Files.createDirectories(tmp.resolve("runc-state"));
    }

    Map<String, String> host(String profile) throws IOException {
        Map<String, String> env = new HashMap<>(SimulatedHost.create(tmp.resolve("host-" + profile), profile));
        env.put("JACCEL_SNAPSHOT", tmp.resolve("no-snapshot.json").toString()); // always discover
        return env;
    }

    /** Points a host node at a harmless real device, so the container can open it. */
    static void openable(Map<String, String> env, String node) {
        HostTree.at(Path.of(env.get("JACCEL_HOST_ROOT"))).charDevice(node, KMSG_MAJOR, KMSG_MINOR);
    }

    Jaccel.Result shimRun(Bundle b, String id, Map<String, String> env) {
        return Jaccel.run(List.of("runtime", "--root", runcRoot.toString(), "run", "--bundle", b.dir.toString(), id),
                env, new byte[0]);
    }

    static final String LIST = "ls /dev | grep -E '^(nvidia|neuron)' | sort | tr '\\n' ' '; echo; "
            + "ls " + LIB + " 2>/dev/null | sort | tr '\\n' ' '; echo; echo \"NVD=$NVIDIA_VISIBLE_DEVICES\"; ";
    static final String READ_ONLY = "(: > " + LIB + "/libcuda.so.1) 2>/dev/null && echo lib-writable "
            + "|| echo lib-read-only; ";

    @Test
    void shimInjectsExactlyTheSelectedGpuItsDriverFilesAndEnv() throws IOException {
        Map<String, String> env = host("h100x8-mig");
        openable(env, "/dev/nvidia3");
        Bundle b = Bundle.create(tmp.resolve("gpu"), LIST
                + ": > /dev/nvidia3 && echo selected-opens; (: > /dev/nvidia1) || echo unselected-refused; "
                + READ_ONLY + LIBCUDA_DEV)
                .env("NVIDIA_VISIBLE_DEVICES=" + GPU0);
        // the node of an unselected GPU, made by the runtime without a rule: the cgroup must refuse it
        b.nodeWithoutRule("/dev/nvidia1", 195, 1);
        Jaccel.Result r = shimRun(b, "sim-gpu", env);
        assertEquals(0, r.exit(), r.both());
        List<String> lines = r.out().lines().toList();
        assertEquals("nvidia-uvm nvidia-uvm-tools nvidia1 nvidia3 nvidiactl ", lines.get(0), r.both());
        assertTrue(lines.get(1).contains("libcuda.so.1") && lines.get(1).contains("libnvidia-ml.so.1")
                && !lines.get(1).contains("580.95.05"), "libraries by soname: " + r.both());
        assertEquals("NVD=void", lines.get(2), "NVIDIA's double-injection guard is set");
        assertEquals("selected-opens", lines.get(3), r.both());
        assertEquals("unselected-refused", lines.get(4), r.both());
        assertEquals("lib-read-only", lines.get(5), r.both());
        assertEquals("1", lines.get(6), "libcuda.so is the library too: " + r.both());
        assertTrue(r.err().contains("Operation not permitted"), r.both());
        String spec = new String(b.configBytes());
        assertTrue(!spec.contains("\"hooks\""), "no hook: the runtime does everything, no second jaccel process");
    }

    @Test
    void unsatisfiedRequirementStopsTheStartWithTheMessage() throws IOException {
        Map<String, String> env = host("h100x8-mig");
        Bundle b = Bundle.create(tmp.resolve("req"), "echo started")
                .env("NVIDIA_VISIBLE_DEVICES=all", "NVIDIA_REQUIRE_CUDA=cuda>=99.0");
        byte[] before = b.configBytes();
        Jaccel.Result r = shimRun(b, "sim-req", env);
        assertEquals(3, r.exit(), r.both());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), r.both());
        assertTrue(r.err().contains("unsatisfied condition: cuda>=99.0, please update your driver to a newer version, "
                + "or use an earlier cuda container"), r.both());
        assertArrayEquals(before, b.configBytes(), "a refused spec is left as it was");
    }

    @Test
    void neuronDevicesKeepTheirHostNames() throws IOException {
        Map<String, String> env = host("inf2");
        Bundle b = Bundle.create(tmp.resolve("neuron"), LIST).env("AWS_NEURON_VISIBLE_DEVICES=2,4");
        Jaccel.Result r = shimRun(b, "sim-neuron", env);
        assertEquals(0, r.exit(), r.both());
        assertEquals("neuron2 neuron4 ", r.out().lines().findFirst().orElse(""), r.both());
        String spec = new String(b.configBytes());
        assertTrue(spec.contains("\"major\": 244") && spec.contains("\"minor\": 2") && spec.contains("\"minor\": 4"), spec);
    }

    /** The driver's libcuda, mounted under its development name too (a file, not a link: no hook makes links). */
    static final String LIBCUDA_DEV = "grep -c 'fake libcuda.so 580.95.05' " + LIB + "/libcuda.so";

    /** Hook mode: plain runc, jaccel registered for prestart alone (nodes, mounts, cgroup), as Docker's --gpus does. */
    @Test
    void hooksInConfigJsonInjectTheSelectedGpu() throws IOException {
        Map<String, String> env = host("h100x8-mig");
        openable(env, "/dev/nvidia3");
        Bundle b = Bundle.create(tmp.resolve("hooks"), LIST + ": > /dev/nvidia3 && echo selected-opens; "
                + READ_ONLY + LIBCUDA_DEV)
                .env("NVIDIA_VISIBLE_DEVICES=" + GPU0)
                .jaccelPrestartHook(env);
        byte[] before = b.configBytes();
        Jaccel.Result r = Jaccel.exec(List.of("runc", "--root", runcRoot.toString(), "run", "--bundle",
                b.dir.toString(), "sim-hooks"), Map.of(), new byte[0]);
        assertEquals(0, r.exit(), r.both());
        List<String> lines = r.out().lines().toList();
        assertEquals("nvidia-uvm nvidia-uvm-tools nvidia3 nvidiactl ", lines.get(0), r.both());
        assertTrue(lines.get(1).contains("libcuda.so.1"), r.both());
        assertEquals("selected-opens", lines.get(3), r.both());
        assertEquals("lib-read-only", lines.get(4), "mounted read-only by the hook");
        assertEquals("1", lines.get(5), r.both());
        assertArrayEquals(before, b.configBytes(), "hooks do not edit the spec");
    }

    /**
     * With a fresh snapshot (written by {@code jaccel inventory refresh}) the shim plans without
     * NVML: the library is made unloadable and the GPU is still injected.
     */
    @Test
    void shimPlansFromAFreshSnapshotWithoutLoadingNvml() throws IOException {
        Map<String, String> env = host("h100x8-mig");
        Path snapshot = tmp.resolve("inventory.json");
        env.put("JACCEL_SNAPSHOT", snapshot.toString());
        Jaccel.Result refresh = Jaccel.run(List.of("inventory", "refresh"), env, new byte[0]);
        assertEquals(0, refresh.exit(), refresh.both());
        assertTrue(Files.isRegularFile(snapshot), refresh.both());
        env.put("JACCEL_NVML_LIBRARY", tmp.resolve("no-such-libnvidia-ml.so.1").toString());
        Bundle b = Bundle.create(tmp.resolve("snap"), LIST).env("NVIDIA_VISIBLE_DEVICES=" + GPU0);
        Jaccel.Result r = shimRun(b, "sim-snap", env);
        assertEquals(0, r.exit(), r.both());
        assertEquals("nvidia-uvm nvidia-uvm-tools nvidia3 nvidiactl ", r.out().lines().findFirst().orElse(""), r.both());
    }

    /** Hook mode: an unsatisfied requirement in prestart stops runc with jaccel's line. */
    @Test
    void hookWithUnsatisfiedRequirementStopsTheStart() throws IOException {
        Map<String, String> env = host("h100x8-mig");
        Bundle b = Bundle.create(tmp.resolve("hook-req"), "echo started")
                .env("NVIDIA_VISIBLE_DEVICES=" + GPU0, "NVIDIA_REQUIRE_CUDA=cuda>=99.0")
                .jaccelPrestartHook(env);
        Jaccel.Result r = Jaccel.exec(List.of("runc", "--root", runcRoot.toString(), "run", "--bundle",
                b.dir.toString(), "sim-hook-req"), Map.of(), new byte[0]);
        assertTrue(r.exit() != 0, r.both());
        assertEquals("", r.out(), r.both());
        assertTrue(r.err().contains("jaccel hook prestart: ") && r.err().contains("unsatisfied condition: cuda>=99.0"),
                r.both());
    }

    @Test
    void fiftyContainersInParallelThroughTheShimAllStartAndLeaveNoTemporaryFiles() throws Exception {
        Map<String, String> env = host("inf2");
        int n = 50;
        List<Bundle> bundles = Bundle.neuronCopies(tmp, n);
        List<Jaccel.Result> results = Bundle.startTogether(bundles, (b, id) -> shimRun(b, id, env));
        for (int i = 0; i < n; i++) {
            Jaccel.Result r = results.get(i);
            assertEquals(0, r.exit(), "container " + i + ": " + r.both());
            assertEquals("neuron" + (i % 6) + "\n", r.out(), "container " + i);
            try (Stream<Path> files = Files.list(bundles.get(i).dir)) {
                assertEquals(List.of("config.json"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                        "no temporary file left in bundle " + i);
            }
        }
        try (Stream<Path> left = Files.list(runcRoot)) {
            assertEquals(0, left.count(), "runc run removed every container");
        }
    }
}
