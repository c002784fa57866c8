package dev.jaccel.nvml;

/** The range a power limit may be set in ({@code nvmlDeviceGetPowerManagementLimitConstraints}), milliwatts. */
public record PowerLimits(int minMilliwatts, int maxMilliwatts) {
}
