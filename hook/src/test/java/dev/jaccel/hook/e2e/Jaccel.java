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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs {@code bin/jaccel} (the real launcher, after {@code package}) and runc as child processes. */
final class Jaccel {
    /** Repository root: surefire runs in the hook module's directory. */
    static final Path REPO = Path.of("").toAbsolutePath().getParent();
    static final Path LAUNCHER = REPO.resolve("bin/jaccel");
    /** Where no start service ({@code jaccel serve}) listens. */
    static final String NO_SERVICE = "/nonexistent/jaccel-tests/start.sock";

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
        return run(args, env, stdin, null);
    }

    /** {@code bin/jaccel args...} in the working directory {@code dir} (null: this process's). */
    static Result run(List<String> args, Map<String, String> env, byte[] stdin, Path dir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(LAUNCHER.toString());
        cmd.addAll(args);
        return exec(cmd, env, stdin, dir);
    }

    static Result exec(List<String> cmd, Map<String, String> env, byte[] stdin) {
        return exec(cmd, env, stdin, null);
    }

    static Result exec(List<String> cmd, Map<String, String> env, byte[] stdin, Path dir) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // no start service unless a test starts one: a service running on this machine must not answer
        pb.environment().put("JACCEL_SOCKET", NO_SERVICE);
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

    /**
     * A command line of the shared runc table ({@code dev.jaccel.hook.start.RuncCommandLines}) made
     * local: split at spaces, each absolute path (also a flag's {@code --x=/path}) moved under {@code root}.
     */
    static List<String> underRoot(String args, Path root) {
        return java.util.Arrays.stream(args.split(" "))
                .map(a -> a.replaceFirst("^(-[^=/]*=)?/", "$1" + java.util.regex.Matcher.quoteReplacement(root + "/")))
                .toList();
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * For one line of the runc command-line table: the folders whose config.json the line's reader
     * must look at (create/run: the table's bundle alone; any other subcommand: every folder named).
     */
    static List<Path> specFolders(List<String> local, boolean editsSpec, String bundle, Path tmp) {
        return editsSpec ? List.of(Path.of(underRoot(bundle, tmp).getFirst()))
                : local.stream().filter(a -> a.startsWith(tmp.toString())).map(Path::of).toList();
    }

    /**
     * Writes a spec naming {@code NVIDIA_VISIBLE_DEVICES=devices} into each folder and the working
     * directory; for create/run the working directory's is removed again unless it is the bundle,
     * so that reading the wrong file shows.
     */
    static void writeSpecs(List<Path> specs, Path cwd, boolean editsSpec, String devices) throws IOException {
        for (Path dir : Stream.concat(specs.stream(), Stream.of(cwd)).distinct().toList()) {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), "{\"ociVersion\":\"1.0.2\",\"process\":{\"env\":"
                    + "[\"NVIDIA_VISIBLE_DEVICES=" + devices + "\"]},\"root\":{\"path\":\"rootfs\"}}");
        }
        if (editsSpec && !specs.contains(cwd)) {
            Files.delete(cwd.resolve("config.json"));
        }
    }
}
