package dev.jaccel.hook.e2e;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * NVIDIAScape (CVE-2025-23266): a hook's environment can come from the image, so nothing in the
 * caller's environment may change what the JVM loads.
 */
class LauncherEndToEndTest {
    static final Map<String, String> HOSTILE = Map.of(
            "LD_PRELOAD", "/proc/self/cwd/poc.so",
            "LD_LIBRARY_PATH", "/proc/self/cwd",
            "JAVA_TOOL_OPTIONS", "-javaagent:/proc/self/cwd/agent.jar",
            "JDK_JAVA_OPTIONS", "-Dhostile=1",
            "_JAVA_OPTIONS", "-Dhostile=2");

    @TempDir
    Path tmp;

    @BeforeEach
    void launcherBuilt() {
        assumeTrue(Files.isRegularFile(Jaccel.REPO.resolve("hook/target/jaccel-hook.jar")),
                "bin/jaccel needs hook/target/jaccel-hook.jar: run through mvn verify (after package)");
    }

    /** A stand-in "JDK" whose java records the environment and arguments it was started with. */
    @ParameterizedTest
    @CsvSource({"--version", "devices"})
    void hostileVariablesNeverReachTheJvm(String command) throws IOException {
        Path jdk = Files.createDirectories(tmp.resolve("jdk/bin"));
        Files.writeString(tmp.resolve("jdk/release"), "JAVA_VERSION=\"25.0.1\"\n");
        Path envOut = tmp.resolve("env.txt");
        Path java = jdk.resolve("java");
        Files.writeString(java, "#!/bin/sh\nenv > " + envOut + "\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = new java.util.HashMap<>(HOSTILE);
        env.put("JACCEL_JAVA_HOME", tmp.resolve("jdk").toString());
        Jaccel.Result r = Jaccel.run(List.of(command), env, new byte[0]);
        assertEquals(0, r.exit(), r.both());
        String seen = Files.readString(envOut);
        for (String name : HOSTILE.keySet()) {
            assertFalse(seen.lines().anyMatch(l -> l.startsWith(name + "=")), name + " reached the JVM:\n" + seen);
        }
        assertTrue(seen.contains("JACCEL_JAVA_HOME="), "the rest of the environment is passed on");
    }

    @Test
    void realJvmPicksUpNoOptionsFromTheCaller() {
        Jaccel.Result r = Jaccel.run(List.of("--version"), Map.of(
                "JAVA_TOOL_OPTIONS", "-Dhostile=1", "JDK_JAVA_OPTIONS", "-Dhostile=2", "_JAVA_OPTIONS", "-Dhostile=3"),
                new byte[0]);
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().startsWith("jaccel "), r.both());
        assertFalse(r.err().contains("Picked up"), "the JVM saw a caller's option variable:\n" + r.err());
    }
}
