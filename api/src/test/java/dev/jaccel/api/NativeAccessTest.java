package dev.jaccel.api;

import dev.jaccel.testkit.FakeLibraries;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A JVM that denies native access (JDK 24+, {@code --illegal-native-access=deny}) gets a
 * LibraryUnavailableException that says so and names the flag that grants it, not "install the
 * driver"; with the flag, the same library loads.
 */
class NativeAccessTest {

    private static String probe(boolean grant, String library, Path file) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--illegal-native-access=deny"));
        if (grant) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), NativeAccessProbe.class.getName(),
                library, file.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES), "the probe JVM finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"nvml, NVML", "nrt, the Neuron runtime (libnrt)"})
    void deniedNativeAccessNamesTheFlag(String library, String name) throws Exception {
        assumeTrue(Runtime.version().feature() >= 24, "--illegal-native-access exists from JDK 24");
        Path file = library.equals("nvml") ? FakeLibraries.nvml() : FakeLibraries.nrt();
        String denied = probe(false, library, file);
        assertTrue(denied.startsWith("NATIVE_ACCESS_DENIED|" + name + "|native access denied: the JVM refused to load "),
                denied);
        assertTrue(denied.contains("start java with --enable-native-access=ALL-UNNAMED"), denied);
        assertEquals("LOADED", probe(true, library, file), "the flag named is the cure");
    }
}
