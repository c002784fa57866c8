package dev.jaccel.core.cdi;

import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.MigDevice;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.model.NeuronInventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.spi.HostContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an inventory into CDI specs: {@code nvidia.com/gpu} with devices named by index, UUID,
 * {@code <gpu>:<mig>} and {@code all} (nvidia-ctk's default {@code index} and {@code uuid}
 * naming, tk:pkg/nvcdi/namer.go), and {@code aws.amazon.com/neuron} by index and {@code all}
 * (the resource name of AWS's device plugin). A vendor with no device gets no spec: CDI refuses
 * a device without edits, and an {@code all} that injects nothing would only hide the mistake.
 */
public final class CdiGenerator {
    public static final String NVIDIA_KIND = "nvidia.com/gpu";
    public static final String NEURON_KIND = "aws.amazon.com/neuron";
    public static final String ALL = "all";

    /**
     * Stops a legacy hook or jaccel's own hook from injecting a second time into a container that
     * got its GPUs through CDI (tk:cmd/nvidia-ctk/cdi/generate/generate_test.go, common edits).
     */
    static final String NVIDIA_VISIBLE_DEVICES_VOID = "NVIDIA_VISIBLE_DEVICES=void";

    private CdiGenerator() {
    }

    /** The specs for every vendor with devices, NVIDIA first. */
    public static List<CdiSpec> generate(Inventory inventory, HostContext host) {
        List<CdiSpec> specs = new ArrayList<>();
        if (inventory.nvidia() != null) {
            nvidia(inventory.nvidia(), host).ifPresent(specs::add);
        }
        if (inventory.neuron() != null) {
            neuron(inventory.neuron()).ifPresent(specs::add);
        }
        return specs;
    }

    public static Optional<CdiSpec> nvidia(NvidiaInventory nvidia, HostContext host) {
        if (nvidia.devices().isEmpty()) {
            return Optional.empty();
        }
        Map<String, ContainerEdits> devices = new LinkedHashMap<>();
        ContainerEdits all = ContainerEdits.NONE;
        for (GpuDevice gpu : nvidia.devices()) {
            ContainerEdits edits = nodes(gpu.deviceNodes());
            put(devices, Integer.toString(gpu.index()), edits);
            if (gpu.uuid() != null) {
                put(devices, gpu.uuid(), edits);
            }
            all = all.plus(edits);
            for (MigDevice mig : gpu.migDevices()) {
                // a MIG device needs its parent's node plus the GI and CI access nodes (tk:internal/discover, MIG)
                ContainerEdits migEdits = edits.plus(nodes(mig.capabilityNodes()));
                put(devices, gpu.index() + ":" + mig.index(), migEdits);
                if (mig.uuid() != null) {
                    put(devices, mig.uuid(), migEdits);
                }
                all = all.plus(migEdits);
            }
        }
        put(devices, ALL, all);
        ContainerEdits common = new ContainerEdits(List.of(NVIDIA_VISIBLE_DEVICES_VOID), List.of(), List.of(), List.of())
                .plus(nodes(nvidia.controlNodes()))
                .plus(new ContainerEdits(List.of(), List.of(), NvidiaDriverFiles.mounts(nvidia, host), List.of()));
        return Optional.of(CdiSpec.of(NVIDIA_KIND, devices, common));
    }

    public static Optional<CdiSpec> neuron(NeuronInventory neuron) {
        Map<String, ContainerEdits> devices = new LinkedHashMap<>();
        ContainerEdits all = ContainerEdits.NONE;
        for (NeuronDevice device : neuron.devices()) {
            if (device.deviceNode() == null) {
                continue; // nothing to inject; discovery already noted why
            }
            ContainerEdits edits = nodes(List.of(device.deviceNode()));
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

    static ContainerEdits nodes(List<DeviceNode> nodes) {
        List<DeviceNodeEdit> edits = new ArrayList<>(nodes.size());
        for (DeviceNode n : nodes) {
            edits.add(DeviceNodeEdit.charDevice(n.path(), n.hostPath(), n.major(), n.minor()));
        }
        return new ContainerEdits(List.of(), edits, List.of(), List.of());
    }
}
