package dev.jaccel.nvml;

import dev.jaccel.testkit.HostTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel-side facts read without NVML (docs/nvml.md §5.4, §9). */
class NvidiaProcFactsTest {

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            // proprietary module (neofetch issue 876 shape)
            "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 01:15:15 UTC 2023|535.104.05",
            // open module (nixGL issues 186 and 121 shape)
            "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  565.57.01  Release Build  (dvs-builder@U16-I3-B03-4-3)  Thu Oct 10 12:02:46 UTC 2024|565.57.01",
            "NVRM version: NVIDIA UNIX Open Kernel Module for aarch64  580.95.05  Release Build  (dvs-builder@x)  date|580.95.05",
            "NVRM version: NVIDIA UNIX aarch64 Kernel Module  555.58  Tue Jun 4 2024|555.58",
    })
    void moduleVersionFromBothFormats(String firstLine, String version) {
        assertEquals(Optional.of(version),
                NvidiaProcFacts.parseModuleVersion(firstLine + "\nGCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n"));
    }

    @ParameterizedTest(name = "\"{0}\" has no version")
    @CsvSource(delimiter = '|', value = {"GCC version:  gcc version 12.2.0", "NVRM version: garbage", "''"})
    void notAVersionFile(String text) {
        assertEquals(Optional.empty(), NvidiaProcFacts.parseModuleVersion(text));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.580.95.05, 580.95.05",
            "/usr/lib64/libnvidia-ml.so.555.58, 555.58", "/x/libnvidia-ml.so.1, ''", "/x/libnvidia-ml.so, ''"})
    void libraryVersionFromTheFileName(String file, String version) {
        assertEquals(version.isEmpty() ? Optional.empty() : Optional.of(version),
                NvidiaProcFacts.libraryVersion(Path.of(file)));
    }

    @Test
    void informationFileInEitherDomainSpelling(@TempDir Path root) throws Exception {
        String info = "Model: \t\t NVIDIA L4\nIRQ:   \t\t 16\nGPU UUID: \t GPU-3291dfa4-fcc4-0110-615b-c894a0d7c689\n"
                + "Bus Location: \t 0000:70:00.0\nDevice Minor: \t 4\nGPU Excluded:\t No\n";
        HostTree tree = HostTree.at(root).file("/proc/driver/nvidia/gpus/0000:70:00.0/information", info)
                .file("/proc/driver/nvidia/gpus/00000000:71:00.0/information", "Model: \t\t Old\n");
        NvidiaProcFacts.GpuInformation l4 = NvidiaProcFacts.gpuInformation(tree.root(), "00000000:70:00.0").orElseThrow();
        assertEquals(Optional.of("NVIDIA L4"), l4.model());
        assertEquals(Optional.of("GPU-3291dfa4-fcc4-0110-615b-c894a0d7c689"), l4.uuid());
        assertEquals(Optional.of("0000:70:00.0"), l4.busLocation());
        assertEquals(Optional.of(4), l4.deviceMinor());
        NvidiaProcFacts.GpuInformation old = NvidiaProcFacts.gpuInformation(tree.root(), "71:00.0").orElseThrow();
        assertEquals(Optional.empty(), old.deviceMinor(), "old drivers have no Device Minor line");
        assertFalse(NvidiaProcFacts.gpuInformation(tree.root(), "0000:72:00.0").isPresent());
    }

    @Test
    void migMinorsFromTheTableThenFromCapabilityFiles(@TempDir Path root) throws Exception {
        HostTree tree = HostTree.at(root)
                .file("/proc/driver/nvidia-caps/mig-minors", "config 1\nmonitor 2\ngpu3/gi1/access 12\ngpu3/gi1/ci0/access 13\n");
        MigCapabilities caps = MigCapabilities.read(tree.root());
        assertEquals(Optional.of(12), caps.minor(MigCapabilities.gpuInstanceCap(3, 1)));
        assertEquals(Optional.of(13), caps.minor(MigCapabilities.computeInstanceCap(3, 1, 0)));
        assertEquals(Optional.empty(), caps.minor(MigCapabilities.gpuInstanceCap(0, 1)), "keyed by minor, not index");
        tree.file("/proc/driver/nvidia/capabilities/gpu0/mig/gi1/access",
                "DeviceFileMinor: 21\nDeviceFileMode: 292\nDeviceFileModify: 1\n");
        assertEquals(Optional.of(21), MigCapabilities.read(tree.root()).minor("gpu0/gi1/access"));
        assertEquals(Map.of("config", 1, "monitor", 2), MigCapabilities.parseMigMinors("config 1\nmonitor 2\nnot a line\n"));
    }

    @Test
    void missingFilesAreEmptyNotErrors(@TempDir Path root) throws Exception {
        assertEquals(Optional.empty(), NvidiaProcFacts.kernelModuleVersion(root));
        assertTrue(MigCapabilities.read(root).minor("gpu0/gi0/access").isEmpty());
    }
}
