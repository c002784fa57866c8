package dev.jaccel.core.plan;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.neuron.NeuronSelection;
import dev.jaccel.core.neuron.NeuronSelector;

import java.util.List;

/**
 * The Neuron building blocks of a plan and of a CDI spec. The major is dynamic and the minor is
 * the index, both taken from the inventory (docs/neuron-semantics.md §2.1). Which names
 * the container sees follows one policy, {@link NeuronDeviceNames}: host names by default, so that
 * the shim, the hooks, {@code jaccel plan} and the CDI specs give a request the same devices.
 */
public final class NeuronEdits {
    private NeuronEdits() {
    }

    /** The device under its host path: a CDI device, and every device under {@link NeuronDeviceNames#HOST}. */
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

    /**
     * What a container gets for a selection. {@link NeuronDeviceNames#HOST}: each device under its
     * host name, and the container's own {@code NEURON_RT_VISIBLE_CORES} (host-global ids) left as
     * it is. {@link NeuronDeviceNames#FROM_ZERO}: the devices as {@code /dev/neuron0..k-1} in host
     * order and, when cores were named, {@code NEURON_RT_VISIBLE_CORES} renumbered to match.
     */
    public static ContainerEdits forContainer(NeuronSelection selection, NeuronDeviceNames names) {
        ContainerEdits.Builder edits = ContainerEdits.builder();
        List<NeuronDevice> devices = selection.devices();
        for (int k = 0; k < devices.size(); k++) {
            NeuronDevice d = devices.get(k);
            edits.add(names == NeuronDeviceNames.HOST ? device(d) : device(d, k));
        }
        if (names == NeuronDeviceNames.FROM_ZERO && selection.visibleCores().isPresent()) {
            edits.add(new ContainerEdits(List.of(NeuronSelector.CORES + "=" + selection.visibleCores().get()),
                    List.of(), List.of(), List.of()));
        }
        return edits.build();
    }
}
