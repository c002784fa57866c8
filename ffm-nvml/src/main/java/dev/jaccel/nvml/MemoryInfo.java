package dev.jaccel.nvml;

/**
 * Device memory in bytes ({@code nvmlMemory_v2_t}; from the v1 struct {@code reserved} is 0 and
 * {@code used} includes it).
 */
public record MemoryInfo(long total, long reserved, long free, long used) {
}
