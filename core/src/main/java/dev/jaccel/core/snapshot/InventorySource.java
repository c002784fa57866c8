package dev.jaccel.core.snapshot;

import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.spi.Inventories;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The inventory a container start plans with, for everything that must see what a container start
 * sees (the shim, the hooks, {@code jaccel plan}): the snapshot while it matches the host and can
 * be trusted ({@link InventorySnapshot#read}), else discovery through NVML and libnrt.
 *
 * @param inventory    what was read
 * @param snapshot     the snapshot file consulted
 * @param fromSnapshot whether {@code inventory} came from it
 */
public record InventorySource(Inventory inventory, Path snapshot, boolean fromSnapshot) {

    /** @param warnings why a snapshot that is there was not used */
    public static InventorySource read(Path snapshot, HostContext host, Consumer<String> warnings) {
        Optional<Inventory> fresh = InventorySnapshot.read(snapshot, host, warnings);
        return fresh.isPresent() ? new InventorySource(fresh.get(), snapshot, true)
                : new InventorySource(Inventories.discover(host), snapshot, false);
    }

    /** Where the inventory came from, in a few words for a note to the user. */
    public String describe() {
        return fromSnapshot ? "the inventory snapshot " + snapshot
                : "discovery (NVML, libnrt): no snapshot at " + snapshot + " that matches this host";
    }
}
