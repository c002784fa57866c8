package dev.jaccel.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file so that readers see the old content or the new, never a half-written file: a
 * temporary file in the same folder (same file system), renamed over the target.
 * <ul>
 *   <li>Modes are explicit, whatever the caller's umask: a new file gets the mode asked for, an
 *       existing one keeps its mode and owner; the temporary file is created with that mode from
 *       the start, so it is never more readable than the target.</li>
 *   <li>The temporary file's name carries the writer's pid ({@code .NAME.jaccel-PID-RANDOM.tmp});
 *       one left behind by a writer that was killed is removed by the next write of the same file,
 *       once that pid is gone.</li>
 *   <li>{@link #write} is durable (fsync of the file and of the folder); {@link #writeVolatile}
 *       is not, for a file that is read at once and worthless after a crash (an OCI bundle's
 *       {@code config.json}: the container does not survive the crash either).</li>
 * </ul>
 * A failure before the rename leaves the target untouched and removes the temporary file.
 */
public final class AtomicFiles {
    /** Mode of the files jaccel creates: root writes, everyone reads. */
    public static final int FILE_MODE = 0644;
    /** Mode of the folders jaccel creates. */
    public static final int DIRECTORY_MODE = 0755;
    private static final String TAG = ".jaccel-";

    private AtomicFiles() {
    }

    /** Durable replace; a new file gets {@link #FILE_MODE}. */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, content, FILE_MODE);
    }

    /** Durable replace; a new file gets {@code newFileMode} (e.g. {@code 0644}). */
    public static void write(Path target, byte[] content, int newFileMode) throws IOException {
        replace(target, content, newFileMode, true);
    }

    /** Replace without fsync (see the class comment for when that is right). */
    public static void writeVolatile(Path target, byte[] content) throws IOException {
        replace(target, content, FILE_MODE, false);
    }

    /** Creates {@code dir} and its missing parents with {@link #DIRECTORY_MODE}, whatever the umask. */
    public static void createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(absolute);
            Files.setPosixFilePermissions(absolute, permissions(DIRECTORY_MODE));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(absolute)) {
                throw e;
            }
        }
    }

    private static void replace(Path target, byte[] content, int newFileMode, boolean durable) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        String name = target.getFileName().toString();
        Set<PosixFilePermission> mode = permissions(newFileMode);
        Integer uid = null;
        Integer gid = null;
        try {
            // one lstat for all four facts (this runs cold on every container start)
            Map<String, Object> old = Files.readAttributes(target, "unix:isSymbolicLink,mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
            if (!(Boolean) old.get("isSymbolicLink")) {   // a link is replaced by a new file with a new file's mode
                mode = permissions((Integer) old.get("mode"));
                uid = (Integer) old.get("uid");
                gid = (Integer) old.get("gid");
            }
        } catch (NoSuchFileException e) {
            // a new file
        }
        removeLeftovers(dir, name);
        Path tmp = dir.resolve("." + name + TAG + ProcessHandle.current().pid() + "-"
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(mode))) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (durable) {
                    ch.force(true);
                }
            }
            Files.setPosixFilePermissions(tmp, mode);   // the umask may have taken bits away at creation
            if (uid != null) {
                keepOwner(tmp, uid, gid);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically: " + e.getMessage(), e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        if (durable) {
            syncDirectory(dir);
        }
    }

    private static void keepOwner(Path tmp, int uid, int gid) {
        try {
            Map<String, Object> now = Files.readAttributes(tmp, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
            if ((Integer) now.get("uid") != uid || (Integer) now.get("gid") != gid) {
                Files.setAttribute(tmp, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(tmp, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            }
        } catch (IOException | SecurityException e) {
            // not root: we can only have written a file we may write, and cannot give it away
        }
    }

    /** Removes {@code .NAME.jaccel-PID-*.tmp} files whose writer is gone (killed before its rename). */
    private static void removeLeftovers(Path dir, String name) {
        String prefix = "." + name + TAG;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path p : entries) {
                String rest = p.getFileName().toString().substring(prefix.length());
                int dash = rest.indexOf('-');
                if (dash > 0 && rest.endsWith(".tmp") && isDead(rest.substring(0, dash))) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            // an unreadable folder: the write itself reports what matters
        }
    }

    private static boolean isDead(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).isEmpty();
        } catch (NumberFormatException e) {
            return false;   // not ours
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values();   // OWNER_READ ... OTHERS_EXECUTE, high bit first
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                out.add(bits[i]);
            }
        }
        return out;
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse fsync on a directory; the rename itself has happened.
        }
    }
}
