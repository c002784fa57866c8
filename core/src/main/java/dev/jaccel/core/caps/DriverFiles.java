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
 * Libraries are mounted by their soname into one folder ({@link #mounts}).
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
    static final String MPS_DIRECTORY = "/tmp/nvidia-mps";

    /** The {@code libcuda.so} development name programs and JIT linkers open, beside {@code libcuda.so.1}. */
    static final String LIBCUDA_DEVELOPMENT_NAME = "libcuda.so";

    private DriverFiles() {
    }

    /**
     * Every file of the driver installation a container could get, found once (it changes only
     * with the driver): {@code jaccel inventory refresh} stores it in the snapshot so that a
     * container start walks no folder. Libraries carry their ELF {@code DT_SONAME}.
     *
     * @param driverVersion the exact driver version ({@code 550.54.15}); {@code null} finds no libraries
     */
    public static DriverFileIndex index(HostContext host, String driverVersion) {
        List<DriverFileIndex.DriverFile> files = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        if (driverVersion != null && !driverVersion.isBlank()) {
            Set<String> names = new HashSet<>();
            for (List<String> group : LIBRARIES.values()) {
                for (String lib : group) {
                    names.add(lib + ".so." + driverVersion);
                }
            }
            for (String dir : LIBRARY_DIRS) {
                libraries(host, dir, DriverFileIndex.Kind.LIBRARY, names, files, seen, notes);
                libraries(host, dir + "/vdpau", DriverFileIndex.Kind.LIBRARY, names, files, seen, notes);
            }
            for (String dir : LIBRARY32_DIRS) {
                libraries(host, dir, DriverFileIndex.Kind.LIBRARY32, names, files, seen, notes);
            }
            String firmware = "/lib/firmware/nvidia/" + driverVersion;
            for (Path fw : list(host.host(firmware), "gsp")) {
                if (fw.getFileName().toString().endsWith(".bin")) {
                    add(host, DriverFileIndex.Kind.FIRMWARE, firmware + "/" + fw.getFileName(), null, files, seen);
                }
            }
        }
        for (List<String> group : BINARIES.values()) {
            for (String bin : group) {
                for (String dir : BINARY_DIRS) {
                    if (Files.isRegularFile(host.host(dir + "/" + bin), LinkOption.NOFOLLOW_LINKS)) {
                        add(host, DriverFileIndex.Kind.BINARY, dir + "/" + bin, null, files, seen);
                        break;
                    }
                }
            }
        }
        for (String socket : List.of("nvidia-persistenced/socket", "nvidia-fabricmanager/socket")) {
            for (String run : List.of("/run/", "/var/run/")) {
                Path p = host.host(run + socket);
                if (Files.exists(p) && !Files.isDirectory(p)) {
                    add(host, DriverFileIndex.Kind.SOCKET, run + socket, null, files, seen);
                    break;
                }
            }
        }
        if (Files.isDirectory(host.host(MPS_DIRECTORY), LinkOption.NOFOLLOW_LINKS)) {
            add(host, DriverFileIndex.Kind.DIRECTORY, MPS_DIRECTORY, null, files, seen);
        }
        return new DriverFileIndex(host.hostRoot().toString(), driverVersion, files, notes);
    }

    /**
     * The mounts a capability set brings, from an index: no file system access. Driver libraries
     * are mounted under their {@code DT_SONAME} (and {@code libcuda.so}), the names the dynamic
     * loader looks for, in {@code libraryDir}: a folder on the image's default search path, so no
     * {@code ldconfig} has to run over a tree the image controls (docs/design.md §3.4,
     * "No ldconfig, ever"). {@code null} keeps the host's own folder (CDI specs, which know no image).
     */
    public static List<MountEdit> mounts(DriverFileIndex index, Set<DriverCapability> caps, String libraryDir,
                                         Consumer<String> warnings) {
        List<MountEdit> mounts = new ArrayList<>();
        Set<String> targets = new HashSet<>();
        Set<String> libraries = new HashSet<>();
        for (DriverCapability c : libraryGroups(caps)) {
            libraries.addAll(LIBRARIES.get(c));
        }
        if (index.driverVersion() == null || index.driverVersion().isBlank()) {
            warnings.accept("the NVIDIA driver version is unknown: no driver libraries are mounted");
        } else if (!caps.isEmpty() && index.files().stream().noneMatch(f -> f.kind() == DriverFileIndex.Kind.LIBRARY)) {
            warnings.accept("no NVIDIA driver libraries ending in ." + index.driverVersion() + " were found under "
                    + index.hostRoot() + " (searched " + String.join(", ", LIBRARY_DIRS) + ")");
        }
        for (DriverFileIndex.DriverFile f : index.files()) {
            switch (f.kind()) {
                case LIBRARY -> {
                    if (libraries.contains(f.baseName())) {
                        String dir = libraryDir == null ? parent(f.path()) : libraryDir + vdpauSuffix(f.path());
                        library(f, dir, mounts, targets);
                    }
                }
                case LIBRARY32 -> {
                    if (caps.contains(DriverCapability.COMPAT32) && libraries.contains(f.baseName())) {
                        library(f, parent(f.path()), mounts, targets);
                    }
                }
                case BINARY -> {
                    for (Map.Entry<DriverCapability, List<String>> e : BINARIES.entrySet()) {
                        if (caps.contains(e.getKey()) && e.getValue().contains(f.baseName())) {
                            add(f.hostPath(), CONTAINER_BIN_DIR + "/" + f.baseName(), MountEdit.DRIVER_FILE_OPTIONS,
                                    mounts, targets);
                        }
                    }
                }
                case FIRMWARE -> add(f.hostPath(), f.path(), MountEdit.DRIVER_FILE_OPTIONS, mounts, targets);
                case SOCKET -> {
                    if (caps.contains(DriverCapability.UTILITY)) {
                        add(f.hostPath(), f.path(), IPC_OPTIONS, mounts, targets);
                    }
                }
                case DIRECTORY -> {
                    if (caps.contains(DriverCapability.COMPUTE)) {
                        add(f.hostPath(), f.path(), IPC_OPTIONS, mounts, targets);
                    }
                }
            }
        }
        return mounts;
    }

    /**
     * @param driverVersion the exact driver version ({@code 550.54.15}); {@code null} finds no
     *                      libraries and says so
     * @param warnings      receives one line per thing the user should know
     */
    public static List<MountEdit> locate(HostContext host, String driverVersion, Set<DriverCapability> caps,
                                         Consumer<String> warnings) {
        DriverFileIndex index = index(host, driverVersion);
        index.notes().forEach(warnings);
        return mounts(index, caps, null, warnings);
    }

    /**
     * Refuses a file that {@link #index} could not have found for this driver version under this
     * host root: the wrong folder or name for its kind, a path with {@code ..}, a host path that is
     * not the path under the root, a soname that is not a plain file name. For files read back
     * from a snapshot, which decide what a container gets.
     */
    public static void check(DriverFileIndex.DriverFile f, String driverVersion, HostContext host) throws IOException {
        String path = f.path();
        String name = path.substring(path.lastIndexOf('/') + 1);
        String dir = parent(path);
        boolean ok = isNormalAbsolute(path) && f.hostPath().equals(host.host(path).toString())
                && (f.soname() == null || Sonames.acceptable(f.soname()));
        if (ok) {
            ok = switch (f.kind()) {
                case LIBRARY -> driverVersion != null && libraryName(name, driverVersion)
                        && (LIBRARY_DIRS.contains(dir) || (dir.endsWith("/vdpau") && LIBRARY_DIRS.contains(parent(dir))));
                case LIBRARY32 -> driverVersion != null && libraryName(name, driverVersion) && LIBRARY32_DIRS.contains(dir);
                case BINARY -> BINARY_DIRS.contains(dir) && BINARIES.values().stream().anyMatch(b -> b.contains(name));
                case FIRMWARE -> driverVersion != null && dir.equals("/lib/firmware/nvidia/" + driverVersion)
                        && name.startsWith("gsp") && name.endsWith(".bin");
                case SOCKET -> List.of("/run/", "/var/run/").stream().anyMatch(run -> path.equals(run
                        + "nvidia-persistenced/socket") || path.equals(run + "nvidia-fabricmanager/socket"));
                case DIRECTORY -> path.equals(MPS_DIRECTORY);
            };
        }
        if (!ok) {
            throw new IOException("driver file " + path + " (" + f.kind().jsonName() + ") is not one the NVIDIA "
                    + "driver " + driverVersion + " installs there");
        }
    }

    private static boolean libraryName(String name, String driverVersion) {
        String suffix = ".so." + driverVersion;
        return name.endsWith(suffix) && LIBRARIES.values().stream()
                .anyMatch(group -> group.contains(name.substring(0, name.length() - suffix.length())));
    }

    /** An absolute path with no empty, {@code .} or {@code ..} component. */
    public static boolean isNormalAbsolute(String path) {
        if (!path.startsWith("/") || path.length() < 2) {
            return false;
        }
        for (String part : path.substring(1).split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static void library(DriverFileIndex.DriverFile f, String dir, List<MountEdit> mounts, Set<String> targets) {
        String name = f.soname() != null ? f.soname() : f.path().substring(f.path().lastIndexOf('/') + 1);
        add(f.hostPath(), dir + "/" + name, MountEdit.DRIVER_FILE_OPTIONS, mounts, targets);
        if (f.baseName().equals("libcuda")) {
            add(f.hostPath(), dir + "/" + LIBCUDA_DEVELOPMENT_NAME, MountEdit.DRIVER_FILE_OPTIONS, mounts, targets);
        }
    }

    private static void add(String hostPath, String containerPath, List<String> options, List<MountEdit> mounts,
                            Set<String> targets) {
        if (targets.add(containerPath)) {
            mounts.add(new MountEdit(hostPath, containerPath, options));
        }
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "" : path.substring(0, slash);
    }

    /** VDPAU drivers live in a {@code vdpau} sub-folder of the library folder, where libvdpau looks. */
    private static String vdpauSuffix(String path) {
        return parent(path).endsWith("/vdpau") ? "/vdpau" : "";
    }

    /** The library groups a capability set turns on, with libnvidia-container's implications. */
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

    private static void libraries(HostContext host, String dir, DriverFileIndex.Kind kind, Set<String> names,
                                  List<DriverFileIndex.DriverFile> files, Set<Path> seen, List<String> notes) {
        for (Path p : list(host.host(dir), "lib")) {
            String name = p.getFileName().toString();
            if (names.contains(name) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                add(host, kind, dir + "/" + name, Sonames.of(p, notes::add), files, seen);
            }
        }
    }

    /** Adds a file unless the same host file was already added (e.g. /lib is a link to /usr/lib). */
    private static void add(HostContext host, DriverFileIndex.Kind kind, String path, String soname,
                            List<DriverFileIndex.DriverFile> files, Set<Path> seen) {
        Path hostPath = host.host(path);
        Path identity;
        try {
            identity = hostPath.toRealPath();
        } catch (IOException e) {
            identity = hostPath;
        }
        if (seen.add(identity)) {
            files.add(new DriverFileIndex.DriverFile(kind, path, hostPath.toString(), soname));
        }
    }

    /** The entries of {@code dir} whose name starts with {@code prefix}, sorted; none when unreadable. */
    private static List<Path> list(Path dir, String prefix) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                p -> p.getFileName().toString().startsWith(prefix))) {
            entries.forEach(out::add);
        } catch (IOException e) {
            return out; // an unreadable directory holds nothing we can mount
        }
        out.sort(null);
        return out;
    }
}
