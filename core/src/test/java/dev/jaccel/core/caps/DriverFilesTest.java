package dev.jaccel.core.caps;

import dev.jaccel.core.edits.MountEdit;
import dev.jaccel.core.spi.HostContext;
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
            touch(LIB + lib);
        }
        Files.createSymbolicLink(host.host(LIB + "libcuda.so.1"), Path.of("libcuda.so." + V));
        touch("/usr/lib/i386-linux-gnu/libcuda.so." + V);
        touch("/usr/bin/nvidia-smi");
        touch("/usr/bin/nvidia-cuda-mps-control");
        touch("/lib/firmware/nvidia/" + V + "/gsp_ga10x.bin");
        Files.createDirectories(host.host("/tmp/nvidia-mps"));
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
            "utility | libnvidia-ml.so.550.54.15 | nvidia-smi | libcuda.so.550.54.15",
            "compute | libcuda.so.550.54.15 | nvidia-cuda-mps-control | nvidia-smi",
            "compute | libnvidia-ptxjitcompiler.so.550.54.15 | /tmp/nvidia-mps | libnvidia-ml.so.550.54.15",
            "video | libnvidia-encode.so.550.54.15 | libcuda.so.550.54.15 | libnvidia-glcore.so.550.54.15",
            "video | vdpau/libvdpau_nvidia.so.550.54.15 | libnvcuvid.so.550.54.15 | /tmp/nvidia-mps",
            "graphics | libnvidia-glcore.so.550.54.15 | libEGL_nvidia.so.550.54.15 | libcuda.so.550.54.15",
            "display | libEGL_nvidia.so.550.54.15 | libnvidia-glcore.so.550.54.15 | libnvidia-encode.so.550.54.15",
            "ngx | libnvidia-ngx.so.550.54.15 | gsp_ga10x.bin | libnvidia-ml.so.550.54.15",
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

    @Test
    void librariesMatchTheExactDriverVersionOnlyAndKeepTheirHostPath() {
        List<MountEdit> mounts = DriverFiles.locate(host, V, Set.of(DriverCapability.UTILITY, DriverCapability.COMPUTE),
                w -> { });
        MountEdit cuda = mounts.stream().filter(m -> m.containerPath().endsWith("libcuda.so." + V)).findFirst()
                .orElseThrow();
        assertEquals(LIB + "libcuda.so." + V, cuda.containerPath());
        assertEquals(host.host(LIB + "libcuda.so." + V).toString(), cuda.hostPath());
        assertEquals(MountEdit.DRIVER_FILE_OPTIONS, cuda.options());
        assertTrue(mounts.stream().noneMatch(m -> m.containerPath().contains("535.104.05")
                || m.containerPath().contains("libcudart") || m.containerPath().endsWith("libcuda.so.1")
                || m.containerPath().contains("i386")), mounts.toString());
        assertTrue(mounts.stream().anyMatch(m -> m.containerPath().equals("/usr/bin/nvidia-smi")));
    }

    @Test
    void compat32AddsThe32BitLibraries() {
        assertTrue(containerPaths("compute,compat32").contains("/usr/lib/i386-linux-gnu/libcuda.so." + V));
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
        assertEquals(1, containerPaths("compute").stream().filter(p -> p.endsWith("/libcuda.so." + V)).count());
    }
}
