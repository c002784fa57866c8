package dev.jaccel.hook.service;

import dev.jaccel.testkit.SimulatedHost;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warm-up repeats the start path on a host as it is, and leaves nothing behind. */
class WarmUpTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"an 8-GPU host, h100x8-mig", "a host without GPUs, inf2"})
    void itRunsItsRoundsWithinItsBudgetAndCleansUp(String name, String profile) throws IOException {
        Map<String, String> env = new HashMap<>(SimulatedHost.create(tmp.resolve("host"), profile));
        env.put("JACCEL_SNAPSHOT", tmp.resolve("no-snapshot.json").toString());
        List<Path> before = warmUpFolders();
        long start = System.nanoTime();
        int rounds = WarmUp.run(env);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(rounds > 0 && rounds <= WarmUp.ROUNDS, name + ": " + rounds + " rounds");
        assertTrue(ms < WarmUp.BUDGET_NANOS / 1_000_000 + 5_000, name + ": " + ms + " ms");
        assertEquals(before, warmUpFolders(), "no temporary folder left");
    }

    private static List<Path> warmUpFolders() throws IOException {
        try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return all.filter(p -> p.getFileName().toString().startsWith("jaccel-serve-warm-up")).sorted().toList();
        }
    }
}
