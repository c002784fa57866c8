package dev.jaccel.hook.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs {@code bin/jaccel} (the real launcher, after {@code package}) and runc as child processes. */
final class Jaccel {
    /** Repository root: surefire runs in the hook module's directory. */
    static final Path REPO = Path.of("").toAbsolutePath().getParent();
    static final Path LAUNCHER = REPO.resolve("bin/jaccel");

    record Result(int exit, String out, String err) {
        String both() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private Jaccel() {
    }

    /** Skips (with the reason) where the end-to-end prerequisites are missing; CI has them all. */
    static void assumeEndToEnd() {
        assumeTrue("root".equals(System.getProperty("user.name")), "end-to-end tests need root (runc, mknod)");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runc")) || Files.isExecutable(Path.of("/usr/bin/runc")),
                "end-to-end tests need runc (apt-get install runc)");
        assumeTrue(Files.isRegularFile(Path.of("/bin/busybox")), "end-to-end tests need busybox-static");
        assumeTrue(Files.isRegularFile(REPO.resolve("hook/target/jaccel-hook.jar")),
                "bin/jaccel needs hook/target/jaccel-hook.jar: run through mvn verify (after package)");
    }

    static Result run(List<String> args, Map<String, String> env, byte[] stdin) {
        List<String> cmd = new ArrayList<>();
        cmd.add(LAUNCHER.toString());
        cmd.addAll(args);
        return exec(cmd, env, stdin);
    }

    static Result exec(List<String> cmd, Map<String, String> env, byte[] stdin) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (var in = p.getOutputStream()) {
                in.write(stdin);
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + cmd);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
