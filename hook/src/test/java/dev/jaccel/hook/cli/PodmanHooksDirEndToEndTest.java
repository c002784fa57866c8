package dev.jaccel.hook.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jaccel hooks-config} read by real podman ({@code --hooks-dir}): podman accepts the file,
 * injects the hook only into containers that carry the opt-in annotation, and runs it with exactly
 * the env the file gives (nothing from the container's env). The hook path is a recording script
 * here, so this checks the configuration itself, independent of what {@code jaccel hook} does.
 */
class PodmanHooksDirEndToEndTest {
    @TempDir
    Path tmp;
    Path rootfs;
    Path hooksDir;
    Path record;

    @BeforeEach
    void hooksDir() throws IOException {
        Podman.assumeAvailable();
        rootfs = Podman.busyboxRootfs(tmp.resolve("rootfs"));
        record = tmp.resolve("hook-ran.txt");
        Path recorder = tmp.resolve("record-hook.sh");
        Files.writeString(recorder, "#!/bin/sh\n{ echo \"args=$*\"; env; echo \"state=$(cat)\"; } > " + record + "\n");
        Files.setPosixFilePermissions(recorder, PosixFilePermissions.fromString("rwxr-xr-x"));
        hooksDir = tmp.resolve("hooks.d");
        Cli r = Cli.run("hooks-config", "--output", hooksDir.toString(), "--jaccel", recorder.toString(),
                "--host-root", "/srv/host", "--snapshot", "/run/jaccel/inventory.json");
        assertEquals(0, r.exit(), r.err());
    }

    @Test
    void theHookRunsForAnnotatedContainersWithItsOwnEnvOnly() throws IOException {
        Podman.Result r = Podman.runShell(List.of("--hooks-dir", hooksDir.toString()),
                List.of("--annotation", "jaccel.dev/request=gpu", "-e", "LD_PRELOAD=/proc/self/cwd/evil.so",
                        "-e", "NVIDIA_VISIBLE_DEVICES=all"), rootfs, "echo started");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("started"), r.output());
        List<String> lines = Files.readAllLines(record);
        assertEquals("args=hook prestart", lines.get(0));
        assertTrue(lines.contains("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"), lines.toString());
        assertTrue(lines.contains("JACCEL_HOST_ROOT=/srv/host"), lines.toString());
        assertTrue(lines.contains("JACCEL_SNAPSHOT=/run/jaccel/inventory.json"), lines.toString());
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("LD_PRELOAD=") || l.startsWith("NVIDIA_VISIBLE_DEVICES=")),
                "the container's env must not reach the hook: " + lines);
        String state = lines.stream().filter(l -> l.startsWith("state=")).findFirst().orElseThrow();
        assertTrue(state.contains("\"bundle\"") && state.contains("\"jaccel.dev/request\":\"gpu\""), state);
    }

    @Test
    void containersWithoutTheAnnotationDoNotGetTheHook() throws IOException {
        Podman.Result r = Podman.runShell(List.of("--hooks-dir", hooksDir.toString()),
                List.of("--annotation", "example.com/other=1", "-e", "NVIDIA_VISIBLE_DEVICES=all"), rootfs, "echo started");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("started"), r.output());
        assertFalse(Files.exists(record), "the hook ran without the opt-in annotation");
    }
}
