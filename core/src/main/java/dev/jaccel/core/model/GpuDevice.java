package dev.jaccel.core.model;

import java.util.List;

/**
 * One NVIDIA GPU as discovery saw it: a record of facts, valid after the NVML session that read
 * them is closed, written to and read from the inventory snapshot and {@code jaccel devices --json}.
 * Fields the backend cannot know are {@code null}, never invented.
 *
 * @param index             NVML index (enumeration order; not the device-node minor)
 * @param uuid              {@code GPU-...} UUID; never null or blank: it is how selectors, plans and CDI
 *                          specs name the GPU
 * @param minor             minor number of {@code /dev/nvidia<minor>}
 * @param pciBusId          NVML spelling, e.g. {@code 00000000:18:00.0}
 * @param computeCapability e.g. {@code "9.0"}
 * @param deviceNodes       the GPU's own nodes ({@code /dev/nvidia<minor>})
 * @param numaNode          the NUMA node the GPU is attached to, or {@code null} when unknown
 * @param nvLinkPeers       the GPUs it reaches over NVLink; empty without NVLink, {@code null} when unknown
 */
public record GpuDevice(int index, String uuid, String name, String brand, String architecture,
                        String computeCapability, Integer minor, String pciBusId, Long memoryTotalBytes,
                        Boolean migEnabled, List<MigDevice> migDevices, List<DeviceNode> deviceNodes,
                        Integer numaNode, List<NvLinkPeer> nvLinkPeers) {
    public GpuDevice {
        Ids.require(uuid, "GPU " + index);
        migDevices = List.copyOf(migDevices);
        deviceNodes = List.copyOf(deviceNodes);
        nvLinkPeers = nvLinkPeers == null ? null : List.copyOf(nvLinkPeers);
    }

    /** A GPU without topology facts (NUMA node and NVLink peers unknown). */
    public GpuDevice(int index, String uuid, String name, String brand, String architecture,
                     String computeCapability, Integer minor, String pciBusId, Long memoryTotalBytes,
                     Boolean migEnabled, List<MigDevice> migDevices, List<DeviceNode> deviceNodes) {
        this(index, uuid, name, brand, architecture, computeCapability, minor, pciBusId, memoryTotalBytes,
                migEnabled, migDevices, deviceNodes, null, null);
    }
}
