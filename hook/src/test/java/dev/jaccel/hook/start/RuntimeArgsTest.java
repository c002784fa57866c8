package dev.jaccel.hook.start;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RuntimeArgsTest {
    /** runc's grammar (the table is shared with the launcher's and runc's own tests). */
    @ParameterizedTest
    @RuncCommandLines
    void readsSubcommandAndBundle(String args, String subcommand, String bundle, int preserve, String runc) {
        RuntimeArgs parsed = RuntimeArgs.parse(List.of(args.split(" ")), Path.of("/cwd"));
        assertEquals(subcommand, parsed.subcommand().orElse(null), args);
        assertEquals(bundle, parsed.bundle().map(Path::toString).orElse(null), args);
        assertEquals(preserve, parsed.preserveFds(), args);
        assertEquals(subcommand != null && (subcommand.equals("create") || subcommand.equals("run")), parsed.editsSpec());
    }

    /** runc's own log, where containerd's runc shim finds a failed create's reason. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // args | log file | json
            "--root /r --log /run/l.json --log-format json create -b /b id | /run/l.json | true",
            "--log=/run/l --log-format=text create id | /run/l | false",
            "--log rel.log run id | /cwd/rel.log | false",
            "--root /r create --log /x id | - | false",      // after the subcommand it is not runc's global --log
            "create id | - | false",
    })
    void readsTheRuntimesLog(String args, String log, boolean json) {
        RuntimeArgs parsed = RuntimeArgs.parse(List.of(args.split(" ")), Path.of("/cwd"));
        assertEquals(log, parsed.log().map(Path::toString).orElse(null), args);
        assertEquals(json, parsed.jsonLog(), args);
    }

    @Test
    void aRefusalIsWrittenToTheRuntimesJsonLog(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path log = dir.resolve("log.json");
        java.nio.file.Files.writeString(log, "{\"level\":\"info\",\"msg\":\"earlier\"}\n");
        RuntimeLog.error(RuntimeArgs.parse(List.of("--log", log.toString(), "--log-format", "json", "create", "id"),
                dir), "unsatisfied condition: cuda>=99.0 \"quoted\"");
        List<String> lines = java.nio.file.Files.readAllLines(log);
        assertEquals(2, lines.size());
        Object entry = dev.jaccel.core.json.JsonTree.read(lines.get(1));
        assertEquals("error", ((java.util.Map<?, ?>) entry).get("level"));
        assertEquals("jaccel: unsatisfied condition: cuda>=99.0 \"quoted\"", ((java.util.Map<?, ?>) entry).get("msg"));
    }

    @ParameterizedTest
    @CsvSource({"runc,/usr/sbin:/usr/bin", "crun,/nonexistent"})
    void runtimeIsFoundOnPath(String name, String path) {
        var found = RuntimeShim.onPath(name, path);
        assertEquals(Arrays.stream(path.split(":")).anyMatch(d -> java.nio.file.Files.isExecutable(Path.of(d, name))),
                found.isPresent());
    }
}
