package dev.jaccel.nvml;

import java.util.Optional;
import java.util.Set;

/**
 * An event NVML delivered ({@code nvmlEventData_t}).
 *
 * @param device            the GPU it happened on (equal to the {@link NvmlDevice} it was registered with)
 * @param typeMask          the {@code nvmlEventType*} bit(s), raw
 * @param data              for an XID error the XID (999: unknown XID); 0 for other types
 * @param gpuInstanceId     the GPU instance an XID is attributable to, on a MIG-enabled GPU
 * @param computeInstanceId the compute instance an XID is attributable to
 */
public record NvmlEvent(NvmlDevice device, long typeMask, long data, Optional<Integer> gpuInstanceId,
                        Optional<Integer> computeInstanceId) {

    public Set<NvmlEventType> types() {
        return NvmlEventType.of(typeMask);
    }

    public boolean is(NvmlEventType type) {
        return (typeMask & type.mask()) != 0;
    }

    /** The XID of an XID critical error, empty for any other event. */
    public Optional<Long> xid() {
        return is(NvmlEventType.XID_CRITICAL_ERROR) ? Optional.of(data) : Optional.empty();
    }
}
