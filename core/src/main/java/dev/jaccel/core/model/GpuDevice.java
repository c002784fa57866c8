package dev.jaccel.core.model;

import java.util.List;

/**
 * One NVIDIA GPU. Fields the backend cannot know are {@code null}, never invented.
 *
 * @param index             NVML index (enumeration order; not the device-node minor)
 * @param uuid              {@code GPU-...} UUID; never null or blank: it is how selectors, plans and CDI
 *                          specs name the GPU
 * @param minor             minor number of {@code /dev/nvidia<minor>}
 * @param pciBusId          NVML spelling, e.g. {@code 00000000:18:00.0}
 * @param computeCapability e.g. {@code "9.0"}
 * @param deviceNodes       the GPU's own nodes ({@code /dev/nvidia<minor>})
 */
public record GpuDevice(int index, String uuid, String name, String brand, String architecture,
                        String computeCapability, Integer minor, String pciBusId, Long memoryTotalBytes,
                        Boolean migEnabled, List<MigDevice> migDevices, List<DeviceNode> deviceNodes) {
    public GpuDevice {
        Ids.require(uuid, "GPU " + index);
        migDevices = List.copyOf(migDevices);
        deviceNodes = List.copyOf(deviceNodes);
    }
}
