package dev.jaccel.core.cdi;

import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.HookEdit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One CDI spec file: a kind ({@code vendor/class}), its named devices with the edits each one
 * brings, and edits every device of the kind shares (cncf-tags/container-device-interface SPEC.md).
 * Devices keep their order.
 *
 * @param cdiVersion the lowest CDI version that can express the content ({@link #minimumVersion})
 */
public record CdiSpec(String cdiVersion, String kind, Map<String, ContainerEdits> devices, ContainerEdits common) {
    // container-device-interface pkg/parser/parser.go: vendor is a DNS-like name, class and device names
    // are alphanumerics with - _ . (: for names)
    private static final Pattern KIND = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?/[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?");
    private static final Pattern DEVICE_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9_.:-]*[A-Za-z0-9])?");

    public CdiSpec {
        Objects.requireNonNull(cdiVersion, "cdiVersion");
        Objects.requireNonNull(common, "common");
        if (!KIND.matcher(kind).matches()) {
            throw new IllegalArgumentException("CDI kind must be vendor/class, got " + kind);
        }
        devices = Collections.unmodifiableMap(new LinkedHashMap<>(devices));
        for (Map.Entry<String, ContainerEdits> d : devices.entrySet()) {
            if (!DEVICE_NAME.matcher(d.getKey()).matches()) {
                throw new IllegalArgumentException("invalid CDI device name " + d.getKey());
            }
            // CDI refuses a device without edits (container-device-interface pkg/cdi/device.go)
            if (d.getValue().isEmpty()) {
                throw new IllegalArgumentException("CDI device " + d.getKey() + " has no edits");
            }
            requireExplicitHookEnv(d.getValue());
        }
        requireExplicitHookEnv(common);
    }

    /** A spec at the lowest CDI version its content needs. */
    public static CdiSpec of(String kind, Map<String, ContainerEdits> devices, ContainerEdits common) {
        return new CdiSpec(minimumVersion(devices, common), kind, devices, common);
    }

    /**
     * The lowest version that can express the spec, as nvidia-ctk sets it
     * (nvidia-container-toolkit pkg/nvcdi/spec/set-minimum-version.go; container-device-interface
     * specs-go/version.go): a device node with a
     * {@code hostPath} or a device name starting with a digit needs 0.5.0; jaccel uses nothing
     * newer (no annotations, additionalGids, intelRdt or netDevices).
     */
    static String minimumVersion(Map<String, ContainerEdits> devices, ContainerEdits common) {
        boolean hostPaths = common.deviceNodes().stream().anyMatch(n -> n.hostPath() != null)
                || devices.values().stream().flatMap(e -> e.deviceNodes().stream()).anyMatch(n -> n.hostPath() != null);
        boolean digitNames = devices.keySet().stream().anyMatch(n -> !n.isEmpty() && Character.isDigit(n.charAt(0)));
        return hostPaths || digitNames ? "0.5.0" : "0.3.0";
    }

    /** Never emit a hook that inherits the container's environment (CVE-2025-23266, nvidia-container-toolkit internal/edits/hook.go). */
    private static void requireExplicitHookEnv(ContainerEdits edits) {
        for (HookEdit hook : edits.hooks()) {
            if (hook.env().isEmpty()) {
                throw new IllegalArgumentException("hook " + hook.path() + " needs an explicit env");
            }
        }
    }
}
