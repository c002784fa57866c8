package dev.jaccel.deviceplugin.topology;

import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.MigDevice;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.nvml.NvmlDevice;
import dev.jaccel.nvml.NvmlException;
import dev.jaccel.nvml.NvmlLibrary;
import dev.jaccel.nvml.NvmlReturn;
import dev.jaccel.nvml.NvmlSession;
import dev.jaccel.nvml.PciBusId;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@link GpuFacts} from one NVML session the plugin keeps open for its lifetime, and the host's
 * sysfs.
 *
 * <ul>
 *   <li>NUMA node: {@code /sys/bus/pci/devices/<bus id>/numa_node} (the kernel's answer for a PCIe
 *       device; -1 means none), else {@code nvmlDeviceGetNumaNodeId} (coherent platforms).</li>
 *   <li>MIG profile: {@code nvmlDeviceGetName} on a MIG handle answers
 *       {@code "<parent name> MIG <profile>"}; the profile is what follows {@code " MIG "}.</li>
 *   <li>Lost GPU: {@code nvmlDeviceGetHandleByUUID} answers {@code NVML_ERROR_GPU_IS_LOST} for a
 *       GPU that fell off the bus ({@code nvml.h}).</li>
 *   <li>Links: two GPUs on the same NUMA node are {@link PcieDistance#SAME_NUMA_NODE}, on two
 *       known different nodes {@link PcieDistance#SYSTEM}; NVLink and the PCIe common ancestor
 *       come from NVML's topology calls where the binding has them.</li>
 * </ul>
 */
public final class NvmlGpuFacts implements GpuFacts {
    private static final String MIG_MARKER = " MIG ";

    private final NvmlSession session;
    private final HostContext host;

    private NvmlGpuFacts(NvmlSession session, HostContext host) {
        this.session = session;
        this.host = host;
    }

    /** Opens the session the facts come from. */
    public static NvmlGpuFacts open(HostContext host) throws NvmlException {
        NvmlLibrary library = NvmlLibrary.load(host.nvmlLibrary().orElse(NvmlLibrary.SONAME));
        return new NvmlGpuFacts(library.openSession(), host);
    }

    @Override
    public OptionalInt numaNode(GpuDevice gpu) {
        OptionalInt fromSysfs = sysfsNumaNode(host, gpu.pciBusId());
        if (fromSysfs.isPresent()) {
            return fromSysfs;
        }
        try {
            Optional<NvmlDevice> d = session.deviceByUuid(gpu.uuid());
            return d.isPresent() ? d.get().numaNode() : OptionalInt.empty();
        } catch (NvmlException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /** The kernel's NUMA node of a PCI function under the host root; empty when absent or -1. */
    static OptionalInt sysfsNumaNode(HostContext host, String busId) {
        if (busId == null || PciBusId.parse(busId).isEmpty()) {
            return OptionalInt.empty();
        }
        Path file = host.host("/sys/bus/pci/devices/" + PciBusId.sysfs(busId) + "/numa_node");
        try {
            int node = Integer.parseInt(Files.readString(file).trim());
            return node < 0 ? OptionalInt.empty() : OptionalInt.of(node);
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    @Override
    public Optional<String> migProfile(GpuDevice parent, MigDevice mig) {
        try {
            Optional<NvmlDevice> d = session.deviceByUuid(mig.uuid());
            return d.isPresent() ? profileOf(d.get().name()) : Optional.empty();
        } catch (NvmlException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code "NVIDIA H100 80GB HBM3 MIG 1g.10gb"} → {@code 1g.10gb}. */
    static Optional<String> profileOf(String migName) {
        int at = migName == null ? -1 : migName.lastIndexOf(MIG_MARKER);
        if (at < 0) {
            return Optional.empty();
        }
        String profile = migName.substring(at + MIG_MARKER.length()).trim();
        return profile.isEmpty() ? Optional.empty() : Optional.of(profile);
    }

    @Override
    public GpuLink link(GpuDevice a, GpuDevice b) {
        OptionalInt na = numaNode(a);
        OptionalInt nb = numaNode(b);
        if (na.isEmpty() || nb.isEmpty()) {
            return GpuLink.UNKNOWN;
        }
        return new GpuLink(0, na.getAsInt() == nb.getAsInt() ? PcieDistance.SAME_NUMA_NODE : PcieDistance.SYSTEM);
    }

    @Override
    public Optional<String> problem(GpuDevice gpu) {
        try {
            return session.deviceByUuid(gpu.uuid()).isPresent() ? Optional.empty()
                    : Optional.of("NVML no longer finds " + gpu.uuid());
        } catch (NvmlException e) {
            return e.is(NvmlReturn.GPU_IS_LOST) ? Optional.of("GPU_IS_LOST (" + e.function() + ")") : Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.empty();   // closing down
        }
    }

    @Override
    public void close() {
        session.close();
    }
}
