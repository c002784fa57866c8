package dev.jaccel.core.select;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PCI address, compared by value so that every spelling NVIDIA accepts names the same GPU: NVML's
 * {@code 00000000:18:00.0}, sysfs's {@code 0000:18:00.0}, {@code 18:00.0} without a domain, any
 * hex case (NVML {@code nvmlDeviceGetHandleByPciBusId}: "domain:bus:device.function in format
 * %x:%x:%x.%x" or "bus:device.function in format %x:%x.%x"; libnvidia-container normalises to
 * {@code %08x:%02x:%02x.0}).
 */
public record PciBusId(long domain, int bus, int device, int function) {
    private static final Pattern SHAPE = Pattern.compile(
            "(?:([0-9a-fA-F]{1,8}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\\.([0-7])");

    public static Optional<PciBusId> parse(String text) {
        Matcher m = SHAPE.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new PciBusId(m.group(1) == null ? 0 : Long.parseLong(m.group(1), 16),
                Integer.parseInt(m.group(2), 16), Integer.parseInt(m.group(3), 16), Integer.parseInt(m.group(4))));
    }

    /** Whether {@code text} has the shape of a bus id (so an unknown one is "unknown", not "malformed"). */
    public static boolean looksLike(String text) {
        return SHAPE.matcher(text).matches();
    }

    @Override
    public String toString() {
        return String.format("%08x:%02x:%02x.%x", domain, bus, device, function);
    }
}
