package dev.jaccel.core.snapshot;

import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.spi.Inventories;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The inventory a container start plans with, for everything that must see what a container start
 * sees (the shim, the hooks, {@code jaccel plan}): the snapshot while it still matches the host
 * ({@link InventorySnapshot#readIfFresh}), else discovery through NVML and libnrt.
 *
 * @param inventory    what was read
 * @param snapshot     the snapshot file consulted ({@code JACCEL_SNAPSHOT}, else the default path)
 * @param fromSnapshot whether {@code inventory} came from it
 */
public record InventorySource(Inventory inventory, Path snapshot, boolean fromSnapshot) {

    public static InventorySource forContainers(HostContext host) {
        Path file = InventorySnapshot.defaultPath(host.env());
        Optional<Inventory> fresh = InventorySnapshot.readIfFresh(file, host);
        return fresh.map(i -> new InventorySource(i, file, true))
                .orElseGet(() -> new InventorySource(Inventories.discover(host), file, false));
    }

    /** Where the inventory came from, in a few words for a note to the user. */
    public String describe() {
        return fromSnapshot ? "the inventory snapshot " + snapshot
                : "discovery (NVML, libnrt): no snapshot at " + snapshot + " that matches this host";
    }
}
