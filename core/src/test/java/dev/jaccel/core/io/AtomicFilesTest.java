package dev.jaccel.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AtomicFilesTest {
    @Test
    void replacesContentKeepsPermissionsAndLeavesNoTemporary(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        AtomicFiles.write(f, "new".getBytes());
        assertEquals("new", Files.readString(f));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void failureLeavesTargetUntouched(@TempDir Path dir) throws IOException {
        Path missingDir = dir.resolve("absent/config.json");
        assertThrows(IOException.class, () -> AtomicFiles.write(missingDir, "x".getBytes()));
        Path f = dir.resolve("daemon.json");
        Files.writeString(f, "{}");
        Files.createDirectory(dir.resolve("sub"));
        // a directory cannot be replaced by a file: the rename fails, the original stays
        assertThrows(IOException.class, () -> AtomicFiles.write(dir.resolve("sub"), "x".getBytes()));
        assertEquals("{}", Files.readString(f));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left");
        }
    }

    @ParameterizedTest(name = "mode {0} -> {1}")
    @CsvSource({
            "420, rw-r--r--",    // 0644
            "384, rw-------",    // 0600
            "493, rwxr-xr-x",    // 0755
    })
    void aNewFileGetsTheModeAskedFor(int mode, String expected, @TempDir Path dir) throws IOException {
        Path f = dir.resolve("new.json");
        AtomicFiles.write(f, "x".getBytes(), mode);
        assertEquals(expected, PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void aSymlinkIsReplacedByANewFileNotGivenItsMode(@TempDir Path dir) throws IOException {
        Path real = dir.resolve("real.json");
        Files.writeString(real, "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), real);
        AtomicFiles.write(link, "new".getBytes());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(link, LinkOption.NOFOLLOW_LINKS)));
        assertEquals("old", Files.readString(real));
    }

    /** A writer killed before its rename leaves its temporary file; the next write removes it once that writer is gone. */
    @Test
    void leftoversOfDeadWritersAreRemoved(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("config.json");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path dead = Files.writeString(dir.resolve(".config.json.jaccel-" + gone.pid() + "-abc.tmp"), "half");
        Path alive = Files.writeString(dir.resolve(".config.json.jaccel-" + ProcessHandle.current().pid() + "-def.tmp"), "busy");
        Path other = Files.writeString(dir.resolve(".other.json.jaccel-" + gone.pid() + "-ghi.tmp"), "not this file's");
        AtomicFiles.writeVolatile(f, "new".getBytes());
        assertFalse(Files.exists(dead), "the dead writer's temporary is removed");
        assertTrue(Files.exists(alive), "a live writer's temporary is left to it");
        assertTrue(Files.exists(other), "another file's temporaries are not this write's business");
        assertEquals("new", Files.readString(f));
    }

    @Test
    void directoriesAreCreated0755(@TempDir Path dir) throws IOException {
        Path deep = dir.resolve("a/b/c");
        AtomicFiles.createDirectories(deep);
        for (Path p : List.of(dir.resolve("a"), dir.resolve("a/b"), deep)) {
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
        }
    }
}
