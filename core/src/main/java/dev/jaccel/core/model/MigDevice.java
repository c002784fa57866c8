package dev.jaccel.core.model;

import java.util.List;

/**
 * A MIG device (a compute instance inside a GPU instance) of a parent GPU.
 *
 * @param index             MIG index on the parent, dense from 0 (the {@code <mig>} of {@code <gpu>:<mig>})
 * @param uuid              {@code MIG-...} UUID; never null or blank
 * @param gpuInstanceId     GPU instance id, or {@code null} when unknown
 * @param computeInstanceId compute instance id, or {@code null} when unknown
 * @param memoryTotalBytes  memory of the MIG device, or {@code null} when unknown
 * @param capabilityNodes   {@code /dev/nvidia-caps/nvidia-cap<N>} nodes of the GPU and compute instance
 * @param profile           the MIG profile, e.g. {@code 1g.10gb}, or {@code null} when unknown
 */
public record MigDevice(int index, String uuid, Integer gpuInstanceId, Integer computeInstanceId,
                        Long memoryTotalBytes, List<DeviceNode> capabilityNodes, String profile) {
    public MigDevice {
        Ids.require(uuid, "MIG device " + index);
        capabilityNodes = List.copyOf(capabilityNodes);
    }

    /** A MIG device whose profile is unknown. */
    public MigDevice(int index, String uuid, Integer gpuInstanceId, Integer computeInstanceId,
                     Long memoryTotalBytes, List<DeviceNode> capabilityNodes) {
        this(index, uuid, gpuInstanceId, computeInstanceId, memoryTotalBytes, capabilityNodes, null);
    }
}
