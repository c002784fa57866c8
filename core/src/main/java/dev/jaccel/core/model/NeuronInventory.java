package dev.jaccel.core.model;

import java.util.List;

/** What the Neuron backend knows about the host; {@code notes} explain fields left {@code null}. */
public record NeuronInventory(String driverVersion, String runtimeVersion, List<NeuronDevice> devices,
                              List<String> notes) implements VendorInventory {
    public NeuronInventory {
        devices = List.copyOf(devices);
        notes = List.copyOf(notes);
    }
}
