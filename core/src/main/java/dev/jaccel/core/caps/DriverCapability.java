package dev.jaccel.core.caps;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.Messages;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The values of {@code NVIDIA_DRIVER_CAPABILITIES}, in NVIDIA's sorted order
 * (nvidia-container-toolkit {@code internal/config/image/capabilities.go}; docs/nvidia-container-semantics.md §1.4).
 */
public enum DriverCapability {
    COMPAT32, COMPUTE, DISPLAY, GRAPHICS, NGX, UTILITY, VIDEO;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code compat32,compute,...} in this enum's (sorted) order. */
    public static String join(Set<DriverCapability> caps) {
        return caps.stream().map(DriverCapability::key).collect(Collectors.joining(","));
    }

    /**
     * A comma list of names or {@code all}, for the {@code supported-driver-capabilities} setting.
     *
     * @throws JaccelException exit 2 naming an unknown capability and the source
     */
    public static Set<DriverCapability> parseSupported(String value, String source) {
        EnumSet<DriverCapability> out = EnumSet.noneOf(DriverCapability.class);
        for (String part : value.split(",")) {
            String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (name.equals("all")) {
                return EnumSet.allOf(DriverCapability.class);
            }
            out.add(of(name).orElseThrow(() -> unknown(source, name)));
        }
        return out;
    }

    /** The capability spelled exactly {@code name} (NVIDIA's names are lower case). */
    public static Optional<DriverCapability> of(String name) {
        for (DriverCapability c : values()) {
            if (c.key().equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    static JaccelException unknown(String source, String name) {
        return JaccelException.badInput(source + ": unknown driver capability " + Messages.quote(name)
                + " (known: compat32, compute, display, graphics, ngx, utility, video, all)");
    }
}
