package dev.jaccel.hook.cli;


import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.jaccel.core.json.JsonTree;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jaccel runtime configure} on real-world files of each engine: the runtime is registered,
 * every other key and comment is kept, a second run changes nothing, and the previous content is
 * in the backup. Plus the hardening items: symlinks, owner, number spellings, parallel runs, a
 * missing launcher.
 */
class RuntimeConfigureCommandTest {
    static final TomlMapper TOML = new TomlMapper();

    @TempDir
    Path tmp;
    Path launcher;
    Path runtime;

    @BeforeEach
    void installation() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("opt/jaccel/bin"));
        launcher = executable(bin.resolve("jaccel"));
        runtime = executable(bin.resolve("jaccel-runtime"));
    }

    static Path executable(Path file) throws IOException {
        Files.writeString(file, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    Cli configure(String engine, Path file, String... flags) {
        List<String> args = new ArrayList<>(List.of("--runtime", engine, "--config", file.toString(),
                "--jaccel", launcher.toString()));
        args.addAll(Arrays.asList(flags));
        return Cli.runtimeConfigure(args.toArray(String[]::new));
    }

    static String fixture(String name) throws IOException {
        try (InputStream in = RuntimeConfigureCommandTest.class.getResourceAsStream("/engines/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "docker     | daemon-typical.json           | ''",
            "docker     | daemon-typical.json           | --set-as-default --cdi",
            "docker     | daemon-nvidia-tabs.json       | --set-as-default --cdi",
            "docker     | daemon-compact.json           | --cdi",
            "containerd | containerd-1.6-default.toml   | ''",
            "containerd | containerd-1.6-default.toml   | --set-as-default --cdi",
            "containerd | containerd-eks-systemd.toml   | --set-as-default --cdi",
            "containerd | containerd-2.x-v3.toml        | --set-as-default --cdi",
            "crio       | crio-nvidia-style.toml        | --set-as-default",
            "crio       | crio-nvidia-style.toml        | --name=accel",
    })
    void registersTheRuntimeKeepingEveryOtherLineAndChangesNothingTheSecondTime(String engine, String fixture,
                                                                               String flags) throws IOException {
        String before = fixture(fixture);
        Path file = Files.writeString(Files.createDirectories(tmp.resolve("etc")).resolve(fixture), before);
        String[] args = flags.isBlank() ? new String[0] : flags.split(" ");
        Cli r = configure(engine, file, args);
        assertEquals(0, r.exit(), r.err());
        Path backup = file.resolveSibling(fixture + ".jaccel.bak");   // etc/ is not a drop-in folder (*.d)
        assertTrue(r.out().startsWith("wrote " + file + " (runtime " + name(args) + " -> " + runtime + ""), r.out());
        assertTrue(r.out().contains("; previous content in " + backup + "; restart " + engine), r.out());
        String after = Files.readString(file);
        assertEquals(before, Files.readString(backup));

        // every line of the file is still there, in order, but those of the keys the edit sets (and a
        // JSON member that got a comma after it): the edit only added lines
        assertSubsequence(kept(before), kept(after));
        // and it means exactly the old settings plus the runtime
        assertEquals(expected(engine, before, args), parsed(engine, after), after);

        Cli again = configure(engine, file, args);
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("nothing written"), again.out());
        assertEquals(after, Files.readString(file));
    }

    private static String name(String[] flags) {
        return Arrays.stream(flags).filter(f -> f.startsWith("--name=")).map(f -> f.substring(7)).findFirst().orElse("jaccel");
    }

    /** The lines an edit must not touch: those of the keys it sets are left out, JSON's trailing commas ignored. */
    static List<String> kept(String text) {
        return text.lines().map(l -> l.endsWith(",") ? l.substring(0, l.length() - 1) : l)
                .filter(l -> !l.strip().matches("\"?(default_runtime_name|default_runtime|enable_cdi|cdi_spec_dirs|default-runtime|cdi|features)\"?\\s*[=:].*"))
                .map(l -> l.startsWith("{") && l.endsWith("}") ? l.substring(0, l.indexOf(']') + 1) : l)
                .toList();
    }

    static void assertSubsequence(List<String> expected, List<String> actual) {
        int j = 0;
        for (String line : expected) {
            while (j < actual.size() && !actual.get(j).equals(line)) {
                j++;
            }
            assertTrue(j < actual.size(), "line lost or moved: '" + line + "'\n" + String.join("\n", actual));
            j++;
        }
    }

    Object parsed(String engine, String text) throws IOException {
        return engine.equals("docker") ? JsonTree.read(text) : TOML.readTree(text);
    }

    /** An independent statement of each engine's edit, applied to the parsed fixture. */
    @SuppressWarnings("unchecked")
    Object expected(String engine, String before, String[] flags) throws IOException {
        List<String> f = List.of(flags);
        String name = name(flags);
        boolean dflt = f.contains("--set-as-default");
        boolean cdi = f.contains("--cdi");
        switch (engine) {
            case "docker" -> {
                Map<String, Object> d = (Map<String, Object>) JsonTree.read(before);
                ((Map<String, Object>) d.computeIfAbsent("runtimes", k -> new LinkedHashMap<>()))
                        .put(name, Map.of("path", runtime.toString()));
                if (dflt) {
                    d.put("default-runtime", name);
                }
                if (cdi) {
                    ((Map<String, Object>) d.computeIfAbsent("features", k -> new LinkedHashMap<>())).put("cdi", true);
                }
                return d;
            }
            case "containerd" -> {
                ObjectNode d = (ObjectNode) TOML.readTree(before);
                ObjectNode cri = d.withObject("plugins").withObject(d.get("version").asInt() == 3
                        ? "io.containerd.cri.v1.runtime" : "io.containerd.grpc.v1.cri");
                ObjectNode runtimes = cri.withObject("containerd").withObject("runtimes");
                ObjectNode entry = runtimes.get("runc").deepCopy();
                ((ObjectNode) entry.get("options")).put("BinaryName", runtime.toString());
                runtimes.set(name, entry);
                if (dflt) {
                    cri.withObject("containerd").put("default_runtime_name", name);
                }
                if (cdi) {
                    cri.put("enable_cdi", true);
                    cri.putArray("cdi_spec_dirs").add("/etc/cdi").add("/var/run/cdi");
                }
                return d;
            }
            default -> {
                ObjectNode d = (ObjectNode) TOML.readTree(before);
                ObjectNode rt = d.withObject("crio").withObject("runtime");
                rt.withObject("runtimes").putObject(name).put("runtime_path", runtime.toString()).put("runtime_type", "oci");
                if (dflt) {
                    rt.put("default_runtime", name);
                }
                return d;
            }
        }
    }

    static Stream<Arguments> newFiles() {
        return Stream.of(
                Arguments.of("docker", "{\n  \"runtimes\": {\n    \"jaccel\": {\n      \"path\": \"RUNTIME\"\n    }\n  }\n}\n"),
                Arguments.of("containerd", """
                        version = 2

                        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.jaccel]
                        runtime_type = 'io.containerd.runc.v2'

                        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.jaccel.options]
                        BinaryName = 'RUNTIME'
                        """),
                Arguments.of("crio", """
                        [crio.runtime.runtimes.jaccel]
                        runtime_path = 'RUNTIME'
                        runtime_type = 'oci'
                        """));
    }

    @ParameterizedTest
    @MethodSource("newFiles")
    void aMissingFileIsCreatedWithTheEntryAloneAndNoBackup(String engine, String content) throws IOException {
        Path file = tmp.resolve("new/dir/" + engine + ".conf");
        Cli r = configure(engine, file);
        assertEquals(0, r.exit(), r.err());
        assertEquals(content.replace("RUNTIME", runtime.toString()), Files.readString(file));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse(r.out().contains("previous content"), r.out());
    }

    @Test
    void mainRoutesRuntimeConfigureHereAndNotToTheShim() throws IOException {
        Path config = Files.writeString(tmp.resolve("daemon.json"), "{}");
        Cli r = Cli.run("runtime", "configure", "--runtime", "docker", "--dry-run", "--config", config.toString(),
                "--jaccel", launcher.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("{\"runtimes\":{\"jaccel\":{\"path\":\"" + runtime + "\"}}}", r.out().replaceAll("\\s", ""));
        assertEquals("{}", Files.readString(config));
    }

    @Test
    void theOldDockerFlagStillWorks() throws IOException {
        Path config = Files.writeString(tmp.resolve("daemon.json"), "{}");
        Cli r = Cli.runtimeConfigure("--docker", "--config", config.toString(), "--jaccel", launcher.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.readString(config).contains(runtime.toString()));
    }

    @Test
    void theFilesModeIsKeptAndTheBackupHasIt() throws IOException {
        Path config = Files.writeString(tmp.resolve("daemon.json"), "{}");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        assertEquals(0, configure("docker", config).exit());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                tmp.resolve("daemon.json.jaccel.bak"))));
    }

    /** Security #14: a symlinked daemon.json was replaced by a regular file and its target never updated. */
    @Test
    void aSymlinkedFileIsEditedThroughTheLinkAndTheLinkStays() throws IOException {
        Path real = Files.writeString(Files.createDirectories(tmp.resolve("managed")).resolve("daemon.json"), "{\"debug\": true}\n");
        Path link = Files.createSymbolicLink(Files.createDirectories(tmp.resolve("etc/docker")).resolve("daemon.json"),
                Path.of("../../managed/daemon.json"));
        Cli r = configure("docker", link);
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.isSymbolicLink(link), "the link is kept");
        assertEquals(Path.of("../../managed/daemon.json"), Files.readSymbolicLink(link));
        assertTrue(Files.readString(real).contains(runtime.toString()), Files.readString(real));
        assertTrue(r.out().startsWith("wrote " + real + " ("), r.out());
    }

    /** Security #14: the file's owner was lost (root:root afterwards). */
    @Test
    void theOwnerIsKept() throws IOException {
        Path config = Files.writeString(tmp.resolve("daemon.json"), "{}");
        Files.setAttribute(config, "unix:uid", 4321);
        Files.setAttribute(config, "unix:gid", 4322);
        assertEquals(0, configure("docker", config).exit());
        assertEquals(4321, Files.getAttribute(config, "unix:uid"));
        assertEquals(4322, Files.getAttribute(config, "unix:gid"));
    }

    /** Security #14: numbers were re-rendered (1e3 became 1000.0, which Go refuses for an integer; 1e400 became "Infinity"). */
    @Test
    void numbersKeepTheirSpelling() throws IOException {
        String before = "{\"mtu\": 1e3, \"too-big\": 1e400, \"t\": 1.50, \"n\": -0, \"big\": 123456789012345678901234567890}";
        Path config = Files.writeString(tmp.resolve("daemon.json"), before);
        assertEquals(0, configure("docker", config).exit());
        String after = Files.readString(config);
        assertTrue(after.startsWith(before.substring(0, before.length() - 1)), after);
    }

    /** Security #14: without a lock, 8 parallel runs kept 4 of 8 entries. */
    @Test
    void parallelRunsKeepEveryEntry() throws Exception {
        Path config = Files.writeString(tmp.resolve("daemon.json"), "{}");
        int n = 8;
        List<Future<Cli>> runs = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
            for (int i = 0; i < n; i++) {
                String name = "rt" + i;
                runs.add(pool.submit(() -> configure("docker", config, "--name", name)));
            }
        }
        for (Future<Cli> run : runs) {
            assertEquals(0, run.get().exit(), run.get().err());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> runtimes = (Map<String, Object>) ((Map<String, Object>) JsonTree.read(Files.readString(config))).get("runtimes");
        assertEquals(n, runtimes.size(), runtimes.toString());
    }

    /** Security #14: a --jaccel path that does not exist was written into the engine's file. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "none/bin/jaccel     | no such file; give the bin/jaccel of an installed jaccel",
            "half/bin/jaccel     | jaccel-runtime is missing or not executable; the installation is incomplete",
    })
    void aLauncherThatIsNotThereIsRefused(String launcherPath, String message) throws IOException {
        executable(Files.createDirectories(tmp.resolve("half/bin")).resolve("jaccel"));
        Path config = tmp.resolve("daemon.json");
        Cli r = Cli.runtimeConfigure("--runtime", "docker", "--config", config.toString(),
                "--jaccel", tmp.resolve(launcherPath).toString());
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().startsWith("jaccel: --jaccel " + tmp.resolve(launcherPath)), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertFalse(Files.exists(config));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"a\":1,}", "[]", "\"text\"", "{\"a\":1} {}", "{\"a\":1,\"a\":2}", "{\"runtimes\": []}"})
    void malformedDaemonJsonExitsTwoAndIsLeftUntouched(String content) throws IOException {
        Path config = Files.writeString(tmp.resolve("daemon.json"), content);
        Cli r = configure("docker", config);
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().startsWith("jaccel: --config " + config + ": "), r.err());
        assertTrue(r.err().contains("fix it"), r.err());
        assertTrue(r.err().endsWith("it was left untouched\n"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertEquals(content, Files.readString(config));
        try (var files = Files.list(tmp)) {
            assertEquals(List.of("daemon.json", "opt"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file or backup is left behind");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not TOML            | containerd | version = 2\\n[plugins | not valid TOML (",
            "version 1           | containerd | root = \"/var/lib/containerd\" | has no 'version' key, so containerd reads it as version 1",
            "unknown version     | containerd | version = 9 | version = 9: jaccel writes versions 2 and 3",
            "dotted runtime keys | containerd | version = 2\\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\\nruntimes.jaccel.runtime_type = \"x\" | cannot be edited safely",
            "crio, not TOML      | crio       | [crio.runtime\\n | not valid TOML (",
    })
    void filesJaccelWillNotEditAreLeftUntouched(String name, String engine, String content, String message) throws IOException {
        String text = content.replace("\\n", "\n");
        Path config = Files.writeString(tmp.resolve("config.toml"), text);
        Cli r = configure(engine, config);
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().startsWith("jaccel: --config " + config + ": "), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertEquals(text, Files.readString(config));
    }

    @Test
    void crioCdiIsANoteNotASetting() throws IOException {
        Path dropIn = tmp.resolve("crio/crio.conf.d/99-jaccel.toml");
        Cli r = configure("crio", dropIn, "--cdi");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("note: CRI-O reads CDI specs from /etc/cdi and /var/run/cdi without a switch"), r.out());
        // a second run with a change puts the backup above the drop-in folder, which CRI-O reads whole
        assertEquals(0, configure("crio", dropIn, "--set-as-default").exit());
        assertTrue(Files.isRegularFile(tmp.resolve("crio/99-jaccel.toml.jaccel.bak")));
        try (var files = Files.list(dropIn.getParent())) {
            assertEquals(List.of("99-jaccel.toml"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--config /x/daemon.json                            | Missing required option: '--runtime=ENGINE'",
            "--runtime podman --config /x/daemon.json           | --runtime podman: unknown engine (use docker, containerd or crio)",
            "--runtime docker --name a/b                        | --name a/b: use letters, digits",
            "--runtime docker --jaccel relative/jaccel          | --jaccel relative/jaccel: give an absolute path",
    })
    void badUsageExitsTwo(String args, String message) {
        Cli r = Cli.runtimeConfigure(args.split(" +"));
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().startsWith("jaccel: " + message), r.err());
    }

}
