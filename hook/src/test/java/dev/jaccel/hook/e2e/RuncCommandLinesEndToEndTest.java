package dev.jaccel.hook.e2e;

import dev.jaccel.hook.start.RuncCommandLines;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The table of runc command lines that {@code RuntimeArgs} and {@code bin/jaccel} are tested with is
 * runc's own reading: each line is given to real runc, with no bundle folder on disk but the empty
 * working directory, so runc stops where it reads the bundle and says which one (runc 1.1
 * utils_linux.go {@code setupSpec}: {@code chdir} into {@code --bundle}, then {@code config.json}).
 */
class RuncCommandLinesEndToEndTest {
    private static final Pattern CHDIR = Pattern.compile("runc (create|run) failed: chdir (\\S+): no such file or directory");
    private static final Pattern NO_SPEC = Pattern.compile("runc (create|run) failed: JSON specification file config.json not found");

    @TempDir
    Path tmp;
    Path cwd;

    @BeforeEach
    void prerequisites() throws IOException {
        Jaccel.assumeEndToEnd();
        cwd = Files.createDirectories(tmp.resolve("cwd"));
    }

    @ParameterizedTest
    @RuncCommandLines
    void runcReadsTheCommandLineAsTheTableSays(String args, String subcommand, String bundle, int preserveFds,
            String runc) {
        // runc's state under this test's folder (a --root in the line comes later and wins)
        List<String> command = new ArrayList<>(List.of("runc", "--root", tmp.resolve("runc-state").toString()));
        command.addAll(Jaccel.underRoot(args, tmp));
        Jaccel.Result r = Jaccel.exec(command, Map.of(), new byte[0], cwd);
        String said = r.both();
        Matcher chdir = CHDIR.matcher(said);
        Matcher noSpec = NO_SPEC.matcher(said);
        if (!"accepts".equals(runc)) {
            assertFalse(chdir.find() || noSpec.find(), args + ": runc read a bundle: " + said);
            if ("refuses".equals(runc)) {
                assertNotEquals(0, r.exit(), said);
            }
            return;
        }
        Path read;
        if (chdir.find()) {
            assertEquals(subcommand, chdir.group(1), said);
            read = cwd.resolve(chdir.group(2)).normalize();
        } else {
            assertTrue(noSpec.find(), args + ": runc did not get to the bundle: " + said);
            assertEquals(subcommand, noSpec.group(1), said);
            read = cwd;
        }
        assertEquals(Jaccel.underRoot(bundle, tmp).getFirst(), read.toString(), args + ": " + said);
    }
}
