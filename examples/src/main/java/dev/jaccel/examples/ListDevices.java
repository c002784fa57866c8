package dev.jaccel.examples;

import dev.jaccel.api.Jaccel;
import dev.jaccel.api.Vendor;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.nvml.MemoryInfo;
import dev.jaccel.nvml.NvmlDevice;
import dev.jaccel.nvml.NvmlDevices;

/** Lists the GPUs, their MIG devices and the Neuron devices this process can see. */
public final class ListDevices {
    private ListDevices() {
    }

    public static void main(String[] args) {
        try (Jaccel jaccel = Jaccel.open()) {                       // JACCEL_* variables, as the jaccel command
            jaccel.unavailable().forEach((vendor, why) -> System.out.println(vendor + ": " + why.getMessage()));
            if (jaccel.isAvailable(Vendor.NVIDIA)) {
                NvmlDevices gpus = jaccel.nvidia().devices();
                for (NvmlDevice gpu : gpus) {
                    System.out.println("GPU " + gpu.index() + ": " + gpu.name() + " " + gpu.uuid() + " "
                            + gpu.memory().map(MemoryInfo::total).map(b -> b >> 20).map(m -> m + " MiB").orElse("?"));
                    for (NvmlDevice mig : gpu.migDevices()) {
                        System.out.println("  MIG " + mig.index() + ": " + mig.migProfile().orElse("?") + " " + mig.uuid());
                    }
                }
                gpus.failures().forEach((index, e) -> System.out.println("GPU " + index + " not opened: " + e.codeName()));
            }
            if (jaccel.isAvailable(Vendor.NEURON)) {
                for (NeuronDevice d : jaccel.neuron().devices()) {
                    System.out.println("neuron" + d.index() + ": " + d.deviceName() + ", NeuronCores " + d.coreIds());
                }
            }
        }
    }
}
