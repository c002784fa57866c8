package dev.jaccel.core.model;

import java.util.Objects;

/**
 * A character device node as the host has it: the path a container sees and the major/minor
 * read from the host node with {@code stat} (never assumed: a containerised driver root may differ).
 *
 * @param path     absolute path as seen in the container, e.g. {@code /dev/nvidia3}
 * @param hostPath absolute path of the node on the host (under the host root); equals {@code path}
 *                 when the host root is {@code /}
 * @param major    device major number
 * @param minor    device minor number
 */
public record DeviceNode(String path, String hostPath, int major, int minor) {
    public DeviceNode {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(hostPath, "hostPath");
    }

    public static DeviceNode of(String path, int major, int minor) {
        return new DeviceNode(path, path, major, minor);
    }
}
