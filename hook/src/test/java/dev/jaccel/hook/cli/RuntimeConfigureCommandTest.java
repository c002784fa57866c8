package dev.jaccel.hook.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuntimeConfigureCommandTest {
    static final String ENTRY = "{\"path\":\"/opt/jaccel/bin/jaccel\",\"runtimeArgs\":[\"runtime\"]}";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // daemon.json before (blank: no file) | extra flags | daemon.json after, whitespace removed
            "                                       |                  | {\"runtimes\":{\"jaccel\":" + ENTRY + "}}",
            "{}                                     |                  | {\"runtimes\":{\"jaccel\":" + ENTRY + "}}",
            "'  \n'                                 |                  | {\"runtimes\":{\"jaccel\":" + ENTRY + "}}",
            // every other key, value and order is kept; numbers, booleans, nulls and nesting survive
            "{\"log-driver\":\"json-file\",\"log-opts\":{\"max-size\":\"10m\",\"max-file\":\"3\"},\"debug\":false,"
                    + "\"mtu\":1500,\"x\":null,\"dns\":[\"10.0.0.2\"]} | | "
                    + "{\"log-driver\":\"json-file\",\"log-opts\":{\"max-size\":\"10m\",\"max-file\":\"3\"},\"debug\":false,"
                    + "\"mtu\":1500,\"x\":null,\"dns\":[\"10.0.0.2\"],\"runtimes\":{\"jaccel\":" + ENTRY + "}}",
            // other runtimes stay, an older entry of the same name is replaced in place
            "{\"runtimes\":{\"jaccel\":{\"path\":\"/old\"},\"nvidia\":{\"path\":\"nvidia-container-runtime\",\"runtimeArgs\":[]}},"
                    + "\"default-runtime\":\"nvidia\"} | | "
                    + "{\"runtimes\":{\"jaccel\":" + ENTRY + ",\"nvidia\":{\"path\":\"nvidia-container-runtime\",\"runtimeArgs\":[]}},"
                    + "\"default-runtime\":\"nvidia\"}",
            "{\"default-runtime\":\"runc\"}         | --set-as-default | {\"default-runtime\":\"jaccel\",\"runtimes\":{\"jaccel\":" + ENTRY + "}}",
            "{}                                     | --name=accel     | {\"runtimes\":{\"accel\":" + ENTRY + "}}",
    })
    void addsTheRuntimeKeepingEverythingElse(String before, String flags, String after) throws IOException {
        Path config = tmp.resolve("docker/daemon.json");
        if (before != null) {
            Files.createDirectories(config.getParent());
            Files.writeString(config, before);
        }
        Cli r = flags == null
                ? Cli.runtimeConfigure("--docker", "--config", config.toString(), "--jaccel", "/opt/jaccel/bin/jaccel")
                : Cli.runtimeConfigure("--docker", "--config", config.toString(), "--jaccel", "/opt/jaccel/bin/jaccel", flags);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("wrote " + config + " (runtime "), r.out());
        assertEquals(after, Files.readString(config).replaceAll("\\s", ""));
    }

    @Test
    void mainRoutesRuntimeConfigureHereAndNotToTheShim() throws IOException {
        Path config = Files.writeString(tmp.resolve("daemon.json"), "{}");
        Cli r = Cli.run("runtime", "configure", "--docker", "--dry-run", "--config", config.toString(), "--jaccel", "/j");
        assertEquals(0, r.exit(), r.err());
        assertEquals("{\"runtimes\":{\"jaccel\":{\"path\":\"/j\",\"runtimeArgs\":[\"runtime\"]}}}",
                r.out().replaceAll("\\s", ""));
    }

    @Test
    void dryRunPrintsAndWritesNothing() throws IOException {
        Path config = Files.writeString(tmp.resolve("daemon.json"), "{\"debug\": true}");
        Cli r = Cli.runtimeConfigure("--docker", "--dry-run", "--config", config.toString(), "--jaccel", "/opt/jaccel/bin/jaccel");
        assertEquals(0, r.exit(), r.err());
        assertEquals("{\"debug\":true,\"runtimes\":{\"jaccel\":" + ENTRY + "}}", r.out().replaceAll("\\s", ""));
        assertEquals("{\"debug\": true}", Files.readString(config));
    }

    @Test
    void theFilesModeIsKept() throws IOException {
        Path config = Files.writeString(tmp.resolve("daemon.json"), "{}");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        assertEquals(0, Cli.runtimeConfigure("--docker", "--config", config.toString(), "--jaccel", "/j").exit());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"a\":1,}", "[]", "\"text\"", "{\"a\":1} {}", "{\"a\":1,\"a\":2}", "{\"runtimes\": []}"})
    void malformedDaemonJsonExitsTwoAndIsLeftUntouched(String content) throws IOException {
        Path config = Files.writeString(tmp.resolve("daemon.json"), content);
        Cli r = Cli.runtimeConfigure("--docker", "--config", config.toString(), "--jaccel", "/j");
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().startsWith("jaccel: "), r.err());
        assertTrue(r.err().contains("fix it"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertEquals(content, Files.readString(config));
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--config /x/daemon.json --jaccel /j              | Missing required option: '--docker'",
            "--docker --name a/b --jaccel /j                  | --name a/b: use letters, digits",
            "--docker --jaccel relative/jaccel                | --jaccel relative/jaccel: give an absolute path",
    })
    void badUsageExitsTwo(String args, String message) {
        Cli r = Cli.runtimeConfigure(args.split(" "));
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().startsWith("jaccel: " + message), r.err());
    }
}
