package dev.jaccel.hook.oci;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.edits.MountEdit;
import dev.jaccel.hook.posix.ContainerRoot;
import dev.jaccel.hook.posix.Libc;
import dev.jaccel.hook.posix.PosixException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@link dev.jaccel.core.edits.ContainerEdits} turned into the work an OCI hook does itself
 * (docs/design.md §3.3), every path confined to the container root by
 * {@link ContainerRoot}:
 * <ul>
 *   <li>runtime namespace (prestart/createRuntime): device nodes, cgroup v1 allow rules;</li>
 *   <li>container mount namespace (createContainer, before pivot_root): read-only bind mounts of
 *       driver files, the {@code libcuda.so -> libcuda.so.1} link, and the HOST's ldconfig run
 *       chrooted into the root ({@code ldconfig -r}) with an empty environment — never the image's
 *       ldconfig (CVE-2024-0136/0137, docs/nvidia-container-semantics.md §6).</li>
 * </ul>
 */
public final class HookActions {
    /** Host ldconfig candidates, as libnvidia-container picks them ({@code @/sbin/ldconfig.real} first). */
    static final List<String> HOST_LDCONFIG = List.of("/sbin/ldconfig.real", "/sbin/ldconfig", "/usr/sbin/ldconfig");
    private static final Pattern LIBCUDA = Pattern.compile("libcuda\\.so\\.\\d+(\\.\\d+)+");
    private static final Pattern SHARED_LIBRARY = Pattern.compile("lib[^/]*\\.so(\\.[0-9.]+)?");

    private HookActions() {
    }

    public static void createDeviceNodes(ContainerRoot root, List<DeviceNodeEdit> nodes) throws PosixException {
        for (DeviceNodeEdit n : nodes) {
            if (!"c".equals(n.type())) {
                throw JaccelException.badInput("device node " + n.path() + " has type '" + n.type() + "', only 'c' is supported");
            }
            root.mknod(n.path(), n.major(), n.minor(), 0666);
        }
    }

    /** Bind-mounts each host file onto its (created) target inside the root, then remounts it with the options. */
    public static void bindMounts(ContainerRoot root, List<MountEdit> mounts) throws PosixException {
        for (MountEdit m : mounts) {
            // the source is a host path (trusted): a soname link such as libcuda.so.1 is followed,
            // as mount(2) does, but what it names must be a regular file
            Path source = Path.of(m.hostPath());
            if (!Files.isRegularFile(source)) {
                throw JaccelException.badInput("driver file " + source + " is missing or not a regular file");
            }
            // mount onto the very inode that was checked (through its fd), not onto a path the
            // image could swap; then remount the new mount (a fresh fd names it) with the options
            int target = root.mountTarget(m.containerPath());
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

    /** {@code <dir>/libcuda.so -> libcuda.so.1} for each mounted {@code libcuda.so.<version>}, as libnvidia-container makes. */
    public static List<String> libcudaLinks(List<MountEdit> mounts) {
        List<String> links = new ArrayList<>();
        for (MountEdit m : mounts) {
            String path = m.containerPath();
            int slash = path.lastIndexOf('/');
            if (slash > 0 && LIBCUDA.matcher(path.substring(slash + 1)).matches()) {
                links.add(path.substring(0, slash) + "/libcuda.so");
            }
        }
        return links;
    }

    public static void createLinks(ContainerRoot root, List<String> libcudaLinks) throws PosixException {
        for (String link : libcudaLinks) {
            root.symlink(link, "libcuda.so.1");
        }
    }

    /** ldconfig writes {@code /etc/ld.so.cache}: a minimal image may have no {@code /etc} (made in-root). */
    public static void prepareLdconfig(ContainerRoot root) throws PosixException {
        Libc.close(root.directory("/etc"));
    }

    /** Directories holding mounted libraries, for ldconfig. */
    public static Set<String> libraryDirectories(List<MountEdit> mounts) {
        Set<String> dirs = new LinkedHashSet<>();
        for (MountEdit m : mounts) {
            String p = m.containerPath();
            int slash = p.lastIndexOf('/');
            if (slash >= 0 && SHARED_LIBRARY.matcher(p.substring(slash + 1)).matches()) {
                dirs.add(slash == 0 ? "/" : p.substring(0, slash));
            }
        }
        return dirs;
    }

    /**
     * Runs the host's ldconfig with {@code -r <root>}: it chroots into the container root before
     * reading or writing anything, so the image's {@code /etc/ld.so.cache} or library directories
     * cannot point it at host files; the environment is empty and the image's binaries are not used.
     */
    public static void ldconfig(Path rootfs, Set<String> directories) {
        String ldconfig = HOST_LDCONFIG.stream().filter(p -> Files.isRegularFile(Path.of(p))).findFirst()
                .orElseThrow(() -> JaccelException.badInput("no host ldconfig at " + String.join(", ", HOST_LDCONFIG)));
        List<String> cmd = new ArrayList<>(List.of(ldconfig, "-r", rootfs.toString()));
        cmd.addAll(directories);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw JaccelException.badInput(ldconfig + " -r " + rootfs + " did not finish in 10 s");
            }
            if (p.exitValue() != 0) {
                String msg = new String(out, StandardCharsets.UTF_8).strip().replace('\n', ' ');
                throw JaccelException.badInput(ldconfig + " -r " + rootfs + " failed (exit " + p.exitValue() + "): " + msg);
            }
        } catch (IOException e) {
            throw JaccelException.badInput("cannot run " + ldconfig + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw JaccelException.badInput("interrupted while running " + ldconfig);
        }
    }
}
