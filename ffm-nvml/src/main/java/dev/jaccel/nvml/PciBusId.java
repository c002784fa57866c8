package dev.jaccel.nvml;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PCI bus-id spellings (docs/nvml.md §8): NVML {@code 00000000:3B:00.0}, legacy {@code 0000:3B:00.0},
 * sysfs and {@code /proc/driver/nvidia/gpus} {@code 0000:3b:00.0}, and the short {@code 3b:00.0}.
 */
public final class PciBusId {
    private static final Pattern BDF = Pattern.compile(
            "(?:([0-9a-fA-F]{1,8}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})(?:\\.([0-7]))?");

    private PciBusId() {
    }

    /** domain, bus, device, function of any accepted spelling, or empty when it is not one. */
    public static Optional<int[]> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        Matcher m = BDF.matcher(s.trim());
        if (!m.matches() || (m.group(1) == null && m.group(4) == null)) {
            return Optional.empty();
        }
        int domain = m.group(1) == null ? 0 : (int) Long.parseLong(m.group(1), 16);
        int function = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
        return Optional.of(new int[] {domain, Integer.parseInt(m.group(2), 16), Integer.parseInt(m.group(3), 16),
                function});
    }

    /** The NVML spelling, {@code 00000000:3B:00.0}. */
    public static String nvml(String s) {
        int[] b = parse(s).orElseThrow(() -> new IllegalArgumentException("not a PCI bus id: " + s));
        return String.format(Locale.ROOT, "%08X:%02X:%02X.%X", b[0], b[1], b[2], b[3]);
    }

    /** The sysfs spelling, {@code 0000:3b:00.0}. */
    public static String sysfs(String s) {
        int[] b = parse(s).orElseThrow(() -> new IllegalArgumentException("not a PCI bus id: " + s));
        return String.format(Locale.ROOT, "%04x:%02x:%02x.%x", b[0], b[1], b[2], b[3]);
    }

    /** Whether two spellings name the same function. */
    public static boolean same(String a, String b) {
        Optional<int[]> x = parse(a);
        Optional<int[]> y = parse(b);
        return x.isPresent() && y.isPresent() && java.util.Arrays.equals(x.get(), y.get());
    }
}
