package dev.jaccel.hook.cli;

import dev.jaccel.core.Invocation;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.spi.Inventories;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** {@code jaccel inventory refresh}: the snapshot container starts read instead of NVML and libnrt. */
@Command(name = "inventory", mixinStandardHelpOptions = true, description = "Manage the inventory snapshot read at container start.",
        subcommands = {InventoryCommand.Refresh.class})
public final class InventoryCommand extends CommandGroup {
    @Command(name = "refresh", mixinStandardHelpOptions = true, description = {
            "Discover the devices (NVML, libnrt) and write the inventory snapshot with a fingerprint of the host;",
            "also make the /dev/char links of the device nodes (see jaccel system create-dev-char-symlinks).",
            "Container starts use the snapshot while the driver versions and /dev/nvidia*, /dev/neuron* nodes match.",
            "A vendor whose kernel module is loaded but whose driver cannot be read (NVML fails) exits 4 and",
            "leaves the existing snapshot as it is."})
    public static final class Refresh implements Runnable {
        private final Invocation invocation;

        public Refresh(Invocation invocation) {
            this.invocation = invocation;
        }

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        HostOptions hostOptions;

        @Option(names = "--output", paramLabel = "FILE",
                description = "Snapshot file (default: $JACCEL_SNAPSHOT, else the configuration's inventory.snapshot, "
                        + "/var/lib/jaccel/inventory.json unless set).")
        Path output;

        @Override
        public void run() {
            Map<String, String> env = invocation.env();
            HostContext host = hostOptions.resolve(env);
            Path file = output != null ? output : hostOptions.config(env).snapshotPath(env);
            Inventory inventory = Inventories.discover(host);
            Snapshots.requireUsableDrivers(inventory, host, Set.of("nvidia", "neuron"),
                    "nothing was written: the existing snapshot is kept");
            Snapshots.write(file, inventory, host, "--output");
            PrintWriter out = spec.commandLine().getOut();
            out.println("wrote " + file + " (" + Snapshots.describe(inventory) + ")");
            Snapshots.warn(inventory, spec.commandLine().getErr());
            DevCharLinks.createQuietly(inventory, host, out, spec.commandLine().getErr());
        }
    }
}
