package dev.jaccel.hook.cli;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.HostContext;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

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

    static String describe(Inventory inventory) {
        String nvidia = inventory.nvidia() == null ? "no NVIDIA driver" : count(inventory.nvidia().devices().size(), "NVIDIA GPU");
        String neuron = inventory.neuron() == null ? "no Neuron driver" : count(inventory.neuron().devices().size(), "Neuron device");
        return nvidia + ", " + neuron;
    }

    static void warn(Inventory inventory, PrintWriter err) {
        for (String e : inventory.errors()) {
            Diagnostics.warning(err, e);
        }
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
