package dev.jaccel.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedHostProfilesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // profile,    env keys (besides JACCEL_HOST_ROOT),              a file the tree must have
            "h100x8-mig, FAKE_NVML_CONFIG JACCEL_NVML_LIBRARY, proc/driver/nvidia/version",
            "trn1-32xl,  FAKE_NRT_CONFIG JACCEL_NRT_LIBRARY,   sys/module/neuron/version",
            "trn2,       FAKE_NRT_CONFIG JACCEL_NRT_LIBRARY,   dev/neuron7",
            "inf1,       FAKE_NRT_CONFIG JACCEL_NRT_LIBRARY,   dev/neuron0",
    })
    void profileWritesTreeConfigsAndEnvironment(String profile, String keys, String file, @TempDir Path dir)
            throws Exception {
        Map<String, String> env = SimulatedHost.create(dir, profile);
        for (String key : keys.split(" ")) {
            assertTrue(env.containsKey(key), key + " in " + env);
        }
        assertEquals(dir.resolve("root").toAbsolutePath().toString(), env.get("JACCEL_HOST_ROOT"));
        assertTrue(Files.exists(dir.resolve("root").resolve(file)), file);
        for (String key : new String[] {"FAKE_NVML_CONFIG", "FAKE_NRT_CONFIG"}) {
            if (env.containsKey(key)) {
                assertTrue(Files.isRegularFile(Path.of(env.get(key))), key + " points at a written config");
            }
        }
    }

    @Test
    void unknownProfileIsAUsageError(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SimulatedHost.run(new String[] {"create", dir.toString(), "--profile", "dgx-a100"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no simulated host profile named 'dgx-a100'"), err.toString());
    }
}
