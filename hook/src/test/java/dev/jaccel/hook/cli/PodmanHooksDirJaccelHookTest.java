package dev.jaccel.hook.cli;

import dev.jaccel.hook.Main;
import dev.jaccel.testkit.SimulatedHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The hooks.d entry of {@code jaccel hooks-config} running the real {@code jaccel hook prestart}
 * under podman, on a simulated 8-GPU host (fake NVML): an opted-in container asking for GPU 0 gets
 * exactly that GPU's node and nvidiactl, one that asks for nothing gets no GPU node.
 */
class PodmanHooksDirJaccelHookTest {
    @TempDir
    Path tmp;

    @Test
    void theRealHookInjectsTheRequestedGpu() throws IOException {
        Podman.assumeAvailable();
        assumeTrue(hookCommandPresent(), "jaccel hook is not in this build yet (dev.jaccel.hook.oci.HookCommand)");
        Map<String, String> sim = SimulatedHost.create(tmp.resolve("sim"), SimulatedHost.DEFAULT_PROFILE);

        // the launcher the hook entry names: this build's classes, with the fake NVML's config
        Path launcher = tmp.resolve("jaccel");
        Files.writeString(launcher, "#!/bin/sh\nexport FAKE_NVML_CONFIG='" + sim.get("FAKE_NVML_CONFIG") + "'\n"
                + "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' --enable-native-access=ALL-UNNAMED"
                + " -cp '" + System.getProperty("java.class.path") + "' " + Main.class.getName() + " \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path hooksDir = tmp.resolve("hooks.d");
        Cli config = Cli.run("hooks-config", "--output", hooksDir.toString(), "--jaccel", launcher.toString(),
                "--host-root", sim.get("JACCEL_HOST_ROOT"), "--nvml-library", sim.get("JACCEL_NVML_LIBRARY"),
                "--nrt-library", tmp.resolve("none/libnrt.so.1").toString(),
                "--snapshot", tmp.resolve("inventory.json").toString());
        assertEquals(0, config.exit(), config.err());

        Path rootfs = Podman.busyboxRootfs(tmp.resolve("rootfs"));
        String script = "for f in /dev/nvidia*; do [ -c \"$f\" ] && stat -c 'node %n %t:%T' \"$f\"; done; true";
        Podman.Result gpu = Podman.runShell(List.of("--hooks-dir", hooksDir.toString()),
                List.of("--annotation", "jaccel.dev/request=gpu", "-e", "NVIDIA_VISIBLE_DEVICES=0"), rootfs, script);
        assertEquals(0, gpu.exit(), gpu.output());
        // GPU index 0 of the simulated host has minor 3 (the profile keeps index != minor)
        assertTrue(gpu.output().contains("node /dev/nvidia3 c3:3"), gpu.output());
        for (int minor : new int[] {0, 1, 2, 4, 5, 6, 7}) {
            assertTrue(!gpu.output().contains("node /dev/nvidia" + minor + " "), gpu.output());
        }

        Podman.Result none = Podman.runShell(List.of("--hooks-dir", hooksDir.toString()),
                List.of("--annotation", "jaccel.dev/request=gpu"), rootfs, script);
        assertEquals(0, none.exit(), none.output());
        assertTrue(!none.output().contains("node /dev/nvidia"), none.output());
    }

    private static boolean hookCommandPresent() {
        try {
            Class.forName("dev.jaccel.hook.oci.HookCommand");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
