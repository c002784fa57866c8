package dev.jaccel.hook.posix;

import dev.jaccel.hook.start.HookActions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Security regressions (docs/nvidia-container-semantics.md §6, CVE-2024-0132/0134, CVE-2025-23267): a container
 * root whose /dev, library directory or /etc/ld.so.cache is a symlink to a host path must not make
 * jaccel write outside the root.
 */
class ContainerRootTest {
    @TempDir
    Path tmp;
    Path rootfs;
    Path host;

    @BeforeEach
    void layout() throws IOException {
        rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        host = Files.createDirectories(tmp.resolve("host-secrets"));
        Files.writeString(host.resolve("ld.so.cache"), "host cache");
    }

    static void assumeRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (mknod, chroot); CI runs as root");
    }

    /** The symlink in the image, spelt as an absolute host path or as a climb with "..". */
    Path escape(String imagePath, String how) throws IOException {
        Path link = rootfs.resolve(imagePath.substring(1));
        Files.createDirectories(link.getParent());
        String target = how.equals("absolute") ? host.toString()
                : "../".repeat(link.getNameCount() + 2) + host.toString().substring(1);
        Files.createSymbolicLink(link, Path.of(target));
        return link;
    }

    static int statMode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    long hostEntries() throws IOException {
        try (Stream<Path> s = Files.list(host)) {
            return s.count();
        }
    }

    @ParameterizedTest
    @CsvSource({"/dev,absolute", "/dev,relative", "/usr/lib/x86_64-linux-gnu,absolute"})
    void danglingSymlinkToAHostPathIsRefusedAndNothingIsWritten(String dir, String how) throws IOException {
        assumeRoot();
        escape(dir, how);
        try (ContainerRoot r = ContainerRoot.open(rootfs)) {
            PosixException e = assertThrows(PosixException.class, () -> r.mknod(dir + "/nvidia0", 1, 3, 0666));
            assertTrue(e.getMessage().contains("leads nowhere inside the container root"), e.getMessage());
            assertThrows(PosixException.class, () -> r.mountTarget(dir + "/libcuda.so.580.95.05"));
        }
        assertEquals(1, hostEntries(), "nothing written to the host directory");
    }

    /** The link target also exists inside the root: the kernel resolves it there. */
    @ParameterizedTest
    @CsvSource({"/dev,absolute", "/dev,relative"})
    void deviceNodeThroughSymlinkedDevStaysInside(String dir, String how) throws IOException {
        assumeRoot();
        escape(dir, how);
        Files.createDirectories(rootfs.resolve(host.toString().substring(1)));
        try (ContainerRoot r = ContainerRoot.open(rootfs)) {
            r.mknod(dir + "/nvidia0", 1, 3, 0666);
        }
        assertEquals(1, hostEntries(), "nothing written to the host directory");
        // RESOLVE_IN_ROOT: the absolute link resolves to <root>/<host path>; a climb stops at the root
        Path inside = rootfs.resolve(host.toString().substring(1)).resolve("nvidia0");
        assertTrue(Files.exists(inside, LinkOption.NOFOLLOW_LINKS), inside + " made inside the root");
        assertEquals(Libc.S_IFCHR, statMode(inside) & Libc.S_IFMT, "a character device");
    }

    @ParameterizedTest
    @CsvSource({"/usr/lib/x86_64-linux-gnu,absolute", "/usr/lib/x86_64-linux-gnu,relative"})
    void mountTargetAndLinkThroughSymlinkedLibDirStayInside(String dir, String how) throws IOException {
        assumeRoot();
        escape(dir, how);
        Files.createDirectories(rootfs.resolve(host.toString().substring(1)));
        try (ContainerRoot r = ContainerRoot.open(rootfs)) {
            Libc.close(r.mountTarget(dir + "/libcuda.so.580.95.05"));
            assertTrue(r.symlink(dir + "/libcuda.so", "libcuda.so.1"));
        }
        assertEquals(1, hostEntries(), "nothing written to the host directory");
        Path inside = rootfs.resolve(host.toString().substring(1));
        assertTrue(Files.isRegularFile(inside.resolve("libcuda.so.580.95.05"), LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isSymbolicLink(inside.resolve("libcuda.so")));
    }

    @Test
    void existingSymlinkAtTheFinalPathIsRefusedNotFollowed() throws IOException {
        assumeRoot();
        Files.createDirectories(rootfs.resolve("dev"));
        Files.createDirectories(rootfs.resolve("usr/lib"));
        Files.createSymbolicLink(rootfs.resolve("dev/nvidia0"), host.resolve("ld.so.cache"));
        Files.createSymbolicLink(rootfs.resolve("usr/lib/libcuda.so.1.2"), host.resolve("ld.so.cache"));
        try (ContainerRoot r = ContainerRoot.open(rootfs)) {
            PosixException node = assertThrows(PosixException.class, () -> r.mknod("/dev/nvidia0", 1, 3, 0666));
            assertTrue(node.getMessage().contains("refusing to replace it"), node.getMessage());
            PosixException mount = assertThrows(PosixException.class, () -> r.mountTarget("/usr/lib/libcuda.so.1.2"));
            assertTrue(mount.getMessage().contains("not a regular file"), mount.getMessage());
            assertFalse(r.symlink("/dev/nvidia0", "libcuda.so.1"), "a different symlink is left alone");
        }
        assertEquals("host cache", Files.readString(host.resolve("ld.so.cache")));
    }

    @Test
    void existingMatchingNodeIsAcceptedOtherNumbersAreNot() throws IOException {
        assumeRoot();
        try (ContainerRoot r = ContainerRoot.open(rootfs)) {
            r.mknod("/dev/nvidia-caps/nvidia-cap1", 1, 5, 0666);
            r.mknod("/dev/nvidia-caps/nvidia-cap1", 1, 5, 0666);
            assertThrows(PosixException.class, () -> r.mknod("/dev/nvidia-caps/nvidia-cap1", 1, 3, 0666));
        }
        assertEquals("rwxr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(rootfs.resolve("dev/nvidia-caps"))));
    }

    @ParameterizedTest
    @CsvSource({"/dev/../../etc/x", "../x", "/a/b/../../../c"})
    void dotDotIsRefused(String path) throws IOException {
        try (ContainerRoot r = ContainerRoot.open(rootfs)) {
            PosixException e = assertThrows(PosixException.class, () -> r.mknod(path, 1, 3, 0666));
            assertTrue(e.getMessage().contains("\"..\" is not allowed"), e.getMessage());
        }
    }
}
