package dev.jaccel.hook.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real podman 4.3 as the build machines run it (docs/design.md §6): vfs storage, cgroupfs,
 * no network, explicit ulimits, a local busybox rootfs.
 */
final class Podman {
    private Podman() {
    }

    record Result(int exit, String output) {
    }

    /** Skips the calling test, with the reason, where podman cannot run containers here. */
    static void assumeAvailable() {
        assumeTrue("root".equals(System.getProperty("user.name")), "podman end-to-end tests need root (CI runs them as root)");
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "needs /bin/busybox (Debian package busybox-static) for the rootfs");
        Result version;
        try {
            version = run(List.of("podman", "--version"), 30);
        } catch (IOException e) {
            version = new Result(-1, e.getMessage());
        }
        assumeTrue(version.exit() == 0, "needs podman on PATH (Debian package podman): " + version.output());
    }

    /** A rootfs of busybox and its applet links. */
    static Path busyboxRootfs(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        Result list = run(List.of("/bin/busybox", "--list"), 30);
        for (String applet : list.output().split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(applet.strip()), Path.of("busybox"));
            }
        }
        return dir;
    }

    /** {@code podman [global...] run --rm [runArgs...] --rootfs ROOTFS /bin/sh -c SCRIPT}. */
    static Result runShell(List<String> global, List<String> runArgs, Path rootfs, String script) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("podman", "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs"));
        cmd.addAll(global);
        cmd.addAll(List.of("run", "--rm", "--network", "none", "--ulimit", "nofile=20000:20000",
                "--ulimit", "nproc=1000:1000"));
        cmd.addAll(runArgs);
        cmd.addAll(List.of("--rootfs", rootfs.toString(), "/bin/sh", "-c", script));
        return run(cmd, 180);
    }

    static Result run(List<String> cmd, int timeoutSeconds) throws IOException {
        return run(new ProcessBuilder(cmd).redirectErrorStream(true), timeoutSeconds);
    }

    static Result run(ProcessBuilder pb, int timeoutSeconds) throws IOException {
        List<String> cmd = pb.command();
        Process p = pb.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
