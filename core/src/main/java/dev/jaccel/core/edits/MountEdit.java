package dev.jaccel.core.edits;

import java.util.List;

/** A bind mount of a host file into the container, in the CDI {@code containerEdits.mounts} shape. */
public record MountEdit(String hostPath, String containerPath, List<String> options) {
    /** Options jaccel uses for driver files: read-only, no set-uid, no devices. */
    public static final List<String> DRIVER_FILE_OPTIONS = List.of("ro", "nosuid", "nodev", "bind");

    public MountEdit {
        options = List.copyOf(options);
    }

    // equals and hashCode written out: a record's generated ones bootstrap through invokedynamic
    // (java.lang.runtime.ObjectMethods), which costs tens of ms on first use in a short-lived JVM
    // such as a container start (docs/perf/README.md)
    @Override
    public boolean equals(Object o) {
        return o instanceof MountEdit m && hostPath.equals(m.hostPath) && containerPath.equals(m.containerPath)
                && options.equals(m.options);
    }

    @Override
    public int hashCode() {
        return hostPath.hashCode() * 31 + containerPath.hashCode();
    }
}
