package dev.jaccel.nvml;

/** {@code nvmlUtilization_t}: percent of the last sample period the GPU and its memory were busy. */
public record Utilization(int gpuPercent, int memoryPercent) {
}
