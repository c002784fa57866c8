package dev.jaccel.deviceplugin.topology;

import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.MigDevice;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.deviceplugin.health.XidEvent;
import dev.jaccel.deviceplugin.health.XidEventSource;
import dev.jaccel.nvml.GpuTopology;
import dev.jaccel.nvml.NvmlDevice;
import dev.jaccel.nvml.NvmlEvent;
import dev.jaccel.nvml.NvmlEventSet;
import dev.jaccel.nvml.NvmlEventType;
import dev.jaccel.nvml.NvmlException;
import dev.jaccel.nvml.NvmlLibrary;
import dev.jaccel.nvml.NvmlReturn;
import dev.jaccel.nvml.NvmlSession;

import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@link GpuFacts} from one NVML session the plugin keeps open for its lifetime.
 *
 * <ul>
 *   <li>Topology is read once at start ({@link GpuTopology}: sysfs {@code numa_node} under the
 *       host root, else {@code nvmlDeviceGetNumaNodeId}; {@code nvmlDeviceGetTopologyCommonAncestor};
 *       NVLink from {@code nvmlDeviceGetNvLinkState}/{@code nvmlDeviceGetNvLinkRemotePciInfo_v2}
 *       and {@code nvmlDeviceGetP2PStatus}).</li>
 *   <li>MIG profile: the inventory's, else NVML's name of the MIG handle
 *       ({@code "<parent name> MIG <profile>"}).</li>
 *   <li>Lost GPU: {@code nvmlDeviceGetHandleByUUID} answers {@code NVML_ERROR_GPU_IS_LOST} for a
 *       GPU that fell off the bus ({@code nvml.h}).</li>
 *   <li>XID events: an event set with every GPU registered for critical XIDs.</li>
 * </ul>
 */
public final class NvmlGpuFacts implements GpuFacts {
    private final NvmlSession session;
    private final GpuTopology topology;
    private final Map<String, NvmlDevice> byUuid = new HashMap<>();

    private NvmlGpuFacts(NvmlSession session, HostContext host) {
        this.session = session;
        List<NvmlDevice> gpus = session.devices();
        for (NvmlDevice g : gpus) {
            try {
                byUuid.put(g.uuid(), g);
            } catch (NvmlException e) {
                // a GPU without a UUID is not one the inventory offers
            }
        }
        this.topology = GpuTopology.read(gpus, Optional.of(host.hostRoot()));
    }

    /**
     * Opens the session the facts come from and reads the topology.
     *
     * @throws NvmlException when NVML cannot be loaded or initialised
     */
    public static NvmlGpuFacts open(HostContext host) {
        NvmlSession session = NvmlLibrary.load(host.nvmlLibrary().orElse(NvmlLibrary.SONAME)).openSession();
        try {
            return new NvmlGpuFacts(session, host);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** Why some topology facts are unknown (one line each). */
    public List<String> notes() {
        return topology.notes();
    }

    @Override
    public OptionalInt numaNode(GpuDevice gpu) {
        NvmlDevice d = byUuid.get(gpu.uuid());
        Optional<Integer> node = d != null ? topology.numaNode(d) : Optional.ofNullable(gpu.numaNode());
        return node.map(OptionalInt::of).orElseGet(() -> gpu.numaNode() == null ? OptionalInt.empty() : OptionalInt.of(gpu.numaNode()));
    }

    @Override
    public Optional<String> migProfile(GpuDevice parent, MigDevice mig) {
        if (mig.profile() != null) {
            return Optional.of(mig.profile());
        }
        try {
            return session.deviceByUuid(mig.uuid()).flatMap(NvmlDevice::migProfile);
        } catch (NvmlException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    @Override
    public GpuLink link(GpuDevice a, GpuDevice b) {
        NvmlDevice x = byUuid.get(a.uuid());
        NvmlDevice y = byUuid.get(b.uuid());
        if (x == null || y == null) {
            return GpuLink.UNKNOWN;
        }
        // NVSwitch systems join GPUs by NVLink without a direct link: count that as one
        int links = Math.max(topology.directNvLinks(x, y), topology.nvLinked(x, y) ? 1 : 0);
        PcieDistance pcie = topology.commonAncestor(x, y).map(l -> PcieDistance.ofNvmlLevel(l.value()))
                .orElse(PcieDistance.UNKNOWN);
        return new GpuLink(links, pcie);
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

    /**
     * Critical-XID events of these GPUs. A GPU that cannot be registered (it supports no XID events,
     * or is lost) is logged and left to the other health checks.
     */
    public XidEventSource xidEvents(List<GpuDevice> gpus, Consumer<String> log) {
        NvmlEventSet set = session.createEventSet();
        Map<NvmlDevice, String> registered = new HashMap<>();
        Set<NvmlEventType> xid = EnumSet.of(NvmlEventType.XID_CRITICAL_ERROR);
        for (GpuDevice g : gpus) {
            NvmlDevice d = byUuid.get(g.uuid());
            try {
                if (d == null || !d.supportedEventTypes().contains(NvmlEventType.XID_CRITICAL_ERROR)) {
                    log.accept("GPU " + g.index() + " (" + g.uuid() + ") reports no XID events: its health rests on the other checks");
                    continue;
                }
                set.register(d, xid);
                registered.put(d, g.uuid());
            } catch (NvmlException e) {
                log.accept("cannot watch XID events of GPU " + g.index() + " (" + g.uuid() + "): " + e.getMessage());
            }
        }
        return new XidEventSource() {
            @Override
            public Optional<XidEvent> next(int timeoutMs) {
                Optional<NvmlEvent> e = set.await(Duration.ofMillis(timeoutMs));
                if (e.isEmpty() || e.get().xid().isEmpty()) {
                    return Optional.empty();
                }
                NvmlEvent ev = e.get();
                String uuid = registered.get(ev.device());
                if (uuid == null) {
                    uuid = ev.device().uuid();
                }
                return Optional.of(new XidEvent(uuid, ev.xid().get(), ev.gpuInstanceId().orElse(null),
                        ev.computeInstanceId().orElse(null)));
            }

            @Override
            public void close() {
                set.close();
            }
        };
    }

    @Override
    public void close() {
        session.close();
    }
}
