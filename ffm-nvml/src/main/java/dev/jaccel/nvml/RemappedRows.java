package dev.jaccel.nvml;

/**
 * Row remapping ({@code nvmlDeviceGetRemappedRows}, Ampere and later): rows remapped for
 * correctable and uncorrectable errors, whether a remapping waits for a GPU reset, and whether one
 * ever failed (the GPU should be serviced).
 */
public record RemappedRows(int correctable, int uncorrectable, boolean pending, boolean failed) {
}
