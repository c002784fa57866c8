package dev.jaccel.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The fake NVML frees everything it allocates: a C driver under valgrind (where installed). */
class FakeNvmlLeakTest {

    private static int run(Path dir, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.txt").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), String.join(" ", command) + " timed out");
        return p.exitValue();
    }

    @Test
    void fiftyInitShutdownCyclesLeakNothing(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/valgrind")), "valgrind is not installed");
        Map<String, String> env = SimulatedHost.create(dir.resolve("host"), SimulatedHost.DEFAULT_PROFILE);
        Path source = Path.of("src/test/c/fake_nvml_leakcheck.c").toAbsolutePath();
        assertEquals(0, run(dir, Map.of(), "gcc", "-O1", "-o", "leakcheck", source.toString(), "-ldl"),
                Files.readString(dir.resolve("out.txt")));
        int code = run(dir, env, "valgrind", "--leak-check=full", "--errors-for-leak-kinds=all", "--error-exitcode=9",
                dir.resolve("leakcheck").toString(), FakeLibraries.nvml().toString());
        String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("All heap blocks were freed -- no leaks are possible"), out);
    }
}
