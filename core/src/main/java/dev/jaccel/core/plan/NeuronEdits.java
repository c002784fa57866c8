package dev.jaccel.core.plan;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.NeuronDevice;

import java.util.List;

/**
 * The Neuron building blocks of a plan and of a CDI spec: one device's node, either under its
 * host name ({@code /dev/neuron<N>}, for CDI devices named by index) or renumbered for a
 * container that sees its devices from 0. The major is dynamic and the minor is the index, both
 * taken from the inventory (docs/neuron-semantics.md §2.1).
 */
public final class NeuronEdits {
    private NeuronEdits() {
    }

    /** The device under its host path. */
    public static ContainerEdits device(NeuronDevice device) {
        return device(device, device.index());
    }

    /** The device seen in the container as {@code /dev/neuron<containerIndex>}. */
    public static ContainerEdits device(NeuronDevice device, int containerIndex) {
        DeviceNode n = device.deviceNode();
        if (n == null) {
            throw JaccelException.unsatisfied("neuron" + device.index() + " has no device node on this host");
        }
        DeviceNodeEdit edit = DeviceNodeEdit.charDevice("/dev/neuron" + containerIndex, n.hostPath(), n.major(),
                n.minor());
        return new ContainerEdits(List.of(), List.of(edit), List.of(), List.of());
    }
}
