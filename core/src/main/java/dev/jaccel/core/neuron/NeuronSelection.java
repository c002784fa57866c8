package dev.jaccel.core.neuron;

import dev.jaccel.core.model.NeuronDevice;

import java.util.List;
import java.util.Optional;

/**
 * The Neuron devices a request resolved to, in host order (under the {@code from-zero} numbering
 * the container sees them as {@code /dev/neuron0..k-1} in this order).
 *
 * @param visibleCores the {@code NEURON_RT_VISIBLE_CORES} value for a container that sees its
 *                     devices from 0 (renumbered to them), empty when the request named no cores
 */
public record NeuronSelection(List<NeuronDevice> devices, Optional<String> visibleCores) {
    public static final NeuronSelection EMPTY = new NeuronSelection(List.of(), Optional.empty());

    public NeuronSelection {
        devices = List.copyOf(devices);
    }

    public boolean isEmpty() {
        return devices.isEmpty();
    }

    /** {@code neuron<N>} with host indices: the {@code selected} of a plan. */
    public List<String> ids() {
        return devices.stream().map(d -> "neuron" + d.index()).toList();
    }
}
