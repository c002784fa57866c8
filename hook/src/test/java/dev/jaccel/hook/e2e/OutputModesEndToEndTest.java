package dev.jaccel.hook.e2e;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The files container runtimes trust (CDI specs, hooks.d entries) are 0644 in 0755 folders whatever
 * the caller's umask: {@code bin/jaccel} run under {@code umask 000}, as a careless unit file or
 * shell would run it.
 */
class OutputModesEndToEndTest {
    @TempDir
    Path tmp;
    FaultyHost host;

    @BeforeEach
    void prerequisites() {
        Jaccel.assumeEndToEnd();
        host = FaultyHost.create(tmp.resolve("host"), "inf2");
    }

    /** {@code bin/jaccel ARGS} under umask 000. */
    private Jaccel.Result underUmask000(String... args) {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "umask 000 && exec \"$0\" \"$@\"",
                Jaccel.LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        return Jaccel.exec(cmd, host.env, new byte[0]);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // command (OUT: a folder that does not exist yet) | the files it writes, relative to OUT
            "cdi generate --output-dir OUT/etc/cdi               | etc/cdi/jaccel-nvidia.json etc/cdi/jaccel-neuron.json",
            "cdi generate --output OUT/specs/gpus.json --vendor nvidia | specs/gpus.json",
            "hooks-config --output OUT/hooks.d --stage prestart  | hooks.d/50-jaccel-prestart.json",
    })
    void filesAre0644InFolders0755UnderUmask000(String command, String files) throws IOException {
        Path out = tmp.resolve("out");
        Jaccel.Result r = underUmask000(command.replace("OUT", out.toString()).split(" "));
        assertEquals(0, r.exit(), r.both());
        for (String f : files.split(" ")) {
            Path file = out.resolve(f);
            assertEquals("rw-r--r--", mode(file), file.toString());
            for (Path dir = file.getParent(); !dir.equals(tmp); dir = dir.getParent()) {
                assertEquals("rwxr-xr-x", mode(dir), dir.toString());
            }
        }
        try (var left = Files.walk(out)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(),
                    "no temporary file left");
        }
    }

    @Test
    void anExistingSpecOthersCouldWriteLosesThoseBitsAndAnOpenFolderIsNamed() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("open"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path spec = Files.writeString(dir.resolve("jaccel-nvidia.json"), "{}");
        Files.setPosixFilePermissions(spec, PosixFilePermissions.fromString("rw-rw-rw-"));

        Jaccel.Result r = underUmask000("cdi", "generate", "--output-dir", dir.toString(), "--vendor", "nvidia");
        assertEquals(0, r.exit(), r.both());
        assertEquals("rw-r--r--", mode(spec));
        assertTrue(r.err().contains("jaccel: warning: " + dir + " can be written by users other than its owner (0777): "
                + "anyone of them can add a file the container runtime trusts; chmod go-w " + dir), r.both());
        assertEquals("rwxrwxrwx", mode(dir), "the folder is the administrator's: named, not changed");
    }
}
