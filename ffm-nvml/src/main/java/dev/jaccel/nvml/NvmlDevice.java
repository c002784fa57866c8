package dev.jaccel.nvml;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A live GPU or MIG device handle of an open {@link NvmlSession}: every getter asks the driver.
 * (For a record of a GPU that outlives the session, see {@link dev.jaccel.core.model.GpuDevice},
 * which discovery builds from these answers.)
 *
 * <p>Facts a board may not have (serial, temperature, NUMA node, ...) come back as an
 * {@link Optional}, empty when NVML says NOT_SUPPORTED; every other failure is an unchecked
 * {@link NvmlException} (GPU_IS_LOST, NO_PERMISSION, ...). Two instances are equal when NVML gave
 * the same handle in the same session (handles are compared by value, never dereferenced).
 */
public final class NvmlDevice {
    private final NvmlSession session;
    private final MemorySegment handle;
    private final boolean mig;

    NvmlDevice(NvmlSession session, MemorySegment handle, boolean mig) {
        this.session = session;
        this.handle = handle;
        this.mig = mig;
    }

    private NvmlLibrary lib() {
        return session.library();
    }

    private <T> T ask(Supplier<T> call) {
        return session.call(call);
    }

    /** The answer, or empty when NVML says NOT_SUPPORTED. */
    private <T> Optional<T> ifSupported(Supplier<T> call) {
        try {
            return Optional.of(session.call(call));
        } catch (NvmlException e) {
            if (e.is(NvmlReturn.NOT_SUPPORTED)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public NvmlSession session() {
        return session;
    }

    /** Whether this is a MIG device handle. */
    public boolean isMig() {
        return mig;
    }

    /** The NVML index; for a MIG device its index under the parent. */
    public int index() {
        return ask(() -> lib().index(handle));
    }

    public String uuid() {
        return ask(() -> lib().uuid(handle));
    }

    /** The product name; for a MIG device {@code "<GPU name> MIG <profile>"}, e.g. {@code NVIDIA A100-SXM4-40GB MIG 1g.5gb}. */
    public String name() {
        return ask(() -> lib().name(handle));
    }

    /**
     * The MIG profile of a MIG device ({@code 1g.10gb}, {@code 3g.40gb}, {@code 1c.3g.40gb}): the part
     * of its name after {@code " MIG "}. Empty for a GPU, or a name without it.
     */
    public Optional<String> migProfile() {
        return mig ? MigProfile.fromName(name()) : Optional.empty();
    }

    /** The board serial; empty on boards without an inforom (GeForce). */
    public Optional<String> serial() {
        return ifSupported(() -> lib().serial(handle));
    }

    /** The minor of {@code /dev/nvidia<minor>} (not the index); empty where NVML does not know it. */
    public Optional<Integer> minorNumber() {
        return ifSupported(() -> lib().minorNumber(handle));
    }

    public PciInfo pciInfo() {
        return ask(() -> lib().pciInfo(handle));
    }

    /** Memory of the GPU, or of the MIG instance for a MIG handle; empty where NVML has no figure (iGPU). */
    public Optional<MemoryInfo> memory() {
        return ifSupported(() -> lib().memoryInfo(handle));
    }

    public ComputeCapability computeCapability() {
        return ask(() -> lib().computeCapability(handle));
    }

    public Architecture architecture() {
        return Architecture.of(architectureValue());
    }

    /** The raw {@code nvmlDeviceArchitecture_t}, for values {@link Architecture} does not know yet. */
    public int architectureValue() {
        return ask(() -> lib().architecture(handle));
    }

    public Brand brand() {
        return Brand.of(ask(() -> lib().brand(handle)));
    }

    public Optional<Boolean> persistenceMode() {
        return ifSupported(() -> lib().persistenceMode(handle));
    }

    /** The GPU die temperature in °C. */
    public Optional<Integer> temperatureCelsius() {
        return ifSupported(() -> lib().temperatureCelsius(handle));
    }

    public Optional<Integer> powerUsageMilliwatts() {
        return ifSupported(() -> lib().powerUsageMilliwatts(handle));
    }

    public Optional<Integer> powerLimitMilliwatts() {
        return ifSupported(() -> lib().powerLimitMilliwatts(handle));
    }

    /** Empty on MIG-enabled GPUs, where NVML does not report it. */
    public Optional<Utilization> utilization() {
        return ifSupported(() -> lib().utilization(handle));
    }

    /**
     * {@code nvmlDeviceGetNumaNodeId}: the NUMA node of the GPU on platforms where the GPU's memory
     * is a NUMA node of its own (coherent CPU-GPU systems); empty elsewhere. The node the GPU's PCIe
     * slot is attached to is {@link GpuTopology#numaNode}, which reads sysfs first.
     */
    public Optional<Integer> numaNode() {
        return ifSupported(() -> lib().numaNode(handle));
    }

    public List<ProcessInfo> computeProcesses() {
        return ask(() -> lib().computeProcesses(handle));
    }

    /** MIG mode; empty on GPUs without MIG. */
    public Optional<MigMode> migMode() {
        return ifSupported(() -> lib().migMode(handle));
    }

    /** 0 when MIG is off or unsupported. */
    public int maxMigDeviceCount() {
        return ask(() -> lib().maxMigDeviceCount(handle));
    }

    /**
     * The MIG devices of this GPU in index order. Indices may be sparse, so like go-nvlib a
     * NOT_FOUND or INVALID_ARGUMENT index is skipped rather than ending the walk.
     */
    public List<NvmlDevice> migDevices() {
        if (mig || !migMode().map(MigMode::current).orElse(false)) {
            return List.of();
        }
        int max = maxMigDeviceCount();
        List<NvmlDevice> out = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            int index = i;
            try {
                out.add(new NvmlDevice(session, ask(() -> lib().migHandleByIndex(handle, index)), true));
            } catch (NvmlException e) {
                if (!(e.is(NvmlReturn.NOT_FOUND) || e.is(NvmlReturn.INVALID_ARGUMENT))) {
                    throw e;
                }
            }
        }
        return out;
    }

    /** Asks NVML whether this handle is a MIG device ({@code nvmlDeviceIsMigDeviceHandle}). */
    public boolean isMigDeviceHandle() {
        return ask(() -> lib().isMigHandle(handle));
    }

    public int gpuInstanceId() {
        return ask(() -> lib().gpuInstanceId(handle));
    }

    public int computeInstanceId() {
        return ask(() -> lib().computeInstanceId(handle));
    }

    /** The parent GPU of a MIG device. */
    public NvmlDevice parent() {
        return new NvmlDevice(session, ask(() -> lib().parentOfMig(handle)), false);
    }

    // ---- monitoring ----

    /** The current clock of a domain, MHz ({@code nvmlDeviceGetClockInfo}). */
    public Optional<Integer> clockMHz(ClockType domain) {
        return ifSupported(() -> lib().clockMHz(handle, domain.value()));
    }

    /** The highest clock of a domain, MHz ({@code nvmlDeviceGetMaxClockInfo}). */
    public Optional<Integer> maxClockMHz(ClockType domain) {
        return ifSupported(() -> lib().maxClockMHz(handle, domain.value()));
    }

    /** Why the clocks are where they are; empty set: nothing holds them back. */
    public Optional<Set<ClocksEventReason>> clocksEventReasons() {
        return clocksEventReasonMask().map(ClocksEventReason::of);
    }

    /** The raw {@code nvmlClocksEventReason*} mask, with bits {@link ClocksEventReason} does not know yet. */
    public Optional<Long> clocksEventReasonMask() {
        return ifSupported(() -> lib().clocksEventReasons(handle));
    }

    /** The performance state, 0 (P0, fastest) to 15; 32 means unknown to the driver. */
    public Optional<Integer> performanceState() {
        return ifSupported(() -> lib().performanceState(handle));
    }

    public Optional<EccMode> eccMode() {
        return ifSupported(() -> lib().eccMode(handle));
    }

    /** An ECC error count ({@code nvmlDeviceGetTotalEccErrors}); empty without ECC. */
    public Optional<Long> eccErrors(EccCounter counter) {
        return ifSupported(() -> lib().eccErrors(handle, counter.errorType(), counter.counterType()));
    }

    public Optional<Integer> pcieLinkGeneration() {
        return ifSupported(() -> lib().pcieLinkGeneration(handle));
    }

    /** Lanes in use now (x16, x8, ...): lower than {@link #maxPcieLinkWidth()} on a degraded link. */
    public Optional<Integer> pcieLinkWidth() {
        return ifSupported(() -> lib().pcieLinkWidth(handle));
    }

    public Optional<Integer> maxPcieLinkGeneration() {
        return ifSupported(() -> lib().maxPcieLinkGeneration(handle));
    }

    public Optional<Integer> maxPcieLinkWidth() {
        return ifSupported(() -> lib().maxPcieLinkWidth(handle));
    }

    /** PCIe throughput in one direction, KB/s over the driver's last sample (20 ms). */
    public Optional<Integer> pcieThroughputKBps(PcieDirection direction) {
        return ifSupported(() -> lib().pcieThroughputKBps(handle, direction.value()));
    }

    /** PCIe replays since the driver loaded: link errors the hardware recovered from. */
    public Optional<Integer> pcieReplayCounter() {
        return ifSupported(() -> lib().pcieReplayCounter(handle));
    }

    /** Energy used since the driver loaded, millijoules (Volta and later): a counter, for rates. */
    public Optional<Long> energyMillijoules() {
        return ifSupported(() -> lib().energyMillijoules(handle));
    }

    public Optional<PowerLimits> powerLimitConstraints() {
        return ifSupported(() -> lib().powerLimitConstraints(handle));
    }

    /** Fans on the board; empty for passively cooled data-center boards. */
    public Optional<Integer> fanCount() {
        return ifSupported(() -> lib().fanCount(handle));
    }

    /** The intended speed of one fan, percent of its maximum (may exceed 100). */
    public Optional<Integer> fanSpeedPercent(int fan) {
        return ifSupported(() -> lib().fanSpeedPercent(handle, fan));
    }

    public Optional<Integer> temperatureThresholdCelsius(TemperatureThreshold threshold) {
        return ifSupported(() -> lib().temperatureThreshold(handle, threshold.value()));
    }

    public Optional<CodecUtilization> encoderUtilization() {
        return ifSupported(() -> lib().encoderUtilization(handle));
    }

    public Optional<CodecUtilization> decoderUtilization() {
        return ifSupported(() -> lib().decoderUtilization(handle));
    }

    /** Pages retired for one cause (Kepler to Volta; Ampere and later remap rows instead). */
    public Optional<List<RetiredPage>> retiredPages(RetirementCause cause) {
        return ifSupported(() -> lib().retiredPages(handle, cause.value()));
    }

    /** Whether retired pages wait for a reboot to be retired for good. */
    public Optional<Boolean> retiredPagesPending() {
        return ifSupported(() -> lib().retiredPagesPending(handle));
    }

    /** Row remapping counts (Ampere and later); empty with MIG enabled, where NVML does not report them. */
    public Optional<RemappedRows> remappedRows() {
        return ifSupported(() -> lib().remappedRows(handle));
    }

    // ---- topology ----

    /**
     * The closest common ancestor of this GPU and {@code other} on the PCIe tree
     * ({@code nvmlDeviceGetTopologyCommonAncestor}); empty where NVML does not report it.
     */
    public Optional<TopologyLevel> commonAncestor(NvmlDevice other) {
        return ifSupported(() -> TopologyLevel.of(lib().commonAncestor(handle, other.handle)));
    }

    /** {@code nvmlDeviceGetP2PStatus}: can this GPU reach {@code other} peer to peer in this way; empty where NVML does not say. */
    public Optional<P2pStatus> p2pStatus(NvmlDevice other, P2pCapability capability) {
        return ifSupported(() -> P2pStatus.of(lib().p2pStatus(handle, other.handle, capability.value())));
    }

    /**
     * The NVLinks of this GPU, active or not, each active one with the PCI function at its other
     * end; empty on a GPU without NVLink. Links are scanned from 0 until NVML says INVALID_ARGUMENT
     * (the maximum grew from 12 to 18 to 36 between drivers, so it is not hard-coded).
     */
    public List<NvLink> nvLinks() {
        List<NvLink> links = new ArrayList<>();
        for (int link = 0; link < MAX_NVLINKS; link++) {
            int l = link;
            Boolean active;
            try {
                active = ask(() -> lib().nvLinkActive(handle, l));
            } catch (NvmlException e) {
                if (e.is(NvmlReturn.INVALID_ARGUMENT) || e.is(NvmlReturn.NOT_SUPPORTED)) {
                    break;   // past the last link, or no NVLink at all
                }
                throw e;
            }
            Optional<PciInfo> remote = active ? ifSupported(() -> lib().nvLinkRemotePciInfo(handle, l)) : Optional.empty();
            links.add(new NvLink(link, active, remote));
        }
        return links;
    }

    /** A bound on the link scan, far above any NVML_NVLINK_MAX_LINKS so far. */
    private static final int MAX_NVLINKS = 64;

    // ---- events ----

    /** {@code nvmlDeviceGetSupportedEventTypes}: what this GPU can report to an {@link NvmlEventSet}. */
    public Set<NvmlEventType> supportedEventTypes() {
        return NvmlEventType.of(supportedEventMask());
    }

    /** The raw mask, with any bits {@link NvmlEventType} does not know yet. */
    public long supportedEventMask() {
        return ask(() -> lib().supportedEventTypes(handle));
    }

    MemorySegment handle() {
        return handle;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NvmlDevice d && d.session == session && d.handle.address() == handle.address();
    }

    @Override
    public int hashCode() {
        return Long.hashCode(handle.address());
    }

    @Override
    public String toString() {
        return (mig ? "NvmlDevice[MIG handle 0x" : "NvmlDevice[GPU handle 0x") + Long.toHexString(handle.address()) + "]";
    }
}
