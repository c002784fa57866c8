package dev.jaccel.core.edits;

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
}
