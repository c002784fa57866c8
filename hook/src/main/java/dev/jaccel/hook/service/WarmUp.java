package dev.jaccel.hook.service;

import dev.jaccel.core.Invocation;
import dev.jaccel.hook.aot.AotTraining;
import dev.jaccel.hook.start.RuntimeShim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The start service's first minutes: the shim's spec edit of an all-GPU CUDA request, repeated on a
 * private throw-away bundle, so the first container the node starts finds that path compiled rather
 * than interpreted (measured on the simulated 8-GPU host: a cold service's first spec edit took
 * 40 ms, one after the warm-up 7 ms; docs/perf/README.md). It reads the host exactly as a start does and writes
 * only under its own temporary folder; where the host cannot satisfy the request, the rounds fail
 * quietly, the way a start would fail loudly.
 */
final class WarmUp {
    static final int ROUNDS = 40;
    static final long BUDGET_NANOS = 3_000_000_000L;

    private WarmUp() {
    }

    /** Runs the rounds (at most {@value #ROUNDS}, about 3 s); returns how many ran. */
    static int run(Map<String, String> env) {
        Path dir = null;
        int rounds = 0;
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        try {
            dir = Files.createTempDirectory("jaccel-serve-warm-up");
            Path bundle = dir.resolve("bundle");
            long until = System.nanoTime() + BUDGET_NANOS;
            while (rounds < ROUNDS && System.nanoTime() < until) {
                AotTraining.cudaBundle(bundle);
                RuntimeShim.edit(List.of("run", "--bundle", bundle.toString(), "jaccel-warm-up"), dir,
                        new Invocation(InputStream.nullInputStream(), env), nowhere);
                rounds++;
            }
        } catch (IOException | RuntimeException e) {
            // a warm-up that cannot run leaves the service cold, never broken
        } finally {
            deleteQuietly(dir);
        }
        return rounds;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            AotTraining.deleteTree(dir);
        } catch (IOException e) {
            // the system's temporary folder is cleaned at boot anyway
        }
    }
}
