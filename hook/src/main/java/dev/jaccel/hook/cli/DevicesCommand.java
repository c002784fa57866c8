package dev.jaccel.hook.cli;

import dev.jaccel.core.Invocation;
import dev.jaccel.core.ExitCode;
import dev.jaccel.core.json.InventoryJson;
import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.MigDevice;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.model.NeuronInventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.spi.Inventories;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code jaccel devices}: the accelerators of this host, for people or as the JSON document of docs/design.md §2.3. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = {"Lists the NVIDIA GPUs (with MIG devices) and AWS Neuron devices of the host,",
                "with driver versions and the device nodes a container needs."},
        footer = {"",
                "With --json, prints {\"nvidia\": {...} | null, \"neuron\": {...} | null, \"errors\": [...]}: a vendor",
                "whose driver or library is unavailable is null and its reason is in errors (the table prints",
                "reasons on stderr).",
                "Exit codes: 0 when at least one vendor's inventory was read (others may be null, see errors);",
                "            4 when none could be read (no driver or library at all): the document is still printed;",
                "            2 bad usage."})
public final class DevicesCommand implements Callable<Integer> {
    private final Invocation invocation;

    public DevicesCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Mixin
    HostOptions host;

    @Option(names = "--json", description = "Print the inventory as JSON (docs/design.md §2.3).")
    boolean json;

    @Option(names = "--pretty", description = "Indent the JSON.")
    boolean pretty;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        HostContext context = host.resolve(invocation.env());
        Inventory inventory = Inventories.discover(context);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (json) {
            out.println(InventoryJson.toJson(inventory, pretty));
        } else {
            out.print(table(inventory));
            for (String e : inventory.errors()) {
                Diagnostics.error(err, e);
            }
        }
        out.flush();
        boolean nothing = inventory.nvidia() == null && inventory.neuron() == null;
        return nothing ? ExitCode.DRIVER_UNAVAILABLE.code() : ExitCode.OK.code();
    }

    /** The human view: {@code nvidia-smi -L} lines plus the facts a container needs. */
    static String table(Inventory inventory) {
        StringBuilder s = new StringBuilder();
        NvidiaInventory n = inventory.nvidia();
        if (n != null) {
            s.append("NVIDIA driver ").append(text(n.driverVersion()))
                    .append(", kernel module ").append(text(n.kernelModuleVersion()))
                    .append(", NVML ").append(text(n.nvmlVersion()))
                    .append(", CUDA ").append(text(n.cudaDriverVersion())).append('\n');
            for (GpuDevice g : n.devices()) {
                s.append("GPU ").append(g.index()).append(": ").append(text(g.name()))
                        .append(" (UUID: ").append(text(g.uuid())).append(")\n");
                s.append("    bus ").append(text(g.pciBusId()))
                        .append("  minor ").append(text(g.minor()))
                        .append("  memory ").append(mib(g.memoryTotalBytes()))
                        .append("  compute ").append(text(g.computeCapability()))
                        .append("  ").append(text(g.architecture())).append(' ').append(text(g.brand()))
                        .append("  MIG ").append(g.migEnabled() == null ? "?" : g.migEnabled() ? "on" : "off")
                        .append("  nodes ").append(nodes(g.deviceNodes())).append('\n');
                for (MigDevice m : g.migDevices()) {
                    s.append("  MIG ").append(g.index()).append(':').append(m.index())
                            .append(" (UUID: ").append(text(m.uuid())).append(")  gi ").append(text(m.gpuInstanceId()))
                            .append(" ci ").append(text(m.computeInstanceId()))
                            .append("  memory ").append(mib(m.memoryTotalBytes()))
                            .append("  nodes ").append(nodes(m.capabilityNodes())).append('\n');
                }
            }
            s.append("control nodes: ").append(nodes(n.controlNodes())).append('\n');
            for (String note : n.notes()) {
                s.append("note: ").append(note).append('\n');
            }
        }
        NeuronInventory r = inventory.neuron();
        if (r != null) {
            s.append("Neuron driver ").append(text(r.driverVersion()))
                    .append(", runtime ").append(text(r.runtimeVersion())).append('\n');
            for (NeuronDevice d : r.devices()) {
                s.append("neuron").append(d.index()).append(": ").append(text(d.deviceName()))
                        .append(" (").append(text(d.architecture())).append(", ").append(text(d.instanceType()))
                        .append(")  cores ").append(text(d.coreCount()))
                        .append("  logical cores ").append(d.coreIds())
                        .append("  connected to ").append(d.connectedTo())
                        .append("  node ").append(d.deviceNode() == null ? "-" : nodes(List.of(d.deviceNode())))
                        .append('\n');
            }
            for (String note : r.notes()) {
                s.append("note: ").append(note).append('\n');
            }
        }
        if (n == null && r == null) {
            s.append("No accelerators found.\n");
        }
        return s.toString();
    }

    private static String text(Object o) {
        return o == null ? "?" : o.toString();
    }

    private static String mib(Long bytes) {
        return bytes == null ? "?" : (bytes >> 20) + " MiB";
    }

    private static String nodes(List<DeviceNode> nodes) {
        return nodes.isEmpty() ? "-" : nodes.stream().map(d -> d.path() + " " + d.major() + ":" + d.minor())
                .collect(Collectors.joining(", "));
    }
}
