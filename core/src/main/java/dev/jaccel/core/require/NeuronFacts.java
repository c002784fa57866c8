package dev.jaccel.core.require;

import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.model.NeuronInventory;

/**
 * What the version rules look at: the loaded driver, the runtime, the module installed on disk and
 * the device generations present. Unknown versions are {@code null}.
 */
public record NeuronFacts(NeuronVersion driver, NeuronVersion runtime, ModuleOnDisk moduleOnDisk,
                          boolean inf1, boolean trn2) {

    /** One fact a rule can need. */
    public enum Fact {
        DRIVER("driver"), RUNTIME("runtime"), MODULE_ON_DISK("module on disk");

        private final String label;

        Fact(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public NeuronVersion of(NeuronFacts facts) {
            return switch (this) {
                case DRIVER -> facts.driver();
                case RUNTIME -> facts.runtime();
                case MODULE_ON_DISK -> facts.moduleVersion();
            };
        }
    }

    /** The facts of a discovered host and the module installed on its disk ({@code null}: none found). */
    public static NeuronFacts of(NeuronInventory inventory, ModuleOnDisk moduleOnDisk) {
        boolean inf1 = false;
        boolean trn2 = false;
        for (NeuronDevice d : inventory.devices()) {
            // sysfs info/architecture: Inf1 is NDv1 / Inf1 / Inferentia (docs/neuron-semantics.md §2.3)
            inf1 |= "NDv1".equals(d.architecture()) || "Inf1".equals(d.instanceType()) || "Inferentia".equals(d.deviceName());
            trn2 |= "Trn2".equals(d.instanceType()) || "Trainium2".equals(d.deviceName());
        }
        return new NeuronFacts(NeuronVersion.parse(inventory.driverVersion()),
                NeuronVersion.parse(inventory.runtimeVersion()), moduleOnDisk, inf1, trn2);
    }

    public NeuronVersion moduleVersion() {
        return moduleOnDisk == null ? null : moduleOnDisk.version();
    }
}
