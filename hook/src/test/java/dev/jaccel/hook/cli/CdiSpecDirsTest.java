package dev.jaccel.hook.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which files the CDI cache loads, and which pairs of them clash (container-device-interface pkg/cdi). */
class CdiSpecDirsTest {
    @TempDir
    Path tmp;

    static String json(String kind, String... names) {
        StringBuilder devices = new StringBuilder();
        for (String n : names) {
            devices.append(devices.isEmpty() ? "" : ", ").append("{\"name\": \"").append(n)
                    .append("\", \"containerEdits\": {\"deviceNodes\": [{\"path\": \"/dev/null\"}]}}");
        }
        return "{\"cdiVersion\": \"0.5.0\", \"kind\": \"" + kind + "\", \"devices\": [" + devices + "]}";
    }

    static String yaml(String kind, String... names) {
        StringBuilder s = new StringBuilder("cdiVersion: 0.5.0\nkind: " + kind + "\ndevices:\n");
        for (String n : names) {
            s.append("- name: \"").append(n).append("\"\n  containerEdits:\n    deviceNodes:\n    - path: /dev/null\n");
        }
        return s.toString();
    }

    @Test
    void onlyJsonAndYamlFilesDirectlyInTheFolderAreSpecs() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("cdi"));
        Files.writeString(dir.resolve("a.json"), json("nvidia.com/gpu", "0", "all"));
        Files.writeString(dir.resolve("b.yaml"), yaml("nvidia.com/gpu", "1"));
        Files.writeString(dir.resolve("c.yml"), yaml("nvidia.com/gpu", "0"));          // not read by the cache
        Files.writeString(dir.resolve("d.json.bak"), json("nvidia.com/gpu", "0"));
        Files.writeString(dir.resolve("e.json"), "{not json");                          // unreadable: skipped
        Files.writeString(Files.createDirectories(dir.resolve("sub")).resolve("f.json"), json("nvidia.com/gpu", "0"));
        List<String> read = CdiSpecDirs.read(List.of(dir, tmp.resolve("missing"))).stream()
                .map(s -> s.path().getFileName() + " " + s.devices()).sorted().toList();
        assertEquals(List.of("a.json [nvidia.com/gpu=0, nvidia.com/gpu=all]", "b.yaml [nvidia.com/gpu=1]"), read);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // first file (dir/name: kind names) ; second file | clash
            "etc/a.json: nvidia.com/gpu 0 1 all ; etc/b.yaml: nvidia.com/gpu 1 all | conflict nvidia.com/gpu=1, nvidia.com/gpu=all",
            "etc/a.json: nvidia.com/gpu 0 ; etc/b.json: aws.amazon.com/neuron 0    | none",
            "etc/a.json: nvidia.com/gpu 0 ; etc/b.json: nvidia.com/gpu 1           | none",
            "etc/a.json: nvidia.com/gpu 0 ; run/b.yaml: nvidia.com/gpu 0           | shadowed by b.yaml",
            "run/a.json: nvidia.com/gpu 0 ; etc/b.yaml: nvidia.com/gpu 0           | shadowed by a.json",
    })
    void devicesOfTheSameNameClash(String files, String expected) throws IOException {
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        Path run = Files.createDirectories(tmp.resolve("run"));
        for (String file : files.split(";")) {
            String[] parts = file.strip().split(": ");
            String[] kindNames = parts[1].split(" ");
            String[] names = java.util.Arrays.copyOfRange(kindNames, 1, kindNames.length);
            Files.writeString(tmp.resolve(parts[0]), parts[0].endsWith(".json") ? json(kindNames[0], names)
                    : yaml(kindNames[0], names));
        }
        List<CdiSpecDirs.Clash> clashes = CdiSpecDirs.clashes(CdiSpecDirs.read(List.of(etc, run)));
        if (expected.equals("none")) {
            assertEquals(List.of(), clashes);
            return;
        }
        assertEquals(1, clashes.size(), clashes.toString());
        CdiSpecDirs.Clash c = clashes.getFirst();
        if (expected.startsWith("conflict ")) {
            assertEquals(true, c.conflict());
            assertEquals(expected.substring("conflict ".length()), c.names());
        } else {
            assertEquals(false, c.conflict());
            assertEquals(expected.substring("shadowed by ".length()), c.winner().path().getFileName().toString());
        }
    }

    @Test
    void aLongListOfDevicesIsCut() {
        CdiSpecDirs.SpecFile a = new CdiSpecDirs.SpecFile(tmp.resolve("a.json"), 0, "k/c",
                new java.util.LinkedHashSet<>(List.of("k/c=0", "k/c=1", "k/c=2", "k/c=3", "k/c=4", "k/c=5")));
        CdiSpecDirs.SpecFile b = new CdiSpecDirs.SpecFile(tmp.resolve("b.json"), 0, "k/c", a.devices());
        assertEquals("k/c=0, k/c=1, k/c=2, k/c=3 and 2 more", CdiSpecDirs.clash(a, b).orElseThrow().names());
    }
}
