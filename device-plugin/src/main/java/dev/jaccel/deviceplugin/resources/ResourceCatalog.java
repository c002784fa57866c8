package dev.jaccel.deviceplugin.resources;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.MigDevice;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.model.NeuronInventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.deviceplugin.topology.GpuFacts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The resources a host offers: {@code nvidia.com/gpu} and {@code nvidia.com/mig-<profile>} by
 * the MIG strategy, {@code aws.amazon.com/neuron} and {@code aws.amazon.com/neuroncore}. A resource
 * with no device is not offered (the kubelet would show a capacity of 0 for nothing).
 */
public final class ResourceCatalog {
    private ResourceCatalog() {
    }

    /**
     * @throws JaccelException exit 3 when the MIG layout breaks the strategy's rules (NVIDIA's
     *                         plugin refuses to start then too)
     */
    public static List<Resource> of(Inventory inventory, MigStrategy strategy, GpuFacts facts, Consumer<String> warnings) {
        Map<String, List<PluginDevice>> byName = new LinkedHashMap<>();
        if (inventory.nvidia() != null) {
            nvidia(inventory.nvidia(), strategy, facts, byName);
        }
        if (inventory.neuron() != null) {
            neuron(inventory.neuron(), byName, warnings);
        }
        List<Resource> out = new ArrayList<>();
        byName.forEach((name, devices) -> {
            if (!devices.isEmpty()) {
                out.add(new Resource(name, devices));
            }
        });
        return out;
    }

    private static void nvidia(NvidiaInventory nvidia, MigStrategy strategy, GpuFacts facts,
                               Map<String, List<PluginDevice>> out) {
        List<PluginDevice> gpus = new ArrayList<>();
        Map<String, List<PluginDevice>> migs = new LinkedHashMap<>();
        for (GpuDevice gpu : nvidia.devices()) {
            Integer numa = boxed(facts.numaNode(gpu));
            boolean migEnabled = Boolean.TRUE.equals(gpu.migEnabled());
            if (!migEnabled || strategy == MigStrategy.none) {
                gpus.add(new PluginDevice(gpu.uuid(), DeviceKind.GPU, gpu.uuid(), List.of(gpu.uuid()), gpu.index(), numa));
                continue;
            }
            if (gpu.migDevices().isEmpty()) {
                throw JaccelException.unsatisfied("--mig-strategy " + strategy + ": GPU " + gpu.index() + " (" + gpu.uuid()
                        + ") has MIG enabled but no MIG device; create MIG devices on it, disable MIG, or use --mig-strategy none");
            }
            for (MigDevice mig : gpu.migDevices()) {
                String profile = facts.migProfile(gpu, mig).orElseThrow(() -> JaccelException.unsatisfied(
                        "--mig-strategy " + strategy + ": NVML does not name the profile of MIG device " + mig.uuid()
                                + " on GPU " + gpu.index() + "; use --mig-strategy none"));
                migs.computeIfAbsent(profile, p -> new ArrayList<>()).add(new PluginDevice(mig.uuid(), DeviceKind.MIG,
                        mig.uuid(), List.of(gpu.uuid(), mig.uuid()), gpu.index(), numa));
            }
        }
        if (strategy == MigStrategy.single && !migs.isEmpty()) {
            if (!gpus.isEmpty()) {
                throw JaccelException.unsatisfied("--mig-strategy single: every GPU must have the same MIG mode, but "
                        + gpus.size() + " have MIG disabled and " + (nvidia.devices().size() - gpus.size())
                        + " enabled; use --mig-strategy mixed");
            }
            if (migs.size() > 1) {
                throw JaccelException.unsatisfied("--mig-strategy single: all MIG devices must have one profile, found "
                        + String.join(", ", new TreeSet<>(migs.keySet())) + "; use --mig-strategy mixed");
            }
            out.put(Resource.NVIDIA_GPU, migs.values().iterator().next());
            return;
        }
        out.put(Resource.NVIDIA_GPU, gpus);
        migs.forEach((profile, devices) -> out.put(Resource.NVIDIA_MIG_PREFIX + profile, devices));
    }

    private static void neuron(NeuronInventory neuron, Map<String, List<PluginDevice>> out, Consumer<String> warnings) {
        List<PluginDevice> devices = new ArrayList<>();
        List<PluginDevice> cores = new ArrayList<>();
        for (NeuronDevice d : neuron.devices()) {
            if (d.deviceNode() == null) {
                continue;   // nothing a container could be given; discovery noted why
            }
            String unit = "neuron" + d.index();
            devices.add(new PluginDevice(unit, DeviceKind.NEURON, Integer.toString(d.index()), List.of(unit), d.index(), null));
            List<Integer> ids = coreIds(d);
            if (ids.isEmpty()) {
                warnings.accept("neuron" + d.index() + ": core count unknown, its cores are not offered as "
                        + Resource.NEURON_CORE);
            }
            for (int core : ids) {
                cores.add(new PluginDevice("neuroncore" + core, DeviceKind.NEURON_CORE, Integer.toString(core),
                        List.of(unit), d.index(), null));
            }
        }
        out.put(Resource.NEURON, devices);
        out.put(Resource.NEURON_CORE, cores);
    }

    /** Global logical core ids: as discovered, else {@code index * per-device + local}. */
    static List<Integer> coreIds(NeuronDevice d) {
        if (!d.coreIds().isEmpty()) {
            return d.coreIds();
        }
        Integer perDevice = d.logicalCoreCount() != null ? d.logicalCoreCount() : d.coreCount();
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; perDevice != null && i < perDevice; i++) {
            ids.add(d.index() * perDevice + i);
        }
        return ids;
    }

    private static Integer boxed(OptionalInt v) {
        return v.isPresent() ? v.getAsInt() : null;
    }
}
