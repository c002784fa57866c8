package dev.jaccel.deviceplugin.topology;

import dev.jaccel.core.spi.HostContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NvmlGpuFactsTest {
    @TempDir
    Path root;

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(nullValues = "-", value = {
            "NVIDIA H100 80GB HBM3 MIG 1g.10gb, 1g.10gb",
            "NVIDIA A100-SXM4-40GB MIG 3g.20gb, 3g.20gb",
            "NVIDIA H100 80GB HBM3 MIG 1g.10gb+me, 1g.10gb+me",
            "NVIDIA H100 80GB HBM3, -",
            "'NVIDIA H100 MIG ', -",
    })
    void profileFromTheMigDeviceName(String name, String profile) {
        assertEquals(Optional.ofNullable(profile), NvmlGpuFacts.profileOf(name));
    }

    @ParameterizedTest(name = "{0} with numa_node ''{1}'' -> {2}")
    @CsvSource(nullValues = "-", value = {
            "00000000:18:00.0, 0, 0",
            "00000000:AB:00.0, 1, 1",
            "0000:ab:00.0, 1, 1",
            "00000000:18:00.0, -1, -",
            "00000000:18:00.0, -, -",
            "not-a-bus-id, 1, -",
    })
    void numaNodeFromSysfs(String busId, String content, Integer node) throws Exception {
        if (content != null && busId.contains(":")) {
            Path file = root.resolve("sys/bus/pci/devices/" + dev.jaccel.nvml.PciBusId.sysfs(busId) + "/numa_node");
            Files.createDirectories(file.getParent());
            Files.writeString(file, content + "\n");
        }
        assertEquals(node == null ? OptionalInt.empty() : OptionalInt.of(node),
                NvmlGpuFacts.sysfsNumaNode(HostContext.ofRoot(root), busId));
    }
}
