package dev.jaccel.nvml;

import dev.jaccel.core.LibraryUnavailableException;
import dev.jaccel.core.host.DeviceNodes;
import dev.jaccel.core.host.ProcDevices;
import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.MigDevice;
import dev.jaccel.core.model.NvLinkPeer;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.model.UnavailableGpu;
import dev.jaccel.core.model.VendorInventory;
import dev.jaccel.core.spi.AcceleratorBackend;
import dev.jaccel.core.spi.BackendUnavailableException;
import dev.jaccel.core.spi.HostContext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The NVIDIA half of the inventory: NVML for what only the driver knows (UUIDs, names, memory,
 * MIG), the host tree for what the kernel publishes ({@code /proc/driver/nvidia}, {@code /proc/devices},
 * device nodes read with {@code stat}, MIG capability minors).
 *
 * <p>A GPU NVML will not open (NO_PERMISSION, GPU_IS_LOST) is left out and named in the notes and
 * {@link NvidiaInventory#unavailableGpus()}; a GPU or MIG device whose UUID cannot be read fails the
 * whole inventory (as NVIDIA's tools do);
 * a fact NVML does not support is {@code null}; a kernel module and userspace library of
 * different versions are diagnosed by name with the cure. Placement facts come from
 * {@link GpuTopology}: the NUMA node (sysfs under the host root, else NVML) and the NVLink peers.
 */
public final class NvidiaBackend implements AcceleratorBackend {
    /** Device nodes every CUDA container needs besides its GPUs' own (docs/nvml.md §9.4). */
    static final List<String> CONTROL_NODES = List.of("/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools",
            "/dev/nvidia-modeset");

    @Override
    public String name() {
        return "nvidia";
    }

    @Override
    public VendorInventory discover(HostContext host) throws BackendUnavailableException {
        Path root = host.hostRoot();
        Optional<String> moduleVersion;
        ProcDevices procDevices;
        MigCapabilities caps;
        try {
            moduleVersion = NvidiaProcFacts.kernelModuleVersion(root);
            procDevices = ProcDevices.read(root);
            caps = MigCapabilities.read(root);
        } catch (IOException e) {
            throw new BackendUnavailableException("cannot read the NVIDIA driver files under " + root + ": " + e.getMessage(), e);
        }
        String libraryName = host.nvmlLibrary().orElse(NvmlLibrary.SONAME);
        NvmlLibrary nvml;
        try {
            nvml = NvmlLibrary.load(libraryName);
        } catch (LibraryUnavailableException e) {
            if (e.reason() == LibraryUnavailableException.Reason.NATIVE_ACCESS_DENIED) {
                throw new BackendUnavailableException(e.getMessage(), e);
            }
            throw new BackendUnavailableException("cannot load NVML " + libraryName
                    + moduleVersion.map(v -> " (the nvidia kernel module " + v + " is loaded)")
                            .orElse(" (and no nvidia kernel module is loaded)")
                    + ": install the NVIDIA driver's user-space libraries or pass --nvml-library", e);
        }
        Optional<String> libraryVersion = nvml.file().flatMap(NvidiaProcFacts::libraryVersion);
        if (moduleVersion.isPresent() && libraryVersion.isPresent() && !moduleVersion.get().equals(libraryVersion.get())) {
            throw new BackendUnavailableException(versionMismatch(nvml, libraryVersion, moduleVersion));
        }
        try (NvmlSession session = nvml.openSession()) {
            return inventory(session, root, moduleVersion.orElse(null), procDevices, caps);
        } catch (NvmlException e) {
            if (e.is(NvmlReturn.LIB_RM_VERSION_MISMATCH)) {
                throw new BackendUnavailableException(versionMismatch(nvml, libraryVersion, moduleVersion), e);
            }
            throw new BackendUnavailableException("NVML (" + nvml.source() + ") failed: " + e.getMessage(), e);
        }
    }

    /** The nvidia-smi "Driver/library version mismatch" case, with both versions and the cure. */
    static String versionMismatch(NvmlLibrary nvml, Optional<String> libraryVersion, Optional<String> moduleVersion) {
        return "driver/library version mismatch (LIB_RM_VERSION_MISMATCH): NVML library "
                + nvml.file().map(Path::toString).orElse(nvml.source()) + " is version "
                + libraryVersion.orElse("unknown") + " but the loaded nvidia kernel module is version "
                + moduleVersion.orElse("unknown")
                + "; reload the nvidia kernel modules (or reboot) so that both are the same version";
    }

    private static NvidiaInventory inventory(NvmlSession session, Path root, String moduleVersion,
                                             ProcDevices procDevices, MigCapabilities caps)
            throws BackendUnavailableException {
        List<String> notes = new ArrayList<>();
        Facts facts = new Facts(notes);
        String cuda = facts.get("CUDA driver version", () -> session.cudaDriverVersion().toString());
        NvmlDevices opened = session.devices();
        opened.failures().forEach((i, e) -> notes.add("GPU " + i + " left out: " + e.getMessage()));
        // the other GPUs keep their NVML indices: record the left-out ones so that requests can name them
        List<UnavailableGpu> unavailable = new ArrayList<>();
        opened.failures().forEach((i, e) -> unavailable.add(new UnavailableGpu(i, e.getMessage())));
        GpuTopology topology = GpuTopology.read(opened, Optional.of(root));
        notes.addAll(topology.notes());
        List<GpuDevice> gpus = new ArrayList<>();
        for (NvmlDevice d : opened) {
            Integer index = facts.get("index", d::index);
            gpus.add(gpu(index == null ? -1 : index, d, root, procDevices, caps, topology,
                    facts.forDevice("GPU " + index)));
        }
        List<DeviceNode> control = new ArrayList<>();
        for (String node : CONTROL_NODES) {
            DeviceNodes.stat(root, node).ifPresent(control::add);
        }
        return new NvidiaInventory(session.driverVersion(), facts.get("NVML version", session::nvmlVersion), cuda,
                moduleVersion, gpus, control, notes, null, unavailable);
    }

    private static GpuDevice gpu(int index, NvmlDevice d, Path root, ProcDevices procDevices, MigCapabilities caps,
                                 GpuTopology topology, Facts facts) throws BackendUnavailableException {
        String busId = facts.get("PCI info", () -> d.pciInfo().busId());
        Integer minor = facts.get("minor number", () -> {
            Optional<Integer> m = d.minorNumber();
            if (m.isPresent()) {
                return m.get();
            }
            // older paths: the kernel's own record of the minor (docs/nvml.md §9.2)
            if (busId == null) {
                return null;
            }
            try {
                return NvidiaProcFacts.gpuInformation(root, busId)
                        .flatMap(NvidiaProcFacts.GpuInformation::deviceMinor).orElse(null);
            } catch (IOException e) {
                return null;
            }
        });
        Boolean migEnabled = facts.get("MIG mode", () -> d.migMode().map(MigMode::current).orElse(false));
        List<MigDevice> migs = new ArrayList<>();
        if (Boolean.TRUE.equals(migEnabled)) {
            List<NvmlDevice> handles = facts.get("MIG devices", d::migDevices);
            for (NvmlDevice m : handles == null ? List.<NvmlDevice>of() : handles) {
                migs.add(mig(m, index, minor, root, procDevices, caps, facts));
            }
        }
        List<DeviceNode> nodes = new ArrayList<>();
        if (minor != null) {
            node(root, "/dev/nvidia" + minor, procDevices.firstMajor("nvidia", "nvidia-frontend"), minor)
                    .ifPresent(nodes::add);
        }
        return new GpuDevice(index, identity("GPU " + index + (busId == null ? "" : " (" + busId + ")"), d),
                facts.get("name", d::name),
                facts.get("brand", () -> d.brand().name()), facts.get("architecture", () -> d.architecture().name()),
                facts.get("compute capability", () -> d.computeCapability().toString()), minor, busId,
                facts.get("memory", () -> d.memory().map(MemoryInfo::total).orElse(null)), migEnabled, migs, nodes,
                topology.numaNode(d).orElse(null), peers(d, topology, facts));
    }

    /** The GPUs {@code d} reaches over NVLink, by UUID and bus id, with the direct link count. */
    private static List<NvLinkPeer> peers(NvmlDevice d, GpuTopology topology, Facts facts) {
        List<NvLinkPeer> peers = new ArrayList<>();
        for (NvmlDevice peer : topology.nvLinkPeers(d)) {
            peers.add(new NvLinkPeer(facts.get("NVLink peer UUID", peer::uuid),
                    facts.get("NVLink peer PCI info", () -> peer.pciInfo().busId()), topology.directNvLinks(d, peer)));
        }
        return peers;
    }

    private static MigDevice mig(NvmlDevice m, int gpuIndex, Integer gpuMinor, Path root, ProcDevices procDevices,
                                 MigCapabilities caps, Facts facts) throws BackendUnavailableException {
        Integer index = facts.get("MIG index", m::index);
        Integer gi = facts.get("GPU instance id", m::gpuInstanceId);
        Integer ci = facts.get("compute instance id", m::computeInstanceId);
        List<DeviceNode> capNodes = new ArrayList<>();
        if (gpuMinor != null && gi != null && ci != null) {
            for (String cap : List.of(MigCapabilities.gpuInstanceCap(gpuMinor, gi),
                    MigCapabilities.computeInstanceCap(gpuMinor, gi, ci))) {
                Integer capMinor = facts.get("capability " + cap, () -> {
                    return caps.minor(cap).orElse(null);
                });
                if (capMinor != null) {
                    node(root, "/dev/nvidia-caps/nvidia-cap" + capMinor, procDevices.major("nvidia-caps"), capMinor)
                            .ifPresent(capNodes::add);
                }
            }
        }
        return new MigDevice(index == null ? -1 : index,
                identity("MIG device " + gpuIndex + ":" + (index == null ? "?" : index), m), gi, ci,
                facts.get("MIG memory", () -> m.memory().map(MemoryInfo::total).orElse(null)), capNodes,
                facts.get("MIG profile", () -> m.migProfile().orElse(null)));
    }

    /**
     * A device's UUID, or the whole NVIDIA inventory fails: a GPU or MIG device without its UUID
     * can be neither named by a selector nor written into a CDI spec, and NVIDIA's tools stop at
     * the same point (libnvidia-container {@code src/nvc_info.c} init_nvc_device and
     * fill_mig_device_info fail the device listing; nvidia-container-toolkit
     * {@code pkg/nvcdi/full-gpu-nvml.go}: "failed to get device UUID").
     */
    private static String identity(String device, NvmlDevice d) throws BackendUnavailableException {
        try {
            String uuid = d.uuid();
            if (uuid == null || uuid.isBlank()) {
                throw new BackendUnavailableException(device + ": NVML reported an empty UUID");
            }
            return uuid;
        } catch (NvmlException e) {
            throw new BackendUnavailableException(device + ": its UUID cannot be read (" + e.getMessage()
                    + "), so its devices cannot be selected or described; "
                    + (e.is(NvmlReturn.NO_PERMISSION) ? "run as root or give this user access to /dev/nvidia*"
                    : "check the GPU with nvidia-smi"), e);
        }
    }

    /**
     * A node as the host has it (stat); where the node is not there yet, the major the kernel
     * registered in {@code /proc/devices} and the minor the driver reported, as runc creates it.
     */
    private static Optional<DeviceNode> node(Path root, String path, OptionalInt procMajor, int minor) {
        Optional<DeviceNode> stat = DeviceNodes.stat(root, path);
        if (stat.isPresent() || procMajor.isEmpty()) {
            return stat;
        }
        String hostPath = root.resolve(path.substring(1)).toString();
        return Optional.of(new DeviceNode(path, hostPath, procMajor.getAsInt(), minor));
    }

    /** Collects facts: NOT_SUPPORTED (or an empty answer) is null; any other failure is null plus a note. */
    private record Facts(List<String> notes, String prefix) {
        Facts(List<String> notes) {
            this(notes, "");
        }

        Facts forDevice(String device) {
            return new Facts(notes, device + ": ");
        }

        interface Query<T> {
            T get() throws IOException;
        }

        <T> T get(String what, Query<T> q) {
            try {
                return q.get();
            } catch (NvmlException e) {
                if (!e.is(NvmlReturn.NOT_SUPPORTED)) {
                    notes.add(prefix + what + " unknown: " + e.getMessage());
                }
                return null;
            } catch (IOException e) {
                notes.add(prefix + what + " unknown: " + e.getMessage());
                return null;
            }
        }
    }
}
