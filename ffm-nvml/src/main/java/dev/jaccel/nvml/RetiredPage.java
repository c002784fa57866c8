package dev.jaccel.nvml;

import java.util.Optional;

/**
 * A retired framebuffer page ({@code nvmlDeviceGetRetiredPages_v2}): the hardware address (as in
 * XID 63 messages, not a CUDA address) and when it was retired, in seconds since the epoch; the
 * time is empty from a driver without the {@code _v2} call.
 */
public record RetiredPage(long address, Optional<Long> retiredAtEpochSeconds) {
}
