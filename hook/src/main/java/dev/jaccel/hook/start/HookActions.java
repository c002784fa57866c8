package dev.jaccel.hook.start;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.edits.MountEdit;
import dev.jaccel.hook.posix.ContainerRoot;
import dev.jaccel.hook.posix.Libc;
import dev.jaccel.hook.posix.PosixException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * {@link dev.jaccel.core.edits.ContainerEdits} turned into the work an OCI hook does itself
 * (docs/design.md, "Injection"), every path inside the container resolved by {@link ContainerRoot}
 * (never following a symlink out of the root): device nodes and read-only bind mounts of the driver
 * files, in the container's mount namespace. Nothing from the image is executed or read, and no
 * tool such as {@code ldconfig} runs over the image's tree: the libraries are mounted by soname
 * into a folder the image's loader searches.
 */
public final class HookActions {
    private HookActions() {
    }

    /** Character device nodes with mode {@code 0666} (the caller runs with umask 0, see MountNamespace). */
    public static void createDeviceNodes(ContainerRoot root, List<DeviceNodeEdit> nodes) throws PosixException {
        for (DeviceNodeEdit n : nodes) {
            if (!"c".equals(n.type())) {
                throw JaccelException.badInput("device node " + n.path() + " has type '" + n.type() + "', only 'c' is supported");
            }
            root.mknod(n.path(), n.major(), n.minor(), 0666);
        }
    }

    /** Bind-mounts each host file (or the MPS folder) onto its target inside the root, then remounts it with the options. */
    public static void bindMounts(ContainerRoot root, List<MountEdit> mounts) throws PosixException {
        for (MountEdit m : mounts) {
            // the source is a host path (trusted, from the inventory): a regular file, a socket, or a folder
            Path source = Path.of(m.hostPath());
            boolean folder = Files.isDirectory(source);
            if (!folder && !Files.isRegularFile(source) && !isSocket(source)) {
                throw JaccelException.badInput("driver file " + source + " is missing or not a file, socket or folder");
            }
            // mount onto the very inode that was made or checked (through its fd), not onto a path the
            // image could swap; then remount the new mount (a fresh fd names it) with the options
            int target = folder ? root.directory(m.containerPath()) : root.mountTarget(m.containerPath());
            try {
                Libc.mount(m.hostPath(), "/proc/self/fd/" + target, null, Libc.MS_BIND);
            } finally {
                Libc.close(target);
            }
            int mounted = root.openPath(m.containerPath());
            try {
                Libc.mount(null, "/proc/self/fd/" + mounted, null, Libc.MS_REMOUNT | Libc.MS_BIND | flags(m.options()));
            } finally {
                Libc.close(mounted);
            }
        }
    }

    static long flags(List<String> options) {
        long f = 0;
        for (String o : options) {
            f |= switch (o) {
                case "ro" -> Libc.MS_RDONLY;
                case "nosuid" -> Libc.MS_NOSUID;
                case "nodev" -> Libc.MS_NODEV;
                case "noexec" -> Libc.MS_NOEXEC;
                default -> 0L;
            };
        }
        return f;
    }

    private static boolean isSocket(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class).isOther();
        } catch (IOException e) {
            return false;
        }
    }
}
