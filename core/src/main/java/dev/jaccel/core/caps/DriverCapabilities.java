package dev.jaccel.core.caps;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.Messages;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code NVIDIA_DRIVER_CAPABILITIES} with NVIDIA's rules (docs/nvidia-container-semantics.md §1.3, §1.4): unset or
 * empty means {@code compute,utility}, except that a legacy image with the variable unset gets
 * every supported capability; {@code all} means every supported capability; entries are trimmed and
 * empty ones skipped. An unknown name, or one the configuration does not support, stops the
 * container.
 */
public final class DriverCapabilities {
    public static final String VARIABLE = "NVIDIA_DRIVER_CAPABILITIES";
    public static final Set<DriverCapability> DEFAULT =
            EnumSet.of(DriverCapability.COMPUTE, DriverCapability.UTILITY);

    private DriverCapabilities() {
    }

    /**
     * @throws JaccelException exit 2 naming the unknown or unsupported capability
     */
    public static Set<DriverCapability> fromEnv(Map<String, String> env, boolean legacyImage,
                                                Set<DriverCapability> supported) {
        String value = env.get(VARIABLE);
        if (value == null && legacyImage) {
            return copy(supported);
        }
        if (value == null || value.isBlank()) {
            EnumSet<DriverCapability> d = EnumSet.copyOf(DEFAULT);
            d.retainAll(supported);
            return d;
        }
        Set<DriverCapability> asked = DriverCapability.parseSupported(value, VARIABLE + "=" + Messages.quote(value));
        if (Arrays.stream(value.split(",")).map(String::trim).anyMatch("all"::equals)) {
            return copy(supported); // 'all' means all the configuration supports
        }
        if (!supported.containsAll(asked)) {
            throw JaccelException.badInput("unsupported capabilities found in " + Messages.quote(value) + " (allowed '"
                    + DriverCapability.join(supported) + "'): change " + VARIABLE
                    + " or the supported-driver-capabilities setting");
        }
        return asked;
    }

    /** video needs the compute libraries (libnvidia-container {@code src/options.h}). */
    public static boolean needsComputeLibraries(Set<DriverCapability> caps) {
        return caps.contains(DriverCapability.COMPUTE) || caps.contains(DriverCapability.VIDEO);
    }

    /** display needs the graphics libraries (libnvidia-container {@code src/options.h}). */
    public static boolean needsGraphicsLibraries(Set<DriverCapability> caps) {
        return caps.contains(DriverCapability.GRAPHICS) || caps.contains(DriverCapability.DISPLAY);
    }

    private static Set<DriverCapability> copy(Set<DriverCapability> s) {
        return s.isEmpty() ? EnumSet.noneOf(DriverCapability.class) : EnumSet.copyOf(s);
    }
}
