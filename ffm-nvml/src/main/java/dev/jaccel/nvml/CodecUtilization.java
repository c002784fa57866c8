package dev.jaccel.nvml;

/**
 * Video encoder or decoder utilization ({@code nvmlDeviceGetEncoderUtilization} /
 * {@code nvmlDeviceGetDecoderUtilization}): percent busy over the driver's sampling period.
 */
public record CodecUtilization(int percent, int samplingPeriodMicros) {
}
