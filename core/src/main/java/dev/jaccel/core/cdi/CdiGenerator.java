package dev.jaccel.core.cdi;

import dev.jaccel.core.caps.DriverCapability;
import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.MigDevice;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.model.NeuronInventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.plan.NeuronEdits;
import dev.jaccel.core.plan.NvidiaEdits;
import dev.jaccel.core.select.CdiNames;
import dev.jaccel.core.spi.HostContext;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns an inventory into CDI specs: {@code nvidia.com/gpu} with devices named by index, UUID,
 * {@code <gpu>:<mig>} and {@code all} (nvidia-ctk's default {@code index} and {@code uuid}
 * naming, nvidia-container-toolkit pkg/nvcdi/namer.go), and {@code aws.amazon.com/neuron} by index and {@code all}
 * (the resource name of AWS's device plugin). The edits are the planner's building blocks
 * ({@link NvidiaEdits}, {@link NeuronEdits}), so a CDI device injects what {@code jaccel plan}
 * would for the same device (libraries by soname in the host's library folder, so the runtime alone
 * applies a spec: no hook). A vendor with no device gets no spec: CDI refuses a device without
 * edits, and an {@code all} that injects nothing would only hide the mistake.
 */
public final class CdiGenerator {
    public static final String NVIDIA_KIND = CdiNames.NVIDIA_KINDS.getFirst();
    public static final String NEURON_KIND = CdiNames.NEURON_KIND;
    public static final String ALL = "all";

    /**
     * A CDI spec is written once for every container that will name its devices, whatever the
     * image's {@code NVIDIA_DRIVER_CAPABILITIES}: like nvidia-ctk's specs it carries the files of
     * every capability (nvidia-container-toolkit pkg/nvcdi/driver-nvml.go).
     */
    static final Set<DriverCapability> CAPABILITIES = EnumSet.allOf(DriverCapability.class);

    private CdiGenerator() {
    }

    /** The specs for every vendor with devices, NVIDIA first; {@code warnings} gets one line per thing left out. */
    public static List<CdiSpec> generate(Inventory inventory, HostContext host, Consumer<String> warnings) {
        List<CdiSpec> specs = new ArrayList<>();
        if (inventory.nvidia() != null) {
            nvidia(inventory.nvidia(), host, warnings).ifPresent(specs::add);
        }
        if (inventory.neuron() != null) {
            neuron(inventory.neuron()).ifPresent(specs::add);
        }
        return specs;
    }

    public static Optional<CdiSpec> nvidia(NvidiaInventory nvidia, HostContext host, Consumer<String> warnings) {
        if (nvidia.devices().isEmpty()) {
            return Optional.empty();
        }
        Map<String, ContainerEdits> devices = new LinkedHashMap<>();
        ContainerEdits all = ContainerEdits.NONE;
        for (GpuDevice gpu : nvidia.devices()) {
            ContainerEdits edits = NvidiaEdits.gpu(gpu);
            put(devices, Integer.toString(gpu.index()), edits);
            if (gpu.uuid() != null) {
                put(devices, gpu.uuid(), edits);
            }
            all = all.plus(edits);
            for (MigDevice mig : gpu.migDevices()) {
                ContainerEdits migEdits = NvidiaEdits.mig(gpu, mig);
                put(devices, gpu.index() + ":" + mig.index(), migEdits);
                if (mig.uuid() != null) {
                    put(devices, mig.uuid(), migEdits);
                }
                all = all.plus(migEdits);
            }
        }
        put(devices, ALL, all);
        ContainerEdits common = NvidiaEdits.common(nvidia, CAPABILITIES, host, null, warnings);
        return Optional.of(CdiSpec.of(NVIDIA_KIND, devices, common));
    }

    public static Optional<CdiSpec> neuron(NeuronInventory neuron) {
        Map<String, ContainerEdits> devices = new LinkedHashMap<>();
        ContainerEdits all = ContainerEdits.NONE;
        for (NeuronDevice device : neuron.devices()) {
            if (device.deviceNode() == null) {
                continue; // nothing to inject; discovery already noted why
            }
            ContainerEdits edits = NeuronEdits.device(device);
            put(devices, Integer.toString(device.index()), edits);
            all = all.plus(edits);
        }
        if (devices.isEmpty()) {
            return Optional.empty();
        }
        put(devices, ALL, all);
        return Optional.of(CdiSpec.of(NEURON_KIND, devices, ContainerEdits.NONE));
    }

    private static void put(Map<String, ContainerEdits> devices, String name, ContainerEdits edits) {
        if (devices.putIfAbsent(name, edits) != null) {
            throw new IllegalArgumentException("two devices named " + name + " in the inventory");
        }
    }
}
