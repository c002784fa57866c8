package dev.jaccel.core.model;

/** The half of an {@link Inventory} one backend produces. */
public sealed interface VendorInventory permits NvidiaInventory, NeuronInventory {
}
