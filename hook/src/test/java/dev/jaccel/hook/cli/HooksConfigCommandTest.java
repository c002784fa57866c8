package dev.jaccel.hook.cli;

import dev.jaccel.core.json.JsonTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HooksConfigCommandTest {
    static final String PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    @TempDir
    Path tmp;

    @Test
    void defaultIsAPrestartHookGatedOnTheOptInAnnotation() throws IOException {
        Cli r = Cli.run("hooks-config", "--jaccel", "/opt/jaccel/bin/jaccel");
        assertEquals(0, r.exit(), r.err());
        assertEquals(Map.of(
                "version", "1.0.0",
                "hook", Map.of("path", "/opt/jaccel/bin/jaccel", "args", List.of("jaccel", "hook", "prestart"),
                        "env", List.of(PATH_ENV)),
                "when", Map.of("annotations", Map.of("^jaccel\\.dev/.+$", ".*")),
                "stages", List.of("prestart")), JsonTree.read(r.out()));
    }

    @Test
    void hostOptionsReachTheHookOnlyThroughItsExplicitEnv() throws IOException {
        Cli r = Cli.run("hooks-config", "--jaccel", "/j", "--stage", "createRuntime", "--always",
                "--host-root", "/host", "--nvml-library", "/lib/libnvidia-ml.so.1", "--snapshot", "/run/jaccel.json");
        assertEquals(0, r.exit(), r.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) JsonTree.read(r.out());
        assertEquals(Map.of("path", "/j", "args", List.of("jaccel", "hook", "createRuntime"),
                "env", List.of(PATH_ENV, "JACCEL_HOST_ROOT=/host", "JACCEL_NVML_LIBRARY=/lib/libnvidia-ml.so.1",
                        "JACCEL_SNAPSHOT=/run/jaccel.json")), doc.get("hook"));
        assertEquals(Map.of("always", true), doc.get("when"));
        assertEquals(List.of("createRuntime"), doc.get("stages"));
    }

    @Test
    void outputWritesTheHooksDirFile() throws IOException {
        Path dir = tmp.resolve("hooks.d");
        Cli r = Cli.run("hooks-config", "--jaccel", "/j", "--output", dir.toString(), "--annotation", "^example\\.com/gpus$");
        assertEquals(0, r.exit(), r.err());
        assertEquals("wrote " + dir.resolve("50-jaccel.json") + "\n", r.out());
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) JsonTree.read(Files.readString(dir.resolve("50-jaccel.json")));
        assertEquals(Map.of("annotations", Map.of("^example\\.com/gpus$", ".*")), doc.get("when"));
    }

    @Test
    void theLauncherOfThisCheckoutIsFoundWithoutAFlag() throws IOException {
        Cli r = Cli.run("hooks-config");
        assertEquals(0, r.exit(), r.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> hook = (Map<String, Object>) ((Map<String, Object>) JsonTree.read(r.out())).get("hook");
        Path launcher = Path.of((String) hook.get("path"));
        assertTrue(launcher.isAbsolute() && launcher.endsWith("bin/jaccel") && Files.isExecutable(launcher), launcher.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--stage start          | --stage start: give one of prestart, createRuntime, createContainer, poststart, poststop",
            "--annotation ^(        | --annotation ^(: not a regular expression",
            "--jaccel bin/jaccel    | --jaccel bin/jaccel: give an absolute path",
    })
    void badInputExitsTwo(String args, String message) {
        String[] words = args.split(" ");
        Cli r = Cli.run("hooks-config", words[0], words[1]);
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().startsWith("jaccel: " + message), r.err());
    }
}
