package dev.jaccel.core.model;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PCI address, compared by value so that every spelling of it names the same GPU. Accepted: the
 * forms {@code nvmlDeviceGetHandleByPciBusId} takes, {@code domain:bus:device.function},
 * {@code domain:bus:device} and {@code bus:device.function}, in hex of any case and with or without
 * leading zeros (docs/nvml.md §4.1). They include every id libnvidia-container's
 * {@code select_devices} matches, which needs the domain and reads no function
 * (docs/nvidia-container-semantics.md §1.1). A missing domain or function is 0. Refused:
 * {@code bus:device} alone, which is a MIG index ({@code <gpu>:<mig>}), not a bus id.
 *
 * <p>Spellings (docs/nvml.md §8): NVML {@code 00000000:3B:00.0} ({@link #nvml}); sysfs and
 * {@code /proc/driver/nvidia/gpus} {@code 0000:3b:00.0} ({@link #sysfs}); libnvidia-container
 * {@code 00000000:3b:00.0} ({@link #toString}).
 */
public record PciBusId(long domain, int bus, int device, int function) {
    private static final Pattern SHAPE = Pattern.compile(
            "(?:([0-9a-fA-F]{1,8}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})(?:\\.([0-7]))?");

    /** The address {@code text} spells, or empty when it is not one of the accepted forms. */
    public static Optional<PciBusId> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = SHAPE.matcher(text.trim());
        if (!m.matches() || (m.group(1) == null && m.group(4) == null)) {
            return Optional.empty();
        }
        return Optional.of(new PciBusId(m.group(1) == null ? 0 : Long.parseLong(m.group(1), 16),
                Integer.parseInt(m.group(2), 16), Integer.parseInt(m.group(3), 16),
                m.group(4) == null ? 0 : Integer.parseInt(m.group(4))));
    }

    /** The NVML spelling of {@code text}, {@code 00000000:3B:00.0}. */
    public static String nvml(String text) {
        PciBusId b = parseOrThrow(text);
        return String.format(Locale.ROOT, "%08X:%02X:%02X.%X", b.domain, b.bus, b.device, b.function);
    }

    /** The sysfs spelling of {@code text}, {@code 0000:3b:00.0}. */
    public static String sysfs(String text) {
        PciBusId b = parseOrThrow(text);
        return String.format(Locale.ROOT, "%04x:%02x:%02x.%x", b.domain, b.bus, b.device, b.function);
    }

    /** Whether two spellings name the same function; {@code false} when either is not a bus id. */
    public static boolean same(String a, String b) {
        Optional<PciBusId> x = parse(a);
        return x.isPresent() && x.equals(parse(b));
    }

    private static PciBusId parseOrThrow(String text) {
        return parse(text).orElseThrow(() -> new IllegalArgumentException("not a PCI bus id: " + text));
    }

    /** libnvidia-container's spelling, {@code 00000000:3b:00.0}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%08x:%02x:%02x.%x", domain, bus, device, function);
    }
}
