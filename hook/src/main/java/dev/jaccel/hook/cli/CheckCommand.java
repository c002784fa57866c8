package dev.jaccel.hook.cli;

import dev.jaccel.hook.Invocation;
import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.model.NeuronInventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.spi.Inventories;
import dev.jaccel.neuron.ModuleOnDisk;
import dev.jaccel.neuron.NeuronFacts;
import dev.jaccel.neuron.NeuronRule;
import dev.jaccel.neuron.NeuronRules;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code jaccel check}: reports driver and runtime versions of what is present and checks the
 * Neuron runtime/driver compatibility rules ({@link NeuronRules}).
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Reports accelerator driver and runtime versions and checks the Neuron runtime/driver "
                + "compatibility rules (Inf1 limits, runtime 2.32 / driver 2.29 breaks, a stale loaded module)."},
        footer = {"", "Exit codes: 0 every rule passes (or cannot be checked); 3 a rule fails (stderr names it, "
                + "both versions and the cure); 4 no Neuron or NVIDIA driver is present."})
public final class CheckCommand implements Callable<Integer> {
    private final Invocation invocation;

    public CheckCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Mixin
    HostOptions hostOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        HostContext host = hostOptions.resolve(invocation.env());
        Inventory inventory = Inventories.discover(host);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (inventory.neuron() == null && inventory.nvidia() == null) {
            throw new JaccelException(ExitCode.DRIVER_UNAVAILABLE, "nothing to check: no Neuron or NVIDIA driver found ("
                    + String.join("; ", inventory.errors()) + ")");
        }
        if (inventory.nvidia() != null) {
            out.println(nvidiaLine(inventory.nvidia()));
        }
        if (inventory.neuron() == null) {
            inventory.errors().stream().filter(e -> e.startsWith("neuron: ")).forEach(e -> out.println("neuron: not present (" + e.substring(8) + ")"));
            out.flush();
            return ExitCode.OK.code();
        }
        NeuronInventory neuron = inventory.neuron();
        NeuronFacts facts = NeuronFacts.of(neuron, host);
        out.println("neuron driver:  " + orUnknown(neuron.driverVersion()) + " (/sys/module/neuron/version)");
        out.println("neuron runtime: " + orUnknown(neuron.runtimeVersion()) + " (libnrt nrt_get_version)");
        out.println("neuron module on disk: " + moduleLine(facts.moduleOnDisk()));
        out.println("neuron devices: " + devicesLine(neuron.devices()));
        neuron.notes().forEach(n -> out.println("  note: " + n));

        List<NeuronRule.Result> results = NeuronRules.evaluate(facts);
        for (NeuronRule.Result r : results) {
            out.println(switch (r.outcome()) {
                case PASS -> "PASS  ";
                case FAIL -> "FAIL  ";
                case NOT_APPLICABLE -> "n/a   ";
                case UNKNOWN -> "skip  ";
            } + (r.outcome() == NeuronRule.Outcome.FAIL ? r.rule().id() + ": " + r.rule().requirement() : r.message()));
        }
        List<NeuronRule.Result> failed = results.stream().filter(r -> r.outcome() == NeuronRule.Outcome.FAIL).toList();
        out.println(failed.isEmpty() ? "check: every applicable rule passes"
                : "check: " + failed.size() + " rule" + (failed.size() == 1 ? "" : "s") + " failed");
        out.flush();
        failed.forEach(r -> err.println("jaccel: " + r.message()));
        err.flush();
        return failed.isEmpty() ? ExitCode.OK.code() : ExitCode.UNSATISFIED.code();
    }

    private static String nvidiaLine(NvidiaInventory nvidia) {
        return "nvidia driver: " + orUnknown(nvidia.driverVersion()) + ", CUDA " + orUnknown(nvidia.cudaDriverVersion())
                + ", NVML " + orUnknown(nvidia.nvmlVersion()) + ", kernel module " + orUnknown(nvidia.kernelModuleVersion())
                + ", " + nvidia.devices().size() + " GPU" + (nvidia.devices().size() == 1 ? "" : "s");
    }

    private static String moduleLine(ModuleOnDisk module) {
        if (module == null) {
            return "none found under /lib/modules/<release>";
        }
        return (module.version() == null ? "unknown" : module.version().toString()) + " (" + module.path() + ")"
                + (module.note() == null ? "" : ": " + module.note());
    }

    /** "16 x Trainium2, 64 NeuronCores" (logical, as the runtime numbers them). */
    private static String devicesLine(List<NeuronDevice> devices) {
        if (devices.isEmpty()) {
            return "none visible";
        }
        String kinds = devices.stream().collect(Collectors.groupingBy(d -> orUnknown(d.deviceName()), TreeMap::new,
                Collectors.counting())).entrySet().stream().map(e -> e.getValue() + " x " + e.getKey())
                .collect(Collectors.joining(", "));
        long cores = devices.stream().map(NeuronDevice::logicalCoreCount).filter(Objects::nonNull).mapToLong(Integer::longValue).sum();
        return kinds + ", " + cores + " NeuronCores";
    }

    private static String orUnknown(String s) {
        return s == null ? "unknown" : s;
    }
}
