package dev.jaccel.hook.cli;

import dev.jaccel.core.io.AtomicFiles;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Writes the files container runtimes read as root and act on: CDI specs (device nodes and host
 * paths podman mounts) and hooks.d entries (a program podman runs). Whoever can write one of them
 * can give a container any host path, or run a program as root, so they are created 0644 in 0755
 * folders whatever the umask ({@link AtomicFiles}), an existing one that others may write loses
 * those bits, and a folder that others may write (where anyone could add an entry) is named in a
 * warning rather than changed behind the administrator's back.
 */
final class RuntimeInputFiles {
    private static final Set<PosixFilePermission> WRITABLE_BY_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private RuntimeInputFiles() {
    }

    static void write(Path file, byte[] content, PrintWriter err) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        AtomicFiles.createDirectories(dir);
        if (writableByOthers(dir)) {
            Diagnostics.warning(err, dir + " can be written by users other than its owner ("
                    + mode(dir) + "): anyone of them can add a file the container runtime trusts; chmod go-w " + dir);
        }
        // a link is replaced by a file of its own (AtomicFiles): only a real file keeps (and may lose) bits
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && writableByOthers(file)) {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            mode.removeAll(WRITABLE_BY_OTHERS);
            Files.setPosixFilePermissions(file, mode);
        }
        AtomicFiles.write(file, content, AtomicFiles.FILE_MODE);
    }

    private static boolean writableByOthers(Path p) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        return mode.stream().anyMatch(WRITABLE_BY_OTHERS::contains) && !isStickyRootFolder(p);
    }

    /** /tmp-like folders (sticky bit): writable by all, but nobody replaces another's file there. */
    private static boolean isStickyRootFolder(Path p) throws IOException {
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                && ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 01000) != 0;
    }

    private static String mode(Path p) throws IOException {
        return String.format("%04o", (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
    }
}
