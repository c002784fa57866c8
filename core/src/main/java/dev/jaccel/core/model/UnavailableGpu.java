package dev.jaccel.core.model;

/**
 * A GPU the driver counts but will not open: {@code nvmlDeviceGetHandleByIndex} answers
 * GPU_IS_LOST (fallen off the bus, XID 79) or NO_PERMISSION. It is not among the inventory's
 * devices, so it is named wherever its absence changes what a request gets: {@code all} warns,
 * asking for its index is refused with the reason, and messages list the indices that do exist.
 *
 * @param index  its NVML index (the indices of the other GPUs do not move)
 * @param reason NVML's answer, e.g. {@code nvmlDeviceGetHandleByIndex_v2: GPU_IS_LOST (15): GPU is lost}
 */
public record UnavailableGpu(int index, String reason) {
}
