package dev.jaccel.core.spi;

import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.NeuronInventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.model.VendorInventory;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Runs every backend on the class path and joins what they find into one {@link Inventory}. */
public final class Inventories {
    private Inventories() {
    }

    public static Inventory discover(HostContext host) {
        List<AcceleratorBackend> backends = new ArrayList<>();
        ServiceLoader.load(AcceleratorBackend.class).forEach(backends::add);
        return discover(host, backends);
    }

    public static Inventory discover(HostContext host, List<AcceleratorBackend> backends) {
        NvidiaInventory nvidia = null;
        NeuronInventory neuron = null;
        List<String> errors = new ArrayList<>();
        for (AcceleratorBackend backend : backends) {
            try {
                VendorInventory found = backend.discover(host);
                // instanceof, not a pattern switch: see GpuResolver.resolve
                if (found instanceof NvidiaInventory n) {
                    nvidia = n;
                } else if (found instanceof NeuronInventory n) {
                    neuron = n;
                }
            } catch (BackendUnavailableException e) {
                errors.add(backend.name() + ": " + e.getMessage());
            }
        }
        return new Inventory(nvidia, neuron, errors);
    }
}
