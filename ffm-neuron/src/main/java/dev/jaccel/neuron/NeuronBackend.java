package dev.jaccel.neuron;

import dev.jaccel.core.model.NeuronInventory;
import dev.jaccel.core.spi.AcceleratorBackend;
import dev.jaccel.core.spi.BackendUnavailableException;
import dev.jaccel.core.spi.HostContext;


/**
 * The AWS Neuron backend: devices from {@code /dev} and sysfs ({@link NeuronDiscovery}), the runtime
 * version from libnrt when it loads. It never calls {@code nrt_init}.
 */
public final class NeuronBackend implements AcceleratorBackend {
    @Override
    public String name() {
        return "neuron";
    }

    @Override
    public NeuronInventory discover(HostContext host) throws BackendUnavailableException {
        return NeuronHost.read(host, NeuronDiscovery.discover(host)).inventory();
    }
}
