package dev.jaccel.core.caps;

import dev.jaccel.core.edits.MountEdit;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.testkit.TinyElf;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each capability mounts, found in a fake host root (docs/nvidia-container-semantics.md §3 step 8). */
class DriverFilesTest {
    static final String V = "550.54.15";
    static final String LIB = "/usr/lib/x86_64-linux-gnu/";

    @TempDir
    Path root;
    HostContext host;

    @BeforeEach
    void hostTree() throws IOException {
        host = HostContext.ofRoot(root);
        for (String lib : List.of("libcuda.so." + V, "libnvidia-ml.so." + V, "libnvidia-ptxjitcompiler.so." + V,
                "libnvidia-encode.so." + V, "libnvcuvid.so." + V, "libnvidia-glcore.so." + V, "libEGL_nvidia.so." + V,
                "libnvidia-ngx.so." + V, "libnvidia-ml.so.535.104.05", "libcudart.so.12.4.1", "vdpau/libvdpau_nvidia.so." + V)) {
            String base = lib.substring(lib.lastIndexOf('/') + 1, lib.indexOf(".so."));
            library(LIB + lib, lib.endsWith(V) ? base + ".so.1" : null);
        }
        Files.createSymbolicLink(host.host(LIB + "libcuda.so.1"), Path.of("libcuda.so." + V));
        touch("/usr/lib/i386-linux-gnu/libcuda.so." + V);
        touch("/usr/bin/nvidia-smi");
        touch("/usr/bin/nvidia-cuda-mps-control");
        touch("/lib/firmware/nvidia/" + V + "/gsp_ga10x.bin");
        Files.createDirectories(host.host("/tmp/nvidia-mps"));
    }

    private void library(String path, String soname) throws IOException {
        Path p = host.host(path);
        Files.createDirectories(p.getParent());
        Files.write(p, TinyElf.sharedObject(soname, "fake"));
    }

    private void touch(String path) throws IOException {
        Path p = host.host(path);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {0});
    }

    private List<String> containerPaths(String caps) {
        return DriverFiles.locate(host, V, DriverCapability.parseSupported(caps, "test"), w -> { })
                .stream().map(MountEdit::containerPath).toList();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "utility | libnvidia-ml.so.1 | nvidia-smi | libcuda.so.1",
            "compute | libcuda.so.1 | nvidia-cuda-mps-control | nvidia-smi",
            "compute | libnvidia-ptxjitcompiler.so.1 | /tmp/nvidia-mps | libnvidia-ml.so.1",
            "video | libnvidia-encode.so.1 | libcuda.so.1 | libnvidia-glcore.so.1",
            "video | vdpau/libvdpau_nvidia.so.1 | libnvcuvid.so.1 | /tmp/nvidia-mps",
            "graphics | libnvidia-glcore.so.1 | libEGL_nvidia.so.1 | libcuda.so.1",
            "display | libEGL_nvidia.so.1 | libnvidia-glcore.so.1 | libnvidia-encode.so.1",
            "ngx | libnvidia-ngx.so.1 | gsp_ga10x.bin | libnvidia-ml.so.1",
    })
    void capabilityBringsItsFilesAndNotOthers(String caps, String has1, String has2, String hasNot) {
        List<String> paths = containerPaths(caps);
        assertTrue(paths.stream().anyMatch(p -> named(p, has1)), has1 + " in " + paths);
        assertTrue(paths.stream().anyMatch(p -> named(p, has2)), has2 + " in " + paths);
        assertTrue(paths.stream().noneMatch(p -> named(p, hasNot)), hasNot + " not in " + paths);
    }

    private static boolean named(String path, String name) {
        return path.equals(name) || path.endsWith("/" + name);
    }

    /**
     * Libraries are mounted by soname (and libcuda also as libcuda.so) in the image's folder, or the
     * host's when the image is not known; only the exact driver version's files count.
     */
    @ParameterizedTest(name = "library folder {0}")
    @CsvSource(nullValues = "none", value = {
            "none,                      /usr/lib/x86_64-linux-gnu",
            "/usr/lib64,                /usr/lib64",
            "/usr/lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu",
    })
    void librariesGoBySonameIntoTheLibraryFolder(String libraryDir, String expectedDir) {
        List<MountEdit> mounts = DriverFiles.mounts(DriverFiles.index(host, V),
                Set.of(DriverCapability.UTILITY, DriverCapability.COMPUTE), libraryDir, w -> { });
        Map<String, String> byTarget = new java.util.HashMap<>();
        mounts.forEach(m -> byTarget.put(m.containerPath(), m.hostPath()));
        String cuda = host.host(LIB + "libcuda.so." + V).toString();
        assertEquals(cuda, byTarget.get(expectedDir + "/libcuda.so.1"), byTarget.toString());
        assertEquals(cuda, byTarget.get(expectedDir + "/libcuda.so"), "the development name too");
        assertEquals(host.host(LIB + "libnvidia-ml.so." + V).toString(), byTarget.get(expectedDir + "/libnvidia-ml.so.1"));
        assertTrue(mounts.stream().allMatch(m -> m.options().equals(MountEdit.DRIVER_FILE_OPTIONS)
                || m.containerPath().equals("/tmp/nvidia-mps")), mounts.toString());
        assertTrue(mounts.stream().noneMatch(m -> m.hostPath().contains("535.104.05")
                || m.hostPath().contains("libcudart") || m.hostPath().contains("i386")), mounts.toString());
        assertTrue(byTarget.containsKey("/usr/bin/nvidia-smi"));
    }

    @ParameterizedTest(name = "soname {0}")
    @CsvSource(nullValues = "none", value = {
            // DT_SONAME of libcuda | the name it is mounted under
            "libcuda.so.1,                                      libcuda.so.1",
            "none,                                              libcuda.so.550.54.15",
            "../../../../proc/1/root/etc/ld.so.preload,         libcuda.so.550.54.15",
            "sub/libcuda.so.1,                                  libcuda.so.550.54.15",
            "..,                                                libcuda.so.550.54.15",
    })
    void onlyAPlainFileNameIsTakenAsSoname(String soname, String mountedAs) throws IOException {
        library(LIB + "libcuda.so." + V, soname);
        DriverFileIndex index = DriverFiles.index(host, V);
        List<String> paths = DriverFiles.mounts(index, Set.of(DriverCapability.COMPUTE), "/usr/lib64", w -> { })
                .stream().map(MountEdit::containerPath).toList();
        assertTrue(paths.contains("/usr/lib64/" + mountedAs), paths.toString());
        assertTrue(paths.stream().allMatch(p -> p.startsWith("/usr/lib64/") && !p.substring(11).contains("/")
                || !p.startsWith("/usr/lib64")), paths.toString());
        boolean refused = soname != null && !soname.equals(mountedAs);
        assertEquals(refused, index.notes().stream().anyMatch(n -> n.contains("is not a plain file name")), index.notes().toString());
    }

    @Test
    void compat32AddsThe32BitLibraries() {
        assertTrue(containerPaths("compute,compat32").contains("/usr/lib/i386-linux-gnu/libcuda.so." + V));
        assertTrue(containerPaths("compute").stream().noneMatch(p -> p.contains("i386")));
    }

    @Test
    void socketsComeWithUtilityAndKeepWritableOptions() throws IOException {
        Path sock = host.host("/run/nvidia-persistenced/socket");
        Files.createDirectories(sock.getParent());
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(sock));
            List<MountEdit> utility = DriverFiles.locate(host, V, Set.of(DriverCapability.UTILITY), w -> { });
            MountEdit m = utility.stream().filter(e -> e.containerPath().equals("/run/nvidia-persistenced/socket"))
                    .findFirst().orElseThrow();
            assertEquals(DriverFiles.IPC_OPTIONS, m.options());
            assertTrue(DriverFiles.locate(host, V, Set.of(DriverCapability.COMPUTE), w -> { }).stream()
                    .noneMatch(e -> e.containerPath().contains("persistenced")));
        }
    }

    @Test
    void unknownDriverVersionOrNoLibrariesIsAWarning() {
        List<String> warnings = new ArrayList<>();
        DriverFiles.locate(host, null, Set.of(DriverCapability.COMPUTE), warnings::add);
        DriverFiles.locate(host, "999.1.1", Set.of(DriverCapability.COMPUTE), warnings::add);
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(1).contains("no NVIDIA driver libraries ending in .999.1.1"), warnings.get(1));
    }

    @Test
    void aLinkedLibraryDirectoryIsMountedOnce() throws IOException {
        Files.createDirectories(host.host("/lib"));
        Files.createSymbolicLink(host.host("/lib/x86_64-linux-gnu"), host.host("/usr/lib/x86_64-linux-gnu"));
        assertEquals(1, containerPaths("compute").stream().filter(p -> p.endsWith("/libcuda.so.1")).count());
    }
}
