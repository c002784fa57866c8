package dev.jaccel.nvml;

/** ECC mode ({@code nvmlDeviceGetEccMode}): a change stays {@code pending} until the next reboot. */
public record EccMode(boolean current, boolean pending) {
}
