package dev.jaccel.core.cdi;

import dev.jaccel.core.edits.MountEdit;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.spi.HostContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The user-space driver files a CDI spec mounts read-only into every GPU container: the
 * libraries of the running driver ({@code lib*.so.<driverVersion>}, as nvidia-ctk selects them,
 * tk:pkg/nvcdi/driver-nvml.go) with their soname links, and the driver's tools. Paths inside the
 * container equal the paths on the host (under the host root).
 */
final class NvidiaDriverFiles {
    static final List<String> LIBRARY_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/usr/lib64", "/lib/x86_64-linux-gnu", "/lib64");
    // tk:pkg/nvcdi/driver-nvml.go, NewDriverBinariesDiscoverer
    static final List<String> BINARIES = List.of("nvidia-smi", "nvidia-debugdump", "nvidia-persistenced",
            "nvidia-cuda-mps-control", "nvidia-cuda-mps-server");

    private NvidiaDriverFiles() {
    }

    static List<MountEdit> mounts(NvidiaInventory nvidia, HostContext host) {
        List<MountEdit> mounts = new ArrayList<>();
        if (nvidia.driverVersion() != null) {
            for (String dir : LIBRARY_DIRS) {
                for (String file : libraries(host.host(dir), nvidia.driverVersion())) {
                    mounts.add(mount(host, dir + "/" + file));
                }
            }
        }
        for (String binary : BINARIES) {
            String path = "/usr/bin/" + binary;
            if (Files.isRegularFile(host.host(path))) {
                mounts.add(mount(host, path));
            }
        }
        return mounts;
    }

    private static MountEdit mount(HostContext host, String containerPath) {
        return new MountEdit(host.host(containerPath).toString(), containerPath, MountEdit.DRIVER_FILE_OPTIONS);
    }

    /** Regular files {@code lib*.so.<version>} in {@code dir}, and the links in it that point to one of them. */
    private static Set<String> libraries(Path dir, String version) {
        Set<String> found = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        String suffix = ".so." + version;
        List<Path> links = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "lib*.so*")) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (Files.isSymbolicLink(p)) {
                    links.add(p);
                } else if (name.endsWith(suffix) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    found.add(name);
                }
            }
            for (Path link : links) {
                Path target = Files.readSymbolicLink(link);
                if (target.getParent() == null && found.contains(target.toString())) {
                    found.add(link.getFileName().toString()); // e.g. libcuda.so.1 -> libcuda.so.580.95.05
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list driver libraries in " + dir + ": " + e.getMessage(), e);
        }
        return found;
    }
}
