package dev.jaccel.core.require;

import java.util.List;

import static dev.jaccel.core.require.NeuronFacts.Fact.DRIVER;
import static dev.jaccel.core.require.NeuronFacts.Fact.MODULE_ON_DISK;
import static dev.jaccel.core.require.NeuronFacts.Fact.RUNTIME;

/**
 * The Neuron runtime/driver compatibility rules, one row each with its source
 * (docs/neuron-semantics.md §5.1-§5.2). No official runtime x driver matrix exists; these are the
 * documented breaks. Add a rule by adding a row.
 */
public final class NeuronRules {
    private static final String RUNTIME_RN = "aws-neuron-sdk release-notes/components/runtime.rst";

    public static final List<NeuronRule> ALL = List.of(
            new NeuronRule("inf1-driver",
                    "Inf1 (Inferentia) needs driver 2.24.x or older",
                    "pin the last driver with Inf1 support: aws-neuronx-dkms=2.24.*",
                    RUNTIME_RN + " (driver 2.24 is the last to support Inf1); aws/amazon-ecs-ami neuron-inf1-downgrade.sh",
                    List.of(), NeuronFacts::inf1,
                    List.of(DRIVER), f -> f.driver().below("2.25")),
            new NeuronRule("inf1-runtime",
                    "Inf1 (Inferentia) needs runtime older than 2.21",
                    "install aws-neuronx-runtime-lib 2.20 or older (2.21+ stops with 'TDRV:arch_init Architecture not found 1')",
                    "https://github.com/aws-neuron/aws-neuron-sdk/issues/1071",
                    List.of(), NeuronFacts::inf1,
                    List.of(RUNTIME), f -> f.runtime().below("2.21")),
            new NeuronRule("runtime-2.32-driver",
                    "runtime 2.32 or newer needs a driver newer than 2.26",
                    "upgrade aws-neuronx-dkms to 2.27 or newer, or use a runtime (DLC) older than 2.32",
                    RUNTIME_RN + " (runtime 2.32 / SDK 2.30 DLCs are not backward compatible with driver <= 2.26)",
                    List.of(RUNTIME), f -> f.runtime().atLeast("2.32"),
                    List.of(DRIVER), f -> f.driver().atLeast("2.27")),
            new NeuronRule("driver-2.29-runtime",
                    "driver 2.29 or newer needs runtime 2.33 or newer",
                    "upgrade aws-neuronx-runtime-lib (and the libnrt inside containers) to 2.33 or newer",
                    RUNTIME_RN + " (driver 2.29 breaks older runtimes)",
                    List.of(DRIVER), f -> f.driver().atLeast("2.29"),
                    List.of(RUNTIME), f -> f.runtime().atLeast("2.33")),
            new NeuronRule("trn2-driver",
                    "Trn2 with runtime 2.24 or newer needs driver 2.20.28.0 or newer",
                    "upgrade aws-neuronx-dkms to 2.20.28.0 or newer",
                    RUNTIME_RN + " (Trn2 needs driver 2.20.28.0 for runtime >= 2.24)",
                    List.of(RUNTIME), f -> f.trn2() && f.runtime().atLeast("2.24"),
                    List.of(DRIVER), f -> f.driver().atLeast("2.20.28.0")),
            new NeuronRule("stale-module",
                    "the loaded driver must not be older than the module installed on disk",
                    "a process still holds the old module (lsmod neuron: 'Used by'); stop Neuron workloads, then "
                            + "rmmod neuron && modprobe neuron",
                    "aws-neuron-sdk neuron-runtime/nrt-troubleshoot.rst (modinfo shows the new version while the old driver runs)",
                    List.of(), f -> true,
                    List.of(DRIVER, MODULE_ON_DISK), f -> f.moduleVersion().compareTo(f.driver()) <= 0));

    private NeuronRules() {
    }

    public static List<NeuronRule.Result> evaluate(NeuronFacts facts) {
        return ALL.stream().map(r -> r.evaluate(facts)).toList();
    }
}
