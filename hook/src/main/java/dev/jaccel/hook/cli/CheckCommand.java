package dev.jaccel.hook.cli;

import dev.jaccel.core.Invocation;
import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.model.NeuronInventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.require.ModuleOnDisk;
import dev.jaccel.core.require.NeuronFacts;
import dev.jaccel.core.require.NeuronRule;
import dev.jaccel.core.require.NeuronRules;
import dev.jaccel.core.spi.DriverFailure;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.spi.Inventories;
import dev.jaccel.neuron.ModuleOnDiskReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.ArrayList;
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
                + "compatibility rules (Inf1 limits, runtime 2.32 / driver 2.29 breaks, a stale loaded module).",
                "Warns (stderr, exit code unchanged) when NVIDIA persistence mode is off, and when the inventory "
                        + "snapshot or jaccel's CDI specs are stale or untrusted."},
        footer = {"", "Exit codes: 0 every rule passes (or cannot be checked); 3 a rule fails (stderr names it, "
                + "both versions and the cure), or two CDI specs in one spec folder declare the same device (the CDI "
                + "runtimes refuse it); 4 no Neuron or NVIDIA driver is present, or a vendor's kernel module "
                + "is loaded but its driver cannot be used (NVML fails: stderr says why)."})
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
        List<DriverFailure> broken = DriverFailure.find(inventory, host);
        if (inventory.neuron() == null && inventory.nvidia() == null && broken.isEmpty()) {
            throw new JaccelException(ExitCode.DRIVER_UNAVAILABLE, "nothing to check: no Neuron or NVIDIA driver found ("
                    + String.join("; ", inventory.errors()) + ")");
        }
        if (inventory.nvidia() != null) {
            out.println(nvidiaLine(inventory.nvidia()));
        }
        OperationalChecks.report(inventory, host, hostOptions.config(invocation.env()), invocation.env(),
                w -> Diagnostics.warning(err, w));
        broken.forEach(f -> out.println(f.vendor() + " driver: FAIL  kernel module loaded, driver unusable (see stderr)"));
        List<String> failedRules = new ArrayList<>();
        if (inventory.neuron() != null) {
            failedRules.addAll(checkNeuron(inventory.neuron(), host, out));
        } else if (broken.stream().noneMatch(f -> f.vendor().equals("neuron"))) {
            inventory.errors().stream().filter(e -> e.startsWith("neuron: "))
                    .forEach(e -> out.println("neuron: not present (" + e.substring(8) + ")"));
        }
        // devices declared twice in one CDI spec folder are refused by every CDI runtime
        for (CdiSpecDirs.Clash clash : CdiSpecDirs.clashes(CdiSpecDirs.read(hostOptions.config(invocation.env()).cdiSpecDirs()))) {
            out.println((clash.conflict() ? "FAIL  cdi-conflict: " : "note: cdi: ") + clash.describe());
            if (clash.conflict()) {
                failedRules.add("CDI specs in conflict: " + clash.describe());
            }
        }
        if (!broken.isEmpty()) {
            out.println("check: failed: " + broken.stream().map(f -> "the " + f.vendor() + " driver cannot be used")
                    .collect(Collectors.joining(", ")));
        } else if (inventory.neuron() != null || !failedRules.isEmpty()) {
            out.println(failedRules.isEmpty() ? "check: every applicable rule passes"
                    : "check: " + failedRules.size() + " rule" + (failedRules.size() == 1 ? "" : "s") + " failed");
        }
        out.flush();
        failedRules.forEach(m -> Diagnostics.error(err, m));
        broken.forEach(f -> Diagnostics.error(err, f.message()));
        err.flush();
        return !broken.isEmpty() ? ExitCode.DRIVER_UNAVAILABLE.code()
                : !failedRules.isEmpty() ? ExitCode.UNSATISFIED.code() : ExitCode.OK.code();
    }

    /** Prints the Neuron versions and the outcome of each rule; returns the messages of the failed ones. */
    private static List<String> checkNeuron(NeuronInventory neuron, HostContext host, PrintWriter out) {
        NeuronFacts facts = NeuronFacts.of(neuron, ModuleOnDiskReader.find(host));
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
        return results.stream().filter(r -> r.outcome() == NeuronRule.Outcome.FAIL).map(NeuronRule.Result::message).toList();
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
