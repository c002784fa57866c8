package dev.jaccel.deviceplugin.resources;

import java.util.List;
import java.util.Objects;

/**
 * One schedulable unit the plugin advertises on one resource.
 *
 * @param id       the kubelet-facing id (GPU/MIG UUID, {@code neuron<N>}, {@code neuroncore<C>})
 * @param kind     what the id stands for
 * @param selector what the container's selector names it by: the UUID, the Neuron device index or
 *                 the global core id
 * @param units    the physical units whose health is this device's health: a GPU's UUID; a MIG
 *                 device's parent UUID and its own; a Neuron device's or core's {@code neuron<N>}
 * @param device   the index of the physical device (GPU index, Neuron device index): what
 *                 topology is looked up by
 * @param numaNode the NUMA node, {@code null} when unknown (no TopologyInfo is sent then)
 */
public record PluginDevice(String id, DeviceKind kind, String selector, List<String> units, int device,
                           Integer numaNode) {
    public PluginDevice {
        Objects.requireNonNull(id, "id");
        units = List.copyOf(units);
    }
}
