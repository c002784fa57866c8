package dev.jaccel.hook.cli;

import dev.jaccel.core.Invocation;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.Messages;
import dev.jaccel.core.edits.Plan;
import dev.jaccel.core.json.JsonTree;
import dev.jaccel.core.oci.OciSpec;
import dev.jaccel.core.json.PlanJson;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.plan.ContainerRequest;
import dev.jaccel.core.plan.DefaultPlanner;
import dev.jaccel.core.plan.PlanConfig;
import dev.jaccel.core.snapshot.InventorySource;
import dev.jaccel.core.spi.HostContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jaccel plan}: the dry run of the container path (docs/design.md §2.4). It resolves a
 * container's selectors, capabilities and requirements against this host and prints the devices
 * it would inject and the CDI-shaped edits; warnings go to stderr, refusals exit 3.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Shows what a container with the given environment would get on this host:",
                "{\"selected\": [ids], \"containerEdits\": {env, deviceNodes, mounts, hooks}}.",
                "Without --inventory it reads what a container start reads: the inventory snapshot",
                "($JACCEL_SNAPSHOT, else /var/lib/jaccel/inventory.json) while it matches the host, else it",
                "discovers through NVML and libnrt; a note on stderr says which."},
        footer = {"", "Examples:",
                "  jaccel plan --env NVIDIA_VISIBLE_DEVICES=1:0 --env NVIDIA_REQUIRE_CUDA=cuda>=12.4",
                "  jaccel plan --env AWS_NEURON_VISIBLE_DEVICES=0-1 --inventory snapshot.json",
                "  jaccel plan --config /etc/jaccel/config.toml --env NVIDIA_VISIBLE_DEVICES=all",
                "  jaccel plan --spec bundle/config.json"})
public final class PlanCommand implements Callable<Integer> {
    private final Invocation invocation;

    public PlanCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Mixin
    HostOptions hostOptions;

    @Option(names = "--env", paramLabel = "KEY=VALUE",
            description = "A variable of the container's environment (repeatable; overrides --spec's).")
    List<String> env = new ArrayList<>();

    @Option(names = "--inventory", paramLabel = "FILE",
            description = "Read the host's devices from this file (a snapshot or a 'jaccel devices --json' "
                    + "document) instead of the snapshot or discovery a container start uses.")
    Path inventory;

    @Option(names = "--spec", paramLabel = "FILE",
            description = "Take the request from an OCI runtime spec (config.json): env, annotations, "
                    + "/dev/null device mounts, CAP_SYS_ADMIN.")
    Path ociSpec;

    @Option(names = "--privileged", description = "Plan for a container with CAP_SYS_ADMIN in its bounding set.")
    boolean privileged;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PlanConfig settings = hostOptions.config(invocation.env()).plan();
        ContainerRequest request = request();
        HostContext host = hostOptions.resolve(invocation.env());
        PrintWriter err = spec.commandLine().getErr();
        Inventory devices;
        if (inventory != null) {
            devices = InventoryFile.read(inventory);
        } else if (DefaultPlanner.mayRequestDevices(request, settings)) {
            // what a container start would read: the same source, said so
            InventorySource source = InventorySource.read(hostOptions.config(invocation.env())
                    .snapshotPath(invocation.env()), host, w -> Diagnostics.warning(err, w));
            Diagnostics.note(err, "inventory from " + source.describe());
            devices = source.inventory();
        } else {
            devices = Inventory.empty();
        }
        Plan plan = new DefaultPlanner(settings).plan(request, devices, host);
        plan.warnings().forEach(w -> Diagnostics.warning(err, w));
        PrintWriter out = spec.commandLine().getOut();
        out.println(PlanJson.toJson(plan, true));
        out.flush();
        return 0;
    }

    private ContainerRequest request() {
        Map<String, String> vars = new LinkedHashMap<>();
        Map<String, String> annotations = Map.of();
        List<String> mounts = List.of();
        boolean sysAdmin = privileged;
        if (ociSpec != null) {
            ContainerRequest fromSpec = OciSpec.parse(readBytes(ociSpec, "--spec"),
                    "--spec " + Messages.input(ociSpec.toString())).request();
            vars.putAll(fromSpec.env());
            annotations = fromSpec.annotations();
            mounts = fromSpec.mountDestinations();
            sysAdmin |= fromSpec.privileged();
        }
        for (String kv : env) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw JaccelException.badInput("--env " + Messages.quote(kv) + ": expected KEY=VALUE, e.g. --env NVIDIA_VISIBLE_DEVICES=0");
            }
            vars.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return new ContainerRequest(vars, annotations, mounts, sysAdmin);
    }

    private static Object readJson(Path file, String option) {
        try {
            return JsonTree.read(readBytes(file, option));
        } catch (IOException e) {
            throw JaccelException.badInput(option + " " + Messages.input(file.toString()) + ": not valid JSON: " + e.getMessage());
        }
    }

    private static byte[] readBytes(Path file, String option) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw JaccelException.badInput(option + " " + Messages.input(file.toString()) + ": no such file");
        } catch (IOException e) {
            throw JaccelException.badInput(option + " " + Messages.input(file.toString()) + ": cannot read it: "
                    + e.getMessage());
        }
    }
}
