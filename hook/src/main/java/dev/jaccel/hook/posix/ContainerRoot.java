package dev.jaccel.hook.posix;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's root directory, held open, in which every path is resolved by the kernel with
 * {@code openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)}: an absolute symlink or ".." in the
 * image cannot lead outside it (a {@code /dev} or {@code /usr/lib/x86_64-linux-gnu} that points at
 * a host path resolves to that path <em>inside</em> the root). Final components are created with
 * calls that never follow a symlink and fail if anything is already there (mknodat, mkdirat,
 * symlinkat, O_CREAT|O_EXCL|O_NOFOLLOW). Rules from NVIDIA's CVE history (docs/nvidia-container-semantics.md §6).
 */
public final class ContainerRoot implements AutoCloseable {
    private static final long IN_ROOT = Libc.RESOLVE_IN_ROOT | Libc.RESOLVE_NO_MAGICLINKS;

    private final Path path;
    private final int fd;

    private ContainerRoot(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Opens the root; {@code path} itself is a host path chosen by the runtime (it may be /proc/PID/root/...). */
    public static ContainerRoot open(Path path) throws PosixException {
        return new ContainerRoot(path, Libc.openat2(Libc.AT_FDCWD, path.toString(), Libc.O_PATH | Libc.O_DIRECTORY, 0, 0));
    }

    public Path path() {
        return path;
    }

    /**
     * Creates the character device {@code containerPath} (parents made 0755) with this mode and
     * major:minor. An existing character device with the same numbers is accepted (the runtime or
     * an earlier stage made it); anything else already there is an error.
     */
    public void mknod(String containerPath, int major, int minor, int mode) throws PosixException {
        Parent p = parent(containerPath);
        try {
            Libc.mknodat(p.fd, p.name, Libc.S_IFCHR | (mode & 07777), major, minor);
        } catch (PosixException e) {
            if (e.errno() != Libc.EEXIST) {
                throw e;
            }
            Libc.Stat st = Libc.lstatat(p.fd, p.name);
            if (st.type() != Libc.S_IFCHR || st.rdevMajor() != major || st.rdevMinor() != minor) {
                throw new PosixException("mknodat", containerPath + " (something else is there, refusing to replace it)",
                        Libc.EEXIST);
            }
        } finally {
            Libc.close(p.fd);
        }
    }

    /**
     * Makes an empty regular file to bind-mount onto (O_CREAT|O_EXCL|O_NOFOLLOW); an existing
     * regular file is fine, a symlink or anything else is refused. Returns an O_PATH fd of it,
     * for {@code mount(..., "/proc/self/fd/N")}: the mount lands on that very inode.
     */
    public int mountTarget(String containerPath) throws PosixException {
        Parent p = parent(containerPath);
        try {
            try {
                Libc.close(Libc.openat2(p.fd, p.name, Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW | Libc.O_WRONLY, 0644,
                        Libc.RESOLVE_NO_SYMLINKS));
            } catch (PosixException e) {
                if (e.errno() != Libc.EEXIST) {
                    throw e;
                }
            }
            Libc.Stat st = Libc.lstatat(p.fd, p.name);
            if (st.type() != Libc.S_IFREG) {
                throw new PosixException("mount target", containerPath + " is not a regular file (a symlink or directory in the image?)",
                        Libc.EEXIST);
            }
            return Libc.openat2(p.fd, p.name, Libc.O_PATH | Libc.O_NOFOLLOW, 0, Libc.RESOLVE_NO_SYMLINKS);
        } finally {
            Libc.close(p.fd);
        }
    }

    /**
     * Opens what is at {@code containerPath} now (O_PATH, final symlink not followed): after a
     * bind mount, the fd from {@link #mountTarget} still names the file under the new mount, so the
     * read-only remount needs a fresh one that names the mount.
     */
    public int openPath(String containerPath) throws PosixException {
        List<String> parts = components(containerPath);
        return Libc.openat2(fd, String.join("/", parts), Libc.O_PATH | Libc.O_NOFOLLOW, 0, IN_ROOT);
    }

    /**
     * Creates the symlink {@code containerPath -> target} unless a symlink with that target is
     * already there; anything else at that path is left alone and reported as false.
     */
    public boolean symlink(String containerPath, String target) throws PosixException {
        Parent p = parent(containerPath);
        try {
            Libc.symlinkat(target, p.fd, p.name);
            return true;
        } catch (PosixException e) {
            if (e.errno() != Libc.EEXIST) {
                throw e;
            }
            Libc.Stat st = Libc.lstatat(p.fd, p.name);
            return st.type() == Libc.S_IFLNK && target.equals(Libc.readlinkat(p.fd, p.name));
        } finally {
            Libc.close(p.fd);
        }
    }

    /** Opens a directory inside the root (made, with parents, when missing); the caller closes the fd. */
    public int directory(String containerPath) throws PosixException {
        List<String> parts = components(containerPath);
        String sofar = "";
        for (String part : parts) {
            String next = sofar.isEmpty() ? part : sofar + "/" + part;
            try {
                Libc.close(Libc.openat2(fd, next, Libc.O_PATH | Libc.O_DIRECTORY, 0, IN_ROOT));
            } catch (PosixException e) {
                if (e.errno() != Libc.ENOENT) {
                    throw e;
                }
                int parentFd = sofar.isEmpty() ? dup() : Libc.openat2(fd, sofar, Libc.O_PATH | Libc.O_DIRECTORY, 0, IN_ROOT);
                try {
                    Libc.mkdirat(parentFd, part, 0755);
                } catch (PosixException made) {
                    if (made.errno() != Libc.EEXIST) {
                        throw made;
                    }
                    // something is there but does not resolve: a dangling symlink (maybe to a host path)
                    throw new PosixException("resolve", "/" + next + " in " + path
                            + " (a symlink that leads nowhere inside the container root; not followed)", Libc.ENOENT);
                } finally {
                    Libc.close(parentFd);
                }
            }
            sofar = next;
        }
        return sofar.isEmpty() ? dup() : Libc.openat2(fd, sofar, Libc.O_PATH | Libc.O_DIRECTORY, 0, IN_ROOT);
    }

    private int dup() throws PosixException {
        return Libc.openat2(fd, ".", Libc.O_PATH | Libc.O_DIRECTORY, 0, IN_ROOT);
    }

    private record Parent(int fd, String name) {
    }

    private Parent parent(String containerPath) throws PosixException {
        List<String> parts = components(containerPath);
        if (parts.isEmpty()) {
            throw new PosixException("resolve", "'" + containerPath + "' (no file name)", Libc.EEXIST);
        }
        String name = parts.getLast();
        String dir = String.join("/", parts.subList(0, parts.size() - 1));
        return new Parent(directory(dir), name);
    }

    /** Path components; "." dropped, ".." refused (a plan never needs it, so it only signals trouble). */
    static List<String> components(String containerPath) throws PosixException {
        List<String> out = new ArrayList<>();
        for (String part : containerPath.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new PosixException("resolve", "'" + containerPath + "' (\"..\" is not allowed)", Libc.EXDEV);
            }
            out.add(part);
        }
        return out;
    }

    @Override
    public void close() {
        Libc.close(fd);
    }
}
