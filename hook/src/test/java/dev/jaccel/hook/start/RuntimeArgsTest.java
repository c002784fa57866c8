package dev.jaccel.hook.start;

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

    @ParameterizedTest
    @CsvSource({"runc,/usr/sbin:/usr/bin", "crun,/nonexistent"})
    void runtimeIsFoundOnPath(String name, String path) {
        var found = RuntimeShim.onPath(name, path);
        assertEquals(Arrays.stream(path.split(":")).anyMatch(d -> java.nio.file.Files.isExecutable(Path.of(d, name))),
                found.isPresent());
    }
}
