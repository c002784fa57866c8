package dev.jaccel.hook.cli;

import dev.jaccel.testkit.HostTree;
import dev.jaccel.testkit.SimulatedHost;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The hooks.d entry of {@code jaccel hooks-config} running the real {@code bin/jaccel hook prestart}
 * under podman, on a simulated 8-GPU host: the hook's whole environment is the entry's, so it plans
 * from the inventory snapshot that {@code jaccel inventory refresh} wrote (the NVML it names does not
 * exist), then makes the nodes, the read-only driver-file mounts by soname in the image's library
 * folder and the cgroup v1 allow rules (docs/design.md §3.3).
 */
class PodmanHooksDirJaccelHookEndToEndTest {
    static final Path REPO = Path.of("").toAbsolutePath().getParent();
    static final String LIB = "/usr/lib/x86_64-linux-gnu";
    /** GPU index 0 of the h100x8-mig profile has minor 3 (the profile keeps index != minor). */
    static final String GPU0_NODE = "/dev/nvidia3";
    static final List<String> OPT_IN = List.of("--annotation", "jaccel.dev/request=gpu");
    static final String SCRIPT = "ls /dev | grep nvidia | sort | tr '\\n' ' '; echo; "
            + "ls " + LIB + " | sort | tr '\\n' ' '; echo; "
            + "(: > " + GPU0_NODE + ") 2>/dev/null && echo selected-opens || echo selected-refused; "
            + "(: > " + LIB + "/libcuda.so.1) 2>/dev/null && echo lib-writable || echo lib-read-only";

    @TempDir
    Path tmp;
    Path hooksDir;
    Path rootfs;

    @BeforeEach
    void hookEntryForASimulatedHost() throws IOException {
        Podman.assumeAvailable();
        assumeTrue(Files.isRegularFile(REPO.resolve("hook/target/jaccel-hook.jar")),
                "bin/jaccel needs hook/target/jaccel-hook.jar: run through mvn verify (after package)");
        Map<String, String> sim = SimulatedHost.create(tmp.resolve("sim"), SimulatedHost.DEFAULT_PROFILE);
        // GPU 0's node points at /dev/kmsg: harmless to open, and allowed only by the hook's cgroup rule
        HostTree.at(Path.of(sim.get("JACCEL_HOST_ROOT"))).charDevice(GPU0_NODE, 1, 11);

        Path snapshot = tmp.resolve("inventory.json");
        ProcessBuilder refresh = new ProcessBuilder(REPO.resolve("bin/jaccel").toString(), "inventory", "refresh",
                "--output", snapshot.toString()).redirectErrorStream(true);
        refresh.environment().putAll(sim);
        Podman.Result written = Podman.run(refresh, 120);
        assertEquals(0, written.exit(), written.output());

        hooksDir = tmp.resolve("hooks.d");
        Cli config = Cli.run("hooks-config", "--output", hooksDir.toString(),
                "--jaccel", REPO.resolve("bin/jaccel").toString(), "--host-root", sim.get("JACCEL_HOST_ROOT"),
                "--nvml-library", tmp.resolve("no-nvml/libnvidia-ml.so.1").toString(),
                "--nrt-library", tmp.resolve("no-nrt/libnrt.so.1").toString(), "--snapshot", snapshot.toString());
        assertEquals(0, config.exit(), config.err());

        rootfs = Podman.busyboxRootfs(tmp.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve(LIB.substring(1))); // a Debian-like image's library folder
    }

    Podman.Result run(String... env) throws IOException {
        List<String> args = new java.util.ArrayList<>(OPT_IN);
        for (String e : env) {
            args.addAll(List.of("-e", e));
        }
        return Podman.runShell(List.of("--hooks-dir", hooksDir.toString()), args, rootfs, SCRIPT);
    }

    @Test
    void anOptedInGpuContainerGetsExactlyItsGpuAndTheDriverLibrariesReadOnly() throws IOException {
        Podman.Result r = run("NVIDIA_VISIBLE_DEVICES=0");
        assertEquals(0, r.exit(), r.output());
        List<String> lines = r.output().lines().toList();
        assertEquals("nvidia-uvm nvidia-uvm-tools nvidia3 nvidiactl ", lines.get(0), r.output());
        assertTrue(lines.get(1).contains("libcuda.so.1 ") && lines.get(1).contains("libnvidia-ml.so.1 ")
                && !lines.get(1).contains("580.95.05"), "libraries under their sonames: " + r.output());
        assertEquals("selected-opens", lines.get(2), "the hook's cgroup rule lets the container open its GPU");
        assertEquals("lib-read-only", lines.get(3), r.output());
    }

    @Test
    void anOptedInContainerThatAsksForNothingGetsNothing() throws IOException {
        Podman.Result r = run();
        assertEquals(0, r.exit(), r.output());
        List<String> lines = r.output().lines().toList();
        assertEquals("", lines.get(0), "no GPU node: " + r.output());
        assertEquals("", lines.get(1), "no driver library: " + r.output());
    }

    @Test
    void anUnsatisfiedRequirementStopsTheStartWithTheHooksLine() throws IOException {
        Podman.Result r = run("NVIDIA_VISIBLE_DEVICES=0", "NVIDIA_REQUIRE_CUDA=cuda>=99.0");
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("jaccel hook prestart: unsatisfied condition: cuda>=99.0"), r.output());
        assertTrue(!r.output().contains("selected-"), "the container did not run: " + r.output());
    }
}
