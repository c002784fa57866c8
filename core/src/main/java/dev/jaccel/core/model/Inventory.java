package dev.jaccel.core.model;

import java.util.List;

/**
 * Everything jaccel knows about a host. A backend that could not run leaves its half {@code null}
 * and says why in {@code errors}.
 */
public record Inventory(NvidiaInventory nvidia, NeuronInventory neuron, List<String> errors) {
    public Inventory {
        errors = List.copyOf(errors);
    }

    public static Inventory empty() {
        return new Inventory(null, null, List.of());
    }
}
