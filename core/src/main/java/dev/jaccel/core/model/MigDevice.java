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
 */
public record MigDevice(int index, String uuid, Integer gpuInstanceId, Integer computeInstanceId,
                        Long memoryTotalBytes, List<DeviceNode> capabilityNodes) {
    public MigDevice {
        Ids.require(uuid, "MIG device " + index);
        capabilityNodes = List.copyOf(capabilityNodes);
    }
}
