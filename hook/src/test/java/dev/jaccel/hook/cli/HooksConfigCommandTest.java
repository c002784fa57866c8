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
                        "env", List.of(PATH_ENV), "timeout", 30L),
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
                        "JACCEL_SNAPSHOT=/run/jaccel.json"), "timeout", 30L), doc.get("hook"));
        assertEquals(Map.of("always", true), doc.get("when"));
        assertEquals(List.of("createRuntime"), doc.get("stages"));
    }

    @Test
    void outputWritesTheHooksDirFile() throws IOException {
        Path dir = tmp.resolve("hooks.d");
        Cli r = Cli.run("hooks-config", "--jaccel", "/j", "--output", dir.toString(), "--annotation", "^example\\.com/gpus$");
        assertEquals(0, r.exit(), r.err());
        assertEquals("wrote " + dir.resolve("50-jaccel-prestart.json") + "\n", r.out());
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) JsonTree.read(Files.readString(dir.resolve("50-jaccel-prestart.json")));
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

    /** Each stage has its own file: writing one stage leaves the other stages' entries in place. */
    @Test
    void eachStageHasItsOwnFile() throws IOException {
        Path dir = tmp.resolve("hooks.d");
        for (String stage : List.of("prestart", "createContainer")) {
            Cli r = Cli.run("hooks-config", "--jaccel", "/j", "--output", dir.toString(), "--stage", stage);
            assertEquals(0, r.exit(), r.err());
        }
        for (String stage : List.of("prestart", "createContainer")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> doc = (Map<String, Object>) JsonTree.read(Files.readString(dir.resolve("50-jaccel-" + stage + ".json")));
            assertEquals(List.of(stage), doc.get("stages"));
        }
    }

    /** The single file an older jaccel wrote is replaced when it is that jaccel's entry for the same stage. */
    @ParameterizedTest(name = "old entry for {0}, writing {1}")
    @CsvSource({"prestart, prestart, true", "prestart, createContainer, false", "someone-else, prestart, false"})
    void theOldFileIsRemovedOnlyWhenItIsOursForTheSameStage(String oldStage, String stage, boolean removed)
            throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("hooks.d"));
        Path old = dir.resolve("50-jaccel.json");
        Files.writeString(old, oldStage.equals("someone-else")
                ? "{\"version\": \"1.0.0\", \"hook\": {\"path\": \"/x\", \"args\": [\"x\"]}, \"when\": {\"always\": true}, \"stages\": [\"prestart\"]}"
                : new String(Files.readAllBytes(Files.writeString(tmp.resolve("tmp.json"),
                        Cli.run("hooks-config", "--jaccel", "/j", "--stage", oldStage).out()))));
        Cli r = Cli.run("hooks-config", "--jaccel", "/j", "--output", dir.toString(), "--stage", stage);
        assertEquals(0, r.exit(), r.err());
        assertEquals(!removed, Files.exists(old), r.out());
        assertEquals(removed, r.out().contains("removed " + old + " (an older jaccel's entry for the same stage)"), r.out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--stage start          | --stage 'start': give one of prestart, createRuntime, createContainer, poststart, poststop",
            "--annotation ^(        | --annotation '^(': podman and CRI-O compile it with Go's regexp (RE2 syntax), which refuses it: missing closing )",
            "--annotation ^(?=gpu)  | --annotation '^(?=gpu)': podman and CRI-O compile it with Go's regexp (RE2 syntax), which refuses it: lookahead (?= is not RE2 syntax",
            "--annotation a++       | --annotation 'a++': podman and CRI-O compile it with Go's regexp (RE2 syntax), which refuses it: invalid nested repetition operator + at offset 2 (possessive",
            "--annotation (a)\\1  | --annotation '(a)\\1': podman and CRI-O compile it with Go's regexp (RE2 syntax), which refuses it: backreference \\1",
            "--jaccel bin/jaccel    | --jaccel bin/jaccel: give an absolute path",
            "--host-root host       | --host-root 'host': give an absolute path",
            "--snapshot ./s.json    | --snapshot './s.json': give an absolute path",
            "--nvml-library lib/libnvidia-ml.so.1 | --nvml-library 'lib/libnvidia-ml.so.1': give an absolute path",
            "--nrt-library ../libnrt.so.1 | --nrt-library '../libnrt.so.1': give an absolute path",
    })
    void badInputExitsTwo(String args, String message) {
        String[] words = args.split(" ");
        Cli r = Cli.run("hooks-config", words[0], words[1]);
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().startsWith("jaccel: " + message), r.err());
    }

    @Test
    void aBareLibraryNameIsForTheDynamicLoader() throws IOException {
        Cli r = Cli.run("hooks-config", "--jaccel", "/j", "--nvml-library", "libnvidia-ml.so.1");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\"JACCEL_NVML_LIBRARY=libnvidia-ml.so.1\""), r.out());
    }
}
