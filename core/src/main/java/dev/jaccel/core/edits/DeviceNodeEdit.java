package dev.jaccel.core.edits;

import java.util.Objects;

/**
 * A device node to create in the container, in the CDI {@code containerEdits.deviceNodes} shape.
 *
 * @param path     path inside the container
 * @param hostPath path of the node on the host (may differ under a driver root)
 * @param type     {@code "c"} for character devices
 */
public record DeviceNodeEdit(String path, String hostPath, String type, int major, int minor) {
    public static DeviceNodeEdit charDevice(String path, String hostPath, int major, int minor) {
        return new DeviceNodeEdit(path, hostPath, "c", major, minor);
    }

    // equals and hashCode written out: a record's generated ones bootstrap through invokedynamic
    // (java.lang.runtime.ObjectMethods), which costs tens of ms on first use in a short-lived JVM
    // such as a container start (docs/perf/README.md)
    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceNodeEdit n && major == n.major && minor == n.minor && path.equals(n.path)
                && Objects.equals(hostPath, n.hostPath) && Objects.equals(type, n.type);
    }

    @Override
    public int hashCode() {
        return (path.hashCode() * 31 + major) * 31 + minor;
    }
}
