package dev.jaccel.hook.cli;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.plan.ContainerPlanning;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.Invocation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code jaccel system ...}: host set-up that the container path relies on. */
@Command(name = "system", mixinStandardHelpOptions = true, description = "Host set-up for containers with accelerators.",
        subcommands = {SystemCommand.CreateDevCharSymlinks.class})
public final class SystemCommand extends CommandGroup {

    @Command(name = "create-dev-char-symlinks", mixinStandardHelpOptions = true, description = {
            "Create /dev/char/<major>:<minor> links to every NVIDIA and Neuron device node jaccel injects.",
            "runc's systemd cgroup driver names devices by these links in a container's systemd unit; where one",
            "is missing, `systemctl daemon-reload` takes the device away from running containers",
            "(NVIDIA/nvidia-container-toolkit#48). inventory refresh and cdi generate make them too.",
            "Devices come from the inventory snapshot while it matches the host, else from discovery."},
            footer = {"", "Exit codes: 0 every link is there; 2 a link could not be made (e.g. not root)."})
    public static final class CreateDevCharSymlinks implements Runnable {
        private final Invocation invocation;

        public CreateDevCharSymlinks(Invocation invocation) {
            this.invocation = invocation;
        }

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        HostOptions hostOptions;

        @Option(names = "--inventory", paramLabel = "FILE",
                description = "Take the devices from this inventory (`jaccel devices --json` or a snapshot).")
        Path inventoryFile;

        @Option(names = "--dry-run", description = "Say what would be created; change nothing.")
        boolean dryRun;

        @Override
        public void run() {
            Map<String, String> env = invocation.env();
            HostContext host = hostOptions.resolve(env);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Inventory inventory = inventoryFile != null ? InventoryFile.read(inventoryFile)
                    : ContainerPlanning.inventory(hostOptions.config(env).snapshotPath(env), host,
                            w -> Diagnostics.warning(err, w));
            List<DevCharLinks.Result> results;
            try {
                results = DevCharLinks.create(inventory, host, dryRun);
            } catch (IOException e) {
                throw JaccelException.badInput("cannot make the links under " + host.host("/dev/char") + ": "
                        + e.getMessage() + " (run as root)");
            }
            int present = 0;
            for (DevCharLinks.Result r : results) {
                String verb = dryRun ? "would create " : "created ";
                switch (r.outcome()) {
                    case CREATED -> out.println(verb + r.link() + " -> " + r.detail());
                    case REPLACED -> out.println((dryRun ? "would replace " : "replaced ") + r.link() + " -> " + r.detail());
                    case SKIPPED -> Diagnostics.warning(err, r.link() + " not made: " + r.detail());
                    case PRESENT -> present++;
                }
            }
            out.println(results.size() + " device nodes, " + present + " links already present");
            out.flush();
        }
    }
}
