package dev.jaccel.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whether a file that decides what containers get (the inventory snapshot, the configuration
 * cache) can be believed on its permissions: whoever can write it can hand a container
 * {@code /dev/mem} or a host secret, so only root (or the user running jaccel) may.
 */
public final class TrustedFiles {
    private static final int GROUP_OR_OTHER_WRITE = 0022;
    private static final int OTHER_WRITE = 0002;
    private static final int STICKY = 01000;

    private TrustedFiles() {
    }

    /**
     * The file is a regular file owned by root or by this process's user and writable by no one
     * else, in a folder that others cannot write to (unless sticky, as {@code /tmp} is, where they
     * cannot replace someone else's file); an {@link IOException} says which rule it breaks.
     */
    public static void checkOwnerAndMode(Path file) throws IOException {
        Map<String, Object> f = Files.readAttributes(file, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) f.get("mode");
        if ((mode & 0170000) != 0100000) {
            throw new IOException("not a regular file (a symbolic link?)");
        }
        int uid = (Integer) f.get("uid");
        int self = ownUid();
        if (uid != 0 && uid != self) {
            throw new IOException("owned by uid " + uid + ", not by root; recreate it with 'jaccel inventory refresh'");
        }
        if ((mode & GROUP_OR_OTHER_WRITE) != 0) {
            throw new IOException(String.format("mode %04o lets others write it; chmod 644 it or recreate it with "
                    + "'jaccel inventory refresh'", mode & 07777));
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Map<String, Object> d = Files.readAttributes(parent, "unix:uid,mode");
            int dirMode = (Integer) d.get("mode");
            int dirUid = (Integer) d.get("uid");
            if ((dirUid != 0 && dirUid != self) || ((dirMode & OTHER_WRITE) != 0 && (dirMode & STICKY) == 0)) {
                throw new IOException("its folder " + parent + " can be written by others (mode "
                        + String.format("%04o", dirMode & 07777) + ", uid " + dirUid + ")");
            }
        }
    }

    /** The effective uid of this process: the owner of {@code /proc/self}. */
    private static int ownUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }
}
