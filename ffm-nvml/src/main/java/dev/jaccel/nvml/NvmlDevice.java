package dev.jaccel.nvml;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A GPU or MIG device handle of an open {@link NvmlSession}. Getters for facts a board may not
 * have (serial, temperature, ...) return an empty Optional when NVML says NOT_SUPPORTED; every
 * other failure is an {@link NvmlException}. Two instances are equal when NVML gave the same
 * handle in the same session (handles are compared by value, never dereferenced).
 */
public final class NvmlDevice {
    private final NvmlSession session;
    private final long handle;
    private final boolean mig;

    NvmlDevice(NvmlSession session, long handle, boolean mig) {
        this.session = session;
        this.handle = handle;
        this.mig = mig;
    }

    private NvmlLibrary lib() {
        return session.library();
    }

    private <T> Optional<T> ifSupported(NvmlSession.Call<T> call) throws NvmlException {
        try {
            return Optional.of(session.call(call));
        } catch (NvmlException e) {
            if (e.is(NvmlReturn.NOT_SUPPORTED)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static OptionalInt toInt(Optional<Integer> v) {
        return v.map(OptionalInt::of).orElseGet(OptionalInt::empty);
    }

    /** Whether this is a MIG device handle. */
    public boolean isMig() {
        return mig;
    }

    /** The NVML index; for a MIG device its index under the parent GPU. */
    public int index() throws NvmlException {
        return session.call(() -> lib().index(handle));
    }

    public String uuid() throws NvmlException {
        return session.call(() -> lib().uuid(handle));
    }

    public String name() throws NvmlException {
        return session.call(() -> lib().name(handle));
    }

    /** The board serial; empty on boards without an inforom (GeForce). */
    public Optional<String> serial() throws NvmlException {
        return ifSupported(() -> lib().serial(handle));
    }

    /** The minor of {@code /dev/nvidia<minor>} (not the index); empty where NVML does not know it. */
    public OptionalInt minorNumber() throws NvmlException {
        return toInt(ifSupported(() -> lib().minorNumber(handle)));
    }

    public PciInfo pciInfo() throws NvmlException {
        return session.call(() -> lib().pciInfo(handle));
    }

    /** Memory of the GPU, or of the MIG instance for a MIG handle; empty where NVML has no figure (iGPU). */
    public Optional<MemoryInfo> memory() throws NvmlException {
        return ifSupported(() -> lib().memoryInfo(handle));
    }

    public ComputeCapability computeCapability() throws NvmlException {
        return session.call(() -> lib().computeCapability(handle));
    }

    public Architecture architecture() throws NvmlException {
        return Architecture.of(session.call(() -> lib().architecture(handle)));
    }

    /** The raw {@code nvmlDeviceArchitecture_t}, for values {@link Architecture} does not know yet. */
    public int architectureValue() throws NvmlException {
        return session.call(() -> lib().architecture(handle));
    }

    public Brand brand() throws NvmlException {
        return Brand.of(session.call(() -> lib().brand(handle)));
    }

    public Optional<Boolean> persistenceMode() throws NvmlException {
        return ifSupported(() -> lib().persistenceMode(handle));
    }

    public OptionalInt temperatureCelsius() throws NvmlException {
        return toInt(ifSupported(() -> lib().temperatureCelsius(handle)));
    }

    public OptionalInt powerUsageMilliwatts() throws NvmlException {
        return toInt(ifSupported(() -> lib().powerUsageMilliwatts(handle)));
    }

    public OptionalInt powerLimitMilliwatts() throws NvmlException {
        return toInt(ifSupported(() -> lib().powerLimitMilliwatts(handle)));
    }

    /** Empty on MIG-enabled GPUs, where NVML does not report it. */
    public Optional<Utilization> utilization() throws NvmlException {
        return ifSupported(() -> lib().utilization(handle));
    }

    /** The NUMA node where the GPU is one (coherent platforms); empty elsewhere. */
    public OptionalInt numaNode() throws NvmlException {
        return toInt(ifSupported(() -> lib().numaNode(handle)));
    }

    public List<ProcessInfo> computeProcesses() throws NvmlException {
        return session.call(() -> lib().computeProcesses(handle));
    }

    /** MIG mode; empty on GPUs without MIG. */
    public Optional<MigMode> migMode() throws NvmlException {
        return ifSupported(() -> lib().migMode(handle));
    }

    /** 0 when MIG is off or unsupported. */
    public int maxMigDeviceCount() throws NvmlException {
        return session.call(() -> lib().maxMigDeviceCount(handle));
    }

    /**
     * The MIG devices of this GPU in index order. Indices may be sparse, so like go-nvlib a
     * NOT_FOUND or INVALID_ARGUMENT index is skipped rather than ending the walk.
     */
    public List<NvmlDevice> migDevices() throws NvmlException {
        if (mig || !migMode().map(MigMode::current).orElse(false)) {
            return List.of();
        }
        int max = maxMigDeviceCount();
        List<NvmlDevice> out = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            int index = i;
            try {
                out.add(new NvmlDevice(session, session.call(() -> lib().migHandleByIndex(handle, index)), true));
            } catch (NvmlException e) {
                if (!(e.is(NvmlReturn.NOT_FOUND) || e.is(NvmlReturn.INVALID_ARGUMENT))) {
                    throw e;
                }
            }
        }
        return out;
    }

    /** Asks NVML whether this handle is a MIG device ({@code nvmlDeviceIsMigDeviceHandle}). */
    public boolean isMigDeviceHandle() throws NvmlException {
        return session.call(() -> lib().isMigHandle(handle));
    }

    public int gpuInstanceId() throws NvmlException {
        return session.call(() -> lib().gpuInstanceId(handle));
    }

    public int computeInstanceId() throws NvmlException {
        return session.call(() -> lib().computeInstanceId(handle));
    }

    /** The parent GPU of a MIG device. */
    public NvmlDevice parent() throws NvmlException {
        return new NvmlDevice(session, session.call(() -> lib().parentOfMig(handle)), false);
    }

    long handle() {
        return handle;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NvmlDevice d && d.session == session && d.handle == handle;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(handle);
    }

    @Override
    public String toString() {
        return (mig ? "NvmlDevice[MIG handle 0x" : "NvmlDevice[GPU handle 0x") + Long.toHexString(handle) + "]";
    }
}
