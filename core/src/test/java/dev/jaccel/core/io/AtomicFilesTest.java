package dev.jaccel.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
