package dev.jaccel.deviceplugin.health;

/**
 * One critical-XID event as NVML reports it ({@code nvmlEventData_t} of an
 * {@code nvmlEventTypeXidCriticalError} event).
 *
 * @param gpuUuid           the GPU the event came from
 * @param xid               the XID ({@code eventData})
 * @param gpuInstanceId     the GPU instance it concerns, {@code null} for the whole GPU
 * @param computeInstanceId the compute instance it concerns, {@code null} for the whole GPU
 */
public record XidEvent(String gpuUuid, long xid, Integer gpuInstanceId, Integer computeInstanceId) {
}
