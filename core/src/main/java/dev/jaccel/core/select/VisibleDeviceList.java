package dev.jaccel.core.select;

import java.util.List;

/**
 * A device list and where it came from, so that messages can name the input.
 *
 * @param origin  {@code NVIDIA_VISIBLE_DEVICES}, {@code annotations}, {@code volume mounts}, ...
 * @param entries the raw entries (CDI names from annotations and mounts are still qualified)
 */
public record VisibleDeviceList(String origin, List<String> entries) {
    public VisibleDeviceList {
        entries = List.copyOf(entries);
    }
}
