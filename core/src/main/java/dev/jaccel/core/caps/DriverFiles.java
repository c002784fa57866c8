package dev.jaccel.core.caps;

import dev.jaccel.core.edits.MountEdit;
import dev.jaccel.core.spi.HostContext;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The host files a set of driver capabilities brings into a container, found under
 * {@link HostContext#hostRoot()}: libraries whose name ends in the exact driver version, the
 * driver's binaries, its IPC sockets and its GSP firmware. Lists and rules are libnvidia-container's
 * ({@code src/nvc_info.c}, {@code src/nvc_mount.c}; docs/nvidia-container-semantics.md §3 step 8):
 * video brings the compute libraries too, display the graphics ones; the persistenced and
 * fabricmanager sockets come with utility, the MPS directory with compute.
 * Libraries are mounted at their host path, as NVIDIA's CDI specs do.
 */
public final class DriverFiles {
    /** Sockets must stay connectable (no {@code ro}); NVIDIA mounts them nosuid,nodev,noexec. */
    public static final List<String> IPC_OPTIONS = List.of("nosuid", "nodev", "noexec", "bind");

    static final Map<DriverCapability, List<String>> LIBRARIES = Map.of(
            DriverCapability.UTILITY, List.of("libnvidia-ml", "libnvidia-cfg", "libnvidia-nscq"),
            DriverCapability.COMPUTE, List.of("libcuda", "libcudadebugger", "libnvidia-opencl", "libnvidia-gpucomp",
                    "libnvidia-ptxjitcompiler", "libnvidia-fatbinaryloader", "libnvidia-allocator",
                    "libnvidia-compiler", "libnvidia-pkcs11", "libnvidia-pkcs11-openssl3", "libnvidia-nvvm",
                    "libnvidia-tileiras"),
            DriverCapability.VIDEO, List.of("libvdpau_nvidia", "libnvidia-encode", "libnvidia-opticalflow",
                    "libnvcuvid"),
            DriverCapability.GRAPHICS, List.of("libnvidia-eglcore", "libnvidia-glcore", "libnvidia-tls",
                    "libnvidia-glsi", "libnvidia-fbc", "libnvidia-ifr", "libnvidia-rtcore", "libnvoptix",
                    "libGLX_nvidia", "libEGL_nvidia", "libGLESv2_nvidia", "libGLESv1_CM_nvidia",
                    "libnvidia-glvkspirv", "libnvidia-cbl"),
            DriverCapability.NGX, List.of("libnvidia-ngx"));

    static final Map<DriverCapability, List<String>> BINARIES = Map.of(
            DriverCapability.UTILITY, List.of("nvidia-smi", "nvidia-debugdump", "nvidia-persistenced",
                    "nv-fabricmanager"),
            DriverCapability.COMPUTE, List.of("nvidia-cuda-mps-control", "nvidia-cuda-mps-server"));

    /** Host library directories, 64-bit first (Debian multiarch, then the RPM layout). */
    static final List<String> LIBRARY_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/usr/lib64", "/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/lib64", "/usr/lib");
    static final List<String> LIBRARY32_DIRS = List.of("/usr/lib/i386-linux-gnu", "/usr/lib32",
            "/lib/i386-linux-gnu", "/lib32");
    static final List<String> BINARY_DIRS = List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin");
    static final String CONTAINER_BIN_DIR = "/usr/bin";

    private DriverFiles() {
    }

    /**
     * @param driverVersion the exact driver version ({@code 550.54.15}); {@code null} finds no
     *                      libraries and says so
     * @param warnings      receives one line per thing the user should know
     */
    public static List<MountEdit> locate(HostContext host, String driverVersion, Set<DriverCapability> caps,
                                         Consumer<String> warnings) {
        List<MountEdit> mounts = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        if (driverVersion == null || driverVersion.isBlank()) {
            warnings.accept("the NVIDIA driver version is unknown: no driver libraries are mounted");
        } else {
            Set<String> names = new HashSet<>();
            for (DriverCapability c : libraryGroups(caps)) {
                for (String lib : LIBRARIES.get(c)) {
                    names.add(lib + ".so." + driverVersion);
                }
            }
            List<String> dirs = new ArrayList<>(LIBRARY_DIRS);
            if (caps.contains(DriverCapability.COMPAT32)) {
                dirs.addAll(LIBRARY32_DIRS);
            }
            for (String dir : dirs) {
                addMatching(host, dir, names, mounts, seen);
                addMatching(host, dir + "/vdpau", names, mounts, seen);
            }
            if (mounts.isEmpty() && !caps.isEmpty()) {
                warnings.accept("no NVIDIA driver libraries ending in ." + driverVersion + " were found under "
                        + host.hostRoot() + " (searched " + String.join(", ", dirs) + ")");
            }
            for (Path fw : list(host.host("/lib/firmware/nvidia/" + driverVersion), "gsp*.bin")) {
                add(host, "/lib/firmware/nvidia/" + driverVersion + "/" + fw.getFileName(), fw,
                        MountEdit.DRIVER_FILE_OPTIONS, mounts, seen);
            }
        }
        for (DriverCapability c : EnumSet.copyOf(BINARIES.keySet())) {
            if (caps.contains(c)) {
                for (String bin : BINARIES.get(c)) {
                    for (String dir : BINARY_DIRS) {
                        Path p = host.host(dir + "/" + bin);
                        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                            add(host, CONTAINER_BIN_DIR + "/" + bin, p, MountEdit.DRIVER_FILE_OPTIONS, mounts, seen);
                            break;
                        }
                    }
                }
            }
        }
        if (caps.contains(DriverCapability.UTILITY)) {
            addSocket(host, "nvidia-persistenced/socket", mounts, seen);
            addSocket(host, "nvidia-fabricmanager/socket", mounts, seen);
        }
        if (caps.contains(DriverCapability.COMPUTE) && Files.isDirectory(host.host("/tmp/nvidia-mps"),
                LinkOption.NOFOLLOW_LINKS)) {
            add(host, "/tmp/nvidia-mps", host.host("/tmp/nvidia-mps"), IPC_OPTIONS, mounts, seen);
        }
        return mounts;
    }

    /** The library groups a capability set turns on, with lnc's implications. */
    public static Set<DriverCapability> libraryGroups(Set<DriverCapability> caps) {
        EnumSet<DriverCapability> groups = EnumSet.noneOf(DriverCapability.class);
        for (DriverCapability c : caps) {
            if (LIBRARIES.containsKey(c)) {
                groups.add(c);
            }
        }
        if (DriverCapabilities.needsComputeLibraries(caps)) {
            groups.add(DriverCapability.COMPUTE);
        }
        if (DriverCapabilities.needsGraphicsLibraries(caps)) {
            groups.add(DriverCapability.GRAPHICS);
        }
        return groups;
    }

    private static void addMatching(HostContext host, String dir, Set<String> names, List<MountEdit> mounts,
                                    Set<Path> seen) {
        for (Path p : list(host.host(dir), "*.so.*")) {
            String name = p.getFileName().toString();
            if (names.contains(name) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                add(host, dir + "/" + name, p, MountEdit.DRIVER_FILE_OPTIONS, mounts, seen);
            }
        }
    }

    private static void addSocket(HostContext host, String relative, List<MountEdit> mounts, Set<Path> seen) {
        for (String run : List.of("/run/", "/var/run/")) {
            Path p = host.host(run + relative);
            if (Files.exists(p) && !Files.isDirectory(p)) {
                add(host, run + relative, p, IPC_OPTIONS, mounts, seen);
                return;
            }
        }
    }

    /** Adds a mount unless the same host file was already added (e.g. /lib is a link to /usr/lib). */
    private static void add(HostContext host, String containerPath, Path hostPath, List<String> options,
                            List<MountEdit> mounts, Set<Path> seen) {
        Path identity;
        try {
            identity = hostPath.toRealPath();
        } catch (IOException e) {
            identity = hostPath;
        }
        if (seen.add(identity)) {
            mounts.add(new MountEdit(hostPath.toString(), containerPath, options));
        }
    }

    private static List<Path> list(Path dir, String glob) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, glob)) {
            entries.forEach(out::add);
        } catch (IOException e) {
            return out; // an unreadable directory holds nothing we can mount
        }
        out.sort(null);
        return out;
    }
}
