package dev.jaccel.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A daemon the test starts (containerd, dockerd) with its own environment, its log in a file, stopped with SIGTERM. */
final class Daemon implements AutoCloseable {
    final String name;
    final Path log;
    private final Process process;

    private Daemon(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /** Starts {@code cmd} with exactly {@code env} and waits until {@code ready} says yes. */
    static Daemon start(String name, List<String> cmd, Map<String, String> env, Path log, BooleanSupplier ready,
                        Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Daemon d;
        try {
            d = new Daemon(name, log, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (!d.process.isAlive() || System.nanoTime() > deadline) {
                String tail = d.logTail();
                d.close();
                throw new IllegalStateException(name + " did not start (" + (d.process.isAlive() ? "timeout" : "exited")
                        + "); its log ends with:\n" + tail);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return d;
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();   // SIGTERM: dockerd and containerd shut their children down
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
