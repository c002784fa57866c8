package dev.jaccel.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What the container-engine tests share: prerequisites, a busybox rootfs, and cleaning up after a daemon. */
final class Engines {
    static final List<String> APPLETS = List.of("sh", "ls", "cat", "env", "echo", "grep", "test", "head", "sleep");

    private Engines() {
    }

    /** Skips (with the reason) where an engine test cannot run; CI has everything. */
    static void assume(String... binaries) {
        assumeTrue("root".equals(System.getProperty("user.name")), "engine tests need root");
        assumeTrue(Files.isRegularFile(Installation.TARBALL), "the tarball is built at package: " + Installation.TARBALL);
        assumeTrue(Files.isRegularFile(Path.of("/bin/busybox")), "engine tests need busybox-static");
        for (String b : binaries) {
            assumeTrue(onPath(b), "engine tests need " + b + " (apt-get install docker.io containerd runc)");
        }
    }

    static boolean onPath(String binary) {
        for (String dir : Installation.PATH.split(":")) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    /** A rootfs with the static busybox and the applets the tests use (symlinks to it). */
    static Path busyboxRootfs(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String applet : APPLETS) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        for (String d : List.of("dev", "proc", "sys", "etc", "tmp", "usr/bin", "usr/lib64", "usr/lib/x86_64-linux-gnu")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/:/bin/sh\n");
        return dir;
    }

    /**
     * Unmounts whatever a daemon left mounted under {@code dir} (deepest first, lazily) and removes
     * the folder.
     */
    static void unmountAndRemove(Path dir) {
        List<String> mounts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String point = line.split(" ")[4].replace("\\040", " ");
                if (point.startsWith(dir.toString() + "/") || point.equals(dir.toString())) {
                    mounts.add(point);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        mounts.sort(Comparator.comparingInt(String::length).reversed());
        for (String m : mounts) {
            Installation.exec(List.of("umount", "-l", m), Map.of(), Path.of("/"), new byte[0]);
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a busy file under a lazily unmounted tree: the temp folder cleaner gets it
        }
    }
}
