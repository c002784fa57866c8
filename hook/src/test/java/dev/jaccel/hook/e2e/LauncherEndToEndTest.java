package dev.jaccel.hook.e2e;

import dev.jaccel.hook.start.RuncCommandLines;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
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
        Path envOut = tmp.resolve("env.txt");
        standInJdk("env > " + envOut);
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

    /**
     * The launcher's no-JVM answer is conservative: whenever the planner's own test says a spec may
     * ask for a device, the JVM is started (a stand-in java records that it ran).
     */
    @ParameterizedTest(name = "{0}")
    @DeviceRequestSpecs
    void fastPathStartsTheJvmWheneverTheSpecMayAskForADevice(String name, String envEntry, boolean jvm)
            throws IOException {
        Path ran = tmp.resolve("jvm-ran");
        standInJdk("touch " + ran);
        Path bundle = Files.createDirectories(tmp.resolve("bundle"));
        String config = DeviceRequestSpecs.Spec.config(envEntry);
        Files.writeString(bundle.resolve("config.json"), config);
        dev.jaccel.core.oci.OciSpec spec = dev.jaccel.core.oci.OciSpec.parse(config.getBytes(), "config.json");
        if (dev.jaccel.core.plan.DefaultPlanner.mayRequestDevices(spec.request())) {
            assertTrue(jvm, "the table must expect the JVM where the planner may see a request");
        }
        String state = "{\"ociVersion\":\"1.0.2\",\"id\":\"c\",\"status\":\"creating\",\"pid\":1,\"bundle\":\""
                + bundle + "\"}";
        Jaccel.Result r = Jaccel.run(List.of("hook", "prestart"), Map.of("JACCEL_JAVA_HOME", tmp.resolve("jdk").toString()),
                state.getBytes());
        assertEquals(0, r.exit(), r.both());
        assertEquals(jvm, Files.exists(ran), name + ": JVM started?");
    }

    /**
     * The launcher reads runc's command line as {@code RuntimeArgs} does: the same table (and
     * RuntimeFrontEndToEndTest runs it through the native front). The
     * runtime (a stand-in, JACCEL_RUNTIME) gets the arguments unchanged. For create/run the launcher
     * reads the bundle's config.json: where it asks for a GPU the JVM (a stand-in java) runs; where
     * the same file says {@code void}, and no other config.json exists, it does not, so the file
     * read was that one. For any other subcommand the JVM never runs, whatever the specs around ask.
     */
    @ParameterizedTest
    @RuncCommandLines
    void runtimeCommandLinesAreReadAsRuntimeArgsReadsThem(String args, String subcommand, String bundle,
            int preserveFds, String runc) throws IOException {
        Path ran = tmp.resolve("jvm-ran");
        standInJdk("touch " + ran);
        Path argv = tmp.resolve("runtime-argv");
        Path runtime = executable(tmp.resolve("runtime"), "printf '%s\\n' \"$@\" > " + argv);
        Path cwd = Files.createDirectories(tmp.resolve("cwd"));
        List<String> local = Jaccel.underRoot(args, tmp);
        List<String> command = new ArrayList<>(List.of("runtime"));
        command.addAll(local);
        Map<String, String> env = Map.of("JACCEL_JAVA_HOME", tmp.resolve("jdk").toString(),
                "JACCEL_RUNTIME", runtime.toString(), "JACCEL_CONFIG", tmp.resolve("no-config.toml").toString());
        boolean editsSpec = "create".equals(subcommand) || "run".equals(subcommand);
        List<Path> specs = Jaccel.specFolders(local, editsSpec, bundle, tmp);
        for (String devices : editsSpec ? List.of("all", "void") : List.of("all")) {
            Jaccel.writeSpecs(specs, cwd, editsSpec, devices);
            Files.deleteIfExists(ran);
            Jaccel.Result r = Jaccel.run(command, env, new byte[0], cwd);
            assertEquals(0, r.exit(), args + ": " + r.both());
            assertEquals(local, Files.readAllLines(argv), args + ": the runtime gets the arguments unchanged");
            assertEquals(editsSpec && devices.equals("all"), Files.exists(ran),
                    args + " with NVIDIA_VISIBLE_DEVICES=" + devices + " in " + specs + ": JVM started?");
        }
    }

    /**
     * The launcher reads a hook's stdin with the shell's own {@code read} (no cat): the JVM gets the
     * same bytes, inner newlines, backslashes and spaces kept, trailing newlines dropped.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "one line, no newline        | {`ociVersion`:`1.0.2`,`bundle`:`BUNDLE`,`pid`:1}",
            "one line, newline           | {`ociVersion`:`1.0.2`,`bundle`:`BUNDLE`,`pid`:1}\\n",
            "pretty-printed, two at end  | {\\n  `ociVersion`: `1.0.2`,\\n  `bundle`: `BUNDLE`,\\n  `pid`: 1\\n}\\n\\n",
            "backslashes and tabs        | {`ociVersion`:`1.0.2`,`bundle`:`BUNDLE`,`a`:`x\\\\u0041\\ty  `}",
    })
    void theHookStateReachesTheJvmUnchanged(String name, String template) throws IOException {
        Path got = tmp.resolve("stdin-seen");
        standInJdk("cat > " + got);
        Path bundle = Files.createDirectories(tmp.resolve("bundle"));
        Files.writeString(bundle.resolve("config.json"), "{\"process\":{\"env\":[\"NVIDIA_VISIBLE_DEVICES=all\"]}}");
        String state = template.replace('`', '"').replace("BUNDLE", bundle.toString())
                .replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\");
        Jaccel.Result r = Jaccel.run(List.of("hook", "prestart"), Map.of("JACCEL_JAVA_HOME", tmp.resolve("jdk").toString()),
                state.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(0, r.exit(), r.both());
        assertEquals(state.replaceAll("\n+$", ""), Files.readString(got), name);
    }

    /**
     * A state with 200 KiB of annotations (an orchestrator's to fill: Kubernetes allows 256 KiB) is
     * read in linear time: the launcher's test for a second "bundle" key once took 47 s on one, and
     * a hook that slow fails the start at the engine's hook timeout. Whether the JVM runs is decided
     * as for any state, and the JVM gets the whole of it.
     */
    @ParameterizedTest(name = "NVIDIA_VISIBLE_DEVICES={0}")
    @CsvSource({"void, false", "all, true"})
    void aStateWithLargeAnnotationsIsReadInLinearTime(String devices, boolean jvm) throws IOException {
        Path got = tmp.resolve("stdin-seen");
        standInJdk("cat > " + got);
        Path bundle = Files.createDirectories(tmp.resolve("bundle"));
        Files.writeString(bundle.resolve("config.json"),
                "{\"process\":{\"env\":[\"NVIDIA_VISIBLE_DEVICES=" + devices + "\"]}}");
        String state = "{\"ociVersion\":\"1.0.2\",\"id\":\"c\",\"status\":\"creating\",\"pid\":1,\"bundle\":\""
                + bundle + "\",\"annotations\":{\"example.com/big\":\"" + "x".repeat(200 * 1024) + "\"}}";
        long start = System.nanoTime();
        Jaccel.Result r = Jaccel.run(List.of("hook", "prestart"), Map.of("JACCEL_JAVA_HOME", tmp.resolve("jdk").toString()),
                state.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertEquals(0, r.exit(), r.both());
        assertTrue(seconds < 15, "the launcher took " + seconds + " s over the state (47 s when it was quadratic)");
        assertEquals(jvm, Files.exists(got), "JVM started?");
        if (jvm) {
            assertEquals(state, Files.readString(got), "the JVM gets the whole state");
        }
    }

    /** The JDK's feature release is read from its release file by the shell; below 22 it is passed over. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "JAVA_VERSION=\"25.0.3\"\\n                         | true",
            "IMPLEMENTOR=\"x\"\\nJAVA_VERSION=\"22\"\\nOTHER=1   | true",
            "JAVA_VERSION=\"25.0.3\"  (no newline at the end)     | true",
            "JAVA_VERSION=\"21.0.5\"                             | false",
            "JAVA_VERSION=\"1.8.0_412\"                          | false",
            "JAVA_RUNTIME_VERSION=\"25+9\"                       | false",
            "''                                                 | false",
    })
    void theJdkVersionComesFromItsReleaseFile(String release, boolean used) throws IOException {
        Path ran = tmp.resolve("jvm-ran");
        standInJdk("touch " + ran);
        String content = release.replace("  (no newline at the end)", "").replace("\\n", "\n");
        Files.writeString(tmp.resolve("jdk/release"), content);
        Jaccel.Result r = Jaccel.run(List.of("--version"), Map.of("JACCEL_JAVA_HOME", tmp.resolve("jdk").toString(),
                "JAVA_HOME", tmp.resolve("no-jdk").toString(), "PATH", "/usr/bin:/bin"), new byte[0]);
        if (used) {
            assertTrue(Files.exists(ran), r.both());
        } else {
            // another JDK (found under /usr/lib/jvm) may run instead, never the stand-in
            assertFalse(Files.exists(ran), r.both());
        }
    }

    /**
     * Every JVM runs in the launcher's locale, C.UTF-8, whatever the caller's (file names decoded as
     * UTF-8, the same classes as the AOT training); the runtime exec'd after the shim's JVM keeps the
     * caller's environment as it was.
     */
    @ParameterizedTest(name = "caller's LC_ALL=[{0}]")
    @ValueSource(strings = {"", "POSIX", "de_DE.ISO-8859-1"})
    void theJvmRunsInTheLaunchersLocaleAndTheRuntimeInTheCallers(String callers) throws IOException {
        Path jvmEnv = tmp.resolve("jvm-env.txt");
        standInJdk("env > " + jvmEnv);
        Path runtimeEnv = tmp.resolve("runtime-env.txt");
        Path runtime = executable(tmp.resolve("runtime"), "env > " + runtimeEnv);
        Path bundle = Files.createDirectories(tmp.resolve("bundle"));
        Files.writeString(bundle.resolve("config.json"), "{\"process\": {\"env\": [\"NVIDIA_VISIBLE_DEVICES=all\"]}}");
        Map<String, String> env = new java.util.HashMap<>(Map.of("JACCEL_JAVA_HOME", tmp.resolve("jdk").toString(),
                "JACCEL_RUNTIME", runtime.toString()));
        if (!callers.isEmpty()) {
            env.put("LC_ALL", callers);
        }
        Jaccel.Result shim = Jaccel.run(List.of("runtime", "run", "--bundle", bundle.toString(), "x"), env, new byte[0]);
        assertEquals(0, shim.exit(), shim.both());
        assertEquals(List.of("LC_ALL=C.UTF-8"), localeOf(jvmEnv), "the shim's JVM");
        assertEquals(callers.isEmpty() ? List.of() : List.of("LC_ALL=" + callers), localeOf(runtimeEnv), "the runtime");

        Files.delete(jvmEnv);
        Jaccel.Result version = Jaccel.run(List.of("--version"), env, new byte[0]);
        assertEquals(0, version.exit(), version.both());
        assertEquals(List.of("LC_ALL=C.UTF-8"), localeOf(jvmEnv), "a command whose shell becomes the JVM");
    }

    private static List<String> localeOf(Path envDump) throws IOException {
        return Files.readAllLines(envDump).stream().filter(l -> l.startsWith("LC_ALL=")).toList();
    }

    /** A "JDK" at tmp/jdk whose java is a shell script. */
    private void standInJdk(String script) throws IOException {
        standInJdk(tmp, script);
    }

    static void standInJdk(Path tmp, String script) throws IOException {
        Files.createDirectories(tmp.resolve("jdk/bin"));
        Files.writeString(tmp.resolve("jdk/release"), "JAVA_VERSION=\"25.0.1\"\n");
        executable(tmp.resolve("jdk/bin/java"), script);
    }

    static Path executable(Path file, String script) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
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
