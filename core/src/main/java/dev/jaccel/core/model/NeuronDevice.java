package dev.jaccel.core.model;

import java.util.List;

/**
 * One Neuron device ({@code /dev/neuron<index>}).
 *
 * @param coreCount        physical NeuronCores on the device, or {@code null} when unreadable
 * @param logicalCoreCount NeuronCores as the runtime numbers them under the logical-core config
 * @param coreIds          global logical core ids: {@code index * logicalCoreCount + local}
 * @param connectedTo      indices of devices linked to this one
 */
public record NeuronDevice(int index, Integer coreCount, Integer logicalCoreCount, List<Integer> coreIds,
                           List<Integer> connectedTo, String architecture, String instanceType,
                           String deviceName, String serial, DeviceNode deviceNode) {
    public NeuronDevice {
        coreIds = List.copyOf(coreIds);
        connectedTo = List.copyOf(connectedTo);
    }
}
