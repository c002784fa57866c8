package dev.jaccel.hook;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Main sends {@code runtime configure} to jaccel's own command, not to runc's grammar, and ends
 * only the container path (hook, runc shim) without Runtime.exit's shutdown work.
 */
class MainRoutingTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // arguments after 'runtime configure'       | exit | output contains
            "--docker --dry-run                           | 0    | /bin/jaccel-runtime\"",
            "--docker --dry-run --name gpu                | 0    | \"gpu\"",
            "--dry-run                                    | 2    | --runtime",
            "--docker --dry-run --name 'bad name'         | 2    | --name",
    })
    void runtimeConfigureIsJaccelsOwn(String args, int exit, String expected) throws Exception {
        Path daemon = dir.resolve("daemon.json");
        Files.writeString(daemon, "{\"log-level\": \"warn\"}");
        String[] words = ("runtime configure --config " + daemon + " " + args.replace("'bad name'", "bad!name")).split(" ");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(words, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), System.getenv());
        String all = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertEquals(exit, code, all);
        assertTrue(all.contains(expected), all);
        assertEquals("{\"log-level\": \"warn\"}", Files.readString(daemon), "a dry run or a refusal writes nothing");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "hook prestart                       | true",
            "hook createContainer                | true",
            "hook                                | true",
            "runtime run -b /b id                | true",
            "runtime --root /r create -b /b id   | true",
            "runtime                             | true",
            "runtime configure --docker          | false",
            "devices --json                      | false",
            "device-plugin                       | false",
            "inventory refresh                   | false",
            "''                                  | false",
    })
    void onlyTheContainerPathHalts(String args, boolean halts) {
        String[] words = args.isBlank() ? new String[0] : args.strip().split(" +");
        assertEquals(halts, Main.onContainerPath(words));
    }
}
