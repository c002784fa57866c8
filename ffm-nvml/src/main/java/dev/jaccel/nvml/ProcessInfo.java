package dev.jaccel.nvml;

import java.util.Optional;

/**
 * A process with a compute context on a device ({@code nvmlProcessInfo_t}). Memory is empty when
 * the driver reports {@code NVML_VALUE_NOT_AVAILABLE}; instance ids are empty without MIG.
 */
public record ProcessInfo(int pid, Optional<Long> usedGpuMemory, Optional<Integer> gpuInstanceId,
                          Optional<Integer> computeInstanceId) {
}
