package dev.jaccel.hook.cli;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.UnavailableGpu;
import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.DriverFailure;
import dev.jaccel.core.spi.HostContext;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Writing the snapshot and telling the user about it, shared by {@code inventory refresh} and {@code cdi generate}. */
final class Snapshots {
    private Snapshots() {
    }

    static void write(Path file, Inventory inventory, HostContext host, String flag) {
        try {
            InventorySnapshot.write(file, inventory, host);
        } catch (UncheckedIOException e) {
            throw JaccelException.badInput(e.getMessage() + " (choose another file with " + flag + " or JACCEL_SNAPSHOT)");
        }
    }

    /**
     * Refuses to publish an inventory in which a vendor of {@code vendors} has its kernel module
     * loaded but could not be read ({@link DriverFailure}): exit 4, one line naming the failure and
     * {@code kept}, before anything is written.
     */
    static void requireUsableDrivers(Inventory inventory, HostContext host, Set<String> vendors, String kept) {
        List<DriverFailure> broken = DriverFailure.find(inventory, host, vendors);
        if (!broken.isEmpty()) {
            throw new JaccelException(ExitCode.DRIVER_UNAVAILABLE, broken.stream().map(DriverFailure::message)
                    .collect(Collectors.joining("; ")) + "; " + kept);
        }
    }

    static String describe(Inventory inventory) {
        String nvidia = inventory.nvidia() == null ? "no NVIDIA driver" : count(inventory.nvidia().devices().size(), "NVIDIA GPU");
        String neuron = inventory.neuron() == null ? "no Neuron driver" : count(inventory.neuron().devices().size(), "Neuron device");
        return nvidia + ", " + neuron;
    }

    /** Why a vendor is missing, and each GPU the driver counts but will not open (left out of what is written). */
    static void warn(Inventory inventory, PrintWriter err) {
        for (String e : inventory.errors()) {
            Diagnostics.warning(err, e);
        }
        if (inventory.nvidia() != null) {
            for (UnavailableGpu u : inventory.nvidia().unavailableGpus()) {
                Diagnostics.warning(err, "GPU " + u.index() + " is left out: the driver counts it but will not open it ("
                        + u.reason() + "); the other GPUs keep their indices");
            }
        }
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
