package dev.jaccel.nvml;

import dev.jaccel.core.model.PciBusId;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the kernel publishes about a PCI function under {@code /sys/bus/pci/devices/<0000:bb:dd.f>/}
 * (Linux {@code Documentation/ABI/testing/sysfs-bus-pci}), read under a host root.
 */
public final class PciSysfs {
    private PciSysfs() {
    }

    /**
     * {@code numa_node}: the NUMA node the function is attached to, as the kubelet's topology manager
     * and NVIDIA's device plugin read it; empty when the file is missing or says -1 (no NUMA, or
     * unknown to the firmware).
     */
    public static Optional<Integer> numaNode(Path hostRoot, String busId) throws IOException {
        Path file = hostRoot.resolve("sys/bus/pci/devices").resolve(PciBusId.sysfs(busId)).resolve("numa_node");
        String text;
        try {
            text = Files.readString(file).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            int node = Integer.parseInt(text);
            return node < 0 ? Optional.empty() : Optional.of(node);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": \"" + text + "\" is not a NUMA node number", e);
        }
    }
}
