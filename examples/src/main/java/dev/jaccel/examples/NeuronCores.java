package dev.jaccel.examples;

import dev.jaccel.api.Jaccel;
import dev.jaccel.neuron.NeuronCoreStats;
import dev.jaccel.neuron.NeuronHost;

/**
 * What a service on an Inferentia or Trainium host can know without owning NeuronCores (no
 * nrt_init): versions, the logical core config, and the driver's per-core counters from sysfs.
 */
public final class NeuronCores {
    private NeuronCores() {
    }

    public static void main(String[] args) {
        try (Jaccel jaccel = Jaccel.openNeuron()) {
            NeuronHost neuron = jaccel.neuron();
            System.out.println("driver " + neuron.driverVersion().map(String::valueOf).orElse("?") + ", runtime "
                    + neuron.runtimeVersion().map(String::valueOf).orElse("?") + ", LNC "
                    + neuron.logicalCoreConfig().map(String::valueOf).orElse("default"));
            neuron.devices().forEach(d -> System.out.println("neuron" + d.index() + ": " + d.logicalCoreCount()
                    + " logical cores " + d.coreIds()));
            for (NeuronCoreStats c : neuron.coreStats()) {
                c.deviceMemoryBytes().ifPresent(bytes ->
                        System.out.println("neuron" + c.device() + " core " + c.core() + ": " + bytes + " bytes in use"));
            }
        }
    }
}
