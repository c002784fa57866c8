package dev.jaccel.core.plan;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * The folder of a container image into which driver libraries are mounted by soname: one that the
 * image's dynamic loader searches by default, so {@code dlopen("libcuda.so.1")} finds them without
 * an {@code ld.so.cache} entry, and no {@code ldconfig} has to run over a tree the image controls.
 * The first of these the image has as a real folder (no component a symbolic link), else none:
 * <ul>
 *   <li>{@code /usr/lib/<arch>-linux-gnu}: Debian and Ubuntu (glibc's multiarch system folders,
 *       {@code ld.so --help} "System search path");</li>
 *   <li>{@code /usr/lib64}: Fedora, RHEL, Amazon Linux (glibc configured with {@code lib64});</li>
 *   <li>{@code /usr/lib}: musl (Alpine) and the rest (musl's default path is
 *       {@code /lib:/usr/local/lib:/usr/lib}, musl-libc.org "Dynamic linker").</li>
 * </ul>
 * Only names are looked at ({@code lstat}), nothing is read, and the choice has no bearing on
 * safety: the runtime resolves the mount targets inside the root itself.
 */
public final class ImageLibraryFolder {
    static final List<String> CANDIDATES = List.of("/usr/lib/" + multiarch() + "-linux-gnu", "/usr/lib64", "/usr/lib");

    private ImageLibraryFolder() {
    }

    /** The folder, or null when the image has none of them (the host's own folder is used then). */
    public static String of(Path rootfs) {
        for (String candidate : CANDIDATES) {
            if (isRealFolder(rootfs, candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static boolean isRealFolder(Path rootfs, String path) {
        Path p = rootfs;
        for (String part : path.substring(1).split("/")) {
            p = p.resolve(part);
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
        }
        return true;
    }

    private static String multiarch() {
        return "aarch64".equals(System.getProperty("os.arch")) ? "aarch64" : "x86_64";
    }
}
