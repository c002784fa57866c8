package dev.jaccel.core.spi;

import dev.jaccel.core.model.VendorInventory;

/**
 * A vendor backend, found with {@link java.util.ServiceLoader}; core knows no vendor library.
 * Implementations live in {@code ffm-nvml} and {@code ffm-neuron}.
 */
public interface AcceleratorBackend {

    /** {@code "nvidia"} or {@code "neuron"}: the key of this backend's half in the inventory. */
    String name();

    /**
     * Discovers the devices of this vendor on the host.
     *
     * @throws BackendUnavailableException with a one-line reason when the driver or library is missing
     */
    VendorInventory discover(HostContext host) throws BackendUnavailableException;
}
