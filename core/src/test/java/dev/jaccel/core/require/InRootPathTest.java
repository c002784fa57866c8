package dev.jaccel.core.require;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Symlinks in an image resolve inside its root, never on the host. */
class InRootPathTest {
    @TempDir
    Path dir;
    Path root;

    @BeforeEach
    void image() throws IOException {
        root = Files.createDirectories(dir.resolve("rootfs"));
        Files.createDirectories(root.resolve("usr/local/cuda-12.9/compat"));
        Files.createSymbolicLink(root.resolve("usr/local/cuda"), Path.of("cuda-12.9"));
        Files.createSymbolicLink(root.resolve("usr/local/abs"), Path.of("/usr/local/cuda-12.9"));
        Files.createSymbolicLink(root.resolve("usr/local/escape"), Path.of("../../../../../../etc"));
        Files.createSymbolicLink(root.resolve("usr/local/host"), Path.of("/etc"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/usr/local/cuda/compat, usr/local/cuda-12.9/compat",
            "/usr/local/abs/compat, usr/local/cuda-12.9/compat",
            "/usr/local/escape/passwd, etc/passwd",
            "/usr/local/host/passwd, etc/passwd",
            "/../../etc/passwd, etc/passwd",
            "usr//local/./cuda/../cuda/compat, usr/local/cuda-12.9/compat",
    })
    void staysInsideTheRoot(String containerPath, String expected) throws IOException {
        assertEquals(root.resolve(expected), InRootPath.resolve(root, containerPath));
    }

    @Test
    void symlinkLoopsAreAnError() {
        assertThrows(IOException.class, () -> InRootPath.resolve(root, "/loop/x"));
    }
}
