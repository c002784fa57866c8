package dev.jaccel.hook.start;

import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.edits.MountEdit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * jaccel-inject, the hook's helper, run for real (in a private mount namespace of its own, so its
 * mounts vanish with it). Security regressions (docs/security.md; NVIDIA's CVE-2024-0132/0134,
 * CVE-2025-23267): an image whose /dev or library folder is a symlink to a host path, or whose
 * target file is a symlink, must not make jaccel write anything outside the container root.
 */
class InjectorTest {
    @TempDir
    Path tmp;
    Path rootfs;
    Path host;

    @BeforeEach
    void layout() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (mknod, mount); CI runs as root");
        rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        host = Files.createDirectories(tmp.resolve("host-secrets"));
        Files.writeString(host.resolve("ld.so.cache"), "host cache");
    }

    record Run(int exit, String err) {
    }

    /** The helper with these request fields (NUL-terminated), in a mount namespace of its own. */
    Run inject(String... fields) throws IOException, InterruptedException {
        StringBuilder request = new StringBuilder();
        for (String f : fields) {
            request.append(f).append('\0');
        }
        Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", Injector.helper().toString(),
                rootfs.toString()).start();
        p.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), err);
    }

    /** The symlink in the image, spelt as an absolute host path or as a climb with "..". */
    void escape(String imagePath, String how) throws IOException {
        Path link = rootfs.resolve(imagePath.substring(1));
        Files.createDirectories(link.getParent());
        String target = how.equals("absolute") ? host.toString()
                : "../".repeat(link.getNameCount() + 2) + host.toString().substring(1);
        Files.createSymbolicLink(link, Path.of(target));
    }

    long hostEntries() throws IOException {
        try (Stream<Path> s = Files.list(host)) {
            return s.count();
        }
    }

    @ParameterizedTest(name = "{0} -> {1} ({2})")
    @CsvSource({
            "/dev,                      absolute, node",
            "/dev,                      relative, node",
            "/usr/lib/x86_64-linux-gnu, absolute, mount",
            "/usr/lib/x86_64-linux-gnu, relative, mount",
    })
    void aSymlinkToAHostFolderIsNotFollowed(String dir, String how, String what) throws Exception {
        escape(dir, how);
        Run r = what.equals("node") ? inject("node", dir + "/nvidia0", "1", "3", "0666", "end")
                : inject("mount", host.resolve("ld.so.cache").toString(), dir + "/libcuda.so.1", "1", "file", "end");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("does not resolve inside the root"), r.err());
        assertEquals(1, hostEntries(), "nothing written to the host folder");
    }

    /** The link's target also exists inside the root: the kernel resolves it there (RESOLVE_IN_ROOT). */
    @ParameterizedTest
    @CsvSource({"absolute", "relative"})
    void aSymlinkedDevResolvesInsideTheRoot(String how) throws Exception {
        escape("/dev", how);
        Path inside = Files.createDirectories(rootfs.resolve(host.toString().substring(1)));
        Run r = inject("node", "/dev/nvidia0", "1", "3", "0666", "end");
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, hostEntries(), "nothing written to the host folder");
        int mode = (Integer) Files.getAttribute(inside.resolve("nvidia0"), "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertEquals(0020666, mode, "a character device, mode 0666 whatever the umask");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "node at a symlink   | /dev/nvidia0          | node  | something else is there",
            "mount at a symlink  | /usr/lib/libcuda.so.1 | mount | is not a regular file",
    })
    void anExistingSymlinkAtTheTargetIsRefusedNotFollowed(String what, String path, String op, String message) throws Exception {
        Files.createDirectories(rootfs.resolve(path.substring(1)).getParent());
        Files.createSymbolicLink(rootfs.resolve(path.substring(1)), host.resolve("ld.so.cache"));
        Run r = op.equals("node") ? inject("node", path, "1", "3", "0666", "end")
                : inject("mount", host.resolve("ld.so.cache").toString(), path, "1", "file", "end");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertEquals("host cache", Files.readString(host.resolve("ld.so.cache")));
    }

    @Test
    void anExistingMatchingNodeIsAcceptedOtherNumbersAreNot() throws Exception {
        assertEquals(0, inject("node", "/dev/nvidia-caps/nvidia-cap1", "1", "5", "0666", "end").exit());
        assertEquals(0, inject("node", "/dev/nvidia-caps/nvidia-cap1", "1", "5", "0666", "end").exit());
        assertEquals(2, inject("node", "/dev/nvidia-caps/nvidia-cap1", "1", "3", "0666", "end").exit());
        assertEquals("rwxr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(rootfs.resolve("dev/nvidia-caps"))));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no end         | node;/dev/x;1;3;0666                    | nothing applied",
            "dot-dot        | node;/dev/../../x;1;3;0666;end          | '..' is not allowed",
            "bad number     | node;/dev/x;one;3;0666;end              | is not a number",
            "unknown        | chmod;/etc/shadow;0777;end              | unknown or truncated request",
            "relative src   | mount;lib.so;/usr/lib/lib.so;1;file;end | bad mount request",
    })
    void badRequestsApplyNothing(String what, String request, String message) throws Exception {
        Run r = inject(request.split(";"));
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains(message), r.err());
        try (Stream<Path> s = Files.list(rootfs)) {
            assertEquals(0, s.count(), "nothing made in the root");
        }
    }

    @Test
    void theRequestIsTheProtocolOfTheHelper() {
        byte[] request = Injector.request(List.of(DeviceNodeEdit.charDevice("/dev/nvidia0", "/dev/nvidia0", 195, 0)),
                List.of(new MountEdit("/usr/lib/x86_64-linux-gnu/libcuda.so.580.95.05", "/usr/lib64/libcuda.so.1",
                        MountEdit.DRIVER_FILE_OPTIONS)));
        List<String> fields = new ArrayList<>(List.of(new String(request, StandardCharsets.UTF_8).split("\0")));
        assertEquals(List.of("node", "/dev/nvidia0", "195", "0", "0666",
                "mount", "/usr/lib/x86_64-linux-gnu/libcuda.so.580.95.05", "/usr/lib64/libcuda.so.1", "7", "file", "end"), fields);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"ro nosuid nodev bind | 7", "nosuid nodev noexec rbind rprivate | 14", "bind | 0"})
    void remountFlagsFollowTheOptions(String options, long flags) {
        assertEquals(flags, Injector.flags(List.of(options.split(" "))));
    }
}
