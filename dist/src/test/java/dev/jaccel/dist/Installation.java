package dev.jaccel.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The distribution tarball unpacked the way an operator installs it ({@code tar -xzf}, as root),
 * and its commands run the way a service or a container engine runs them: from another folder,
 * with an environment of our choosing that has no {@code java} on {@code PATH} and no
 * {@code JAVA_HOME}.
 */
final class Installation {
    static final Path TARBALL = Path.of(System.getProperty("jaccel.dist.tarball", "target/none.tar.gz"));
    static final String VERSION = System.getProperty("jaccel.dist.version", "0");
    /** A PATH with the usual system folders and no JDK (java is only under /usr/lib/jvm here). */
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    record Result(int exit, String out, String err) {
        String both() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    final Path home;

    private Installation(Path home) {
        this.home = home;
    }

    /** Unpacks the tarball into {@code dir}; the installation is {@code dir/jaccel-VERSION}. */
    static Installation unpack(Path dir) throws IOException {
        Files.createDirectories(dir);
        Result r = exec(List.of("tar", "-xzf", TARBALL.toAbsolutePath().toString(), "-C", dir.toString()), Map.of(),
                dir, new byte[0]);
        if (r.exit() != 0) {
            throw new IllegalStateException("cannot unpack " + TARBALL + ": " + r.both());
        }
        return new Installation(dir.resolve("jaccel-" + VERSION));
    }

    Path bin(String name) {
        return home.resolve("bin").resolve(name);
    }

    /** {@code bin/jaccel ARGS} from {@code cwd} with exactly {@code PATH} plus {@code env}. */
    Result jaccel(Path cwd, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(bin("jaccel").toString()));
        cmd.addAll(List.of(args));
        return exec(cmd, env, cwd, new byte[0]);
    }

    static Result exec(List<String> cmd, Map<String, String> env, Path cwd, byte[] stdin) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", PATH);
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (var in = p.getOutputStream()) {
                in.write(stdin);
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + cmd);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
