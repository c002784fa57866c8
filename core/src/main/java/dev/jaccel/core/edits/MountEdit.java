package dev.jaccel.core.edits;

import java.util.List;

/** A bind mount of a host file into the container, in the CDI {@code containerEdits.mounts} shape. */
public record MountEdit(String hostPath, String containerPath, List<String> options) {
    /** Options jaccel uses for driver files: read-only, no set-uid, no devices. */
    public static final List<String> DRIVER_FILE_OPTIONS = List.of("ro", "nosuid", "nodev", "bind");

    public MountEdit {
        options = List.copyOf(options);
    }
}
