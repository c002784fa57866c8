package dev.jaccel.core.plan;

import java.util.Locale;
import java.util.Optional;

/**
 * How a container sees the Neuron devices it gets: one policy for every path (runtime shim, hooks,
 * {@code jaccel plan}, CDI specs), set by {@code neuron.device-numbering} in the configuration.
 */
public enum NeuronDeviceNames {
    /**
     * The default: {@code /dev/neuron12} stays {@code /dev/neuron12} and the container's
     * {@code NEURON_RT_VISIBLE_CORES} keeps its host-global core ids, as in AWS's Docker
     * instructions ({@code docker run --device=/dev/neuron12 --env NEURON_RT_VISIBLE_CORES=51,52},
     * aws-neuron-sdk {@code deploy/tutorials/build-run-container.rst}) and in static CDI specs.
     */
    HOST,
    /**
     * Opt-in: the devices appear as {@code /dev/neuron0..k-1} in host order and
     * {@code NEURON_RT_VISIBLE_CORES} is rewritten to match (cores counted from 0 on the first
     * device). A static CDI spec cannot renumber, so CDI devices keep host names either way.
     */
    FROM_ZERO;

    /** The configuration file's spelling: {@code host}, {@code from-zero}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<NeuronDeviceNames> of(String key) {
        for (NeuronDeviceNames n : values()) {
            if (n.key().equals(key)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }
}
