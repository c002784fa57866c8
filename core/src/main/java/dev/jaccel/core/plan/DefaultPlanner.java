package dev.jaccel.core.plan;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.caps.DriverCapabilities;
import dev.jaccel.core.caps.DriverCapability;
import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.Plan;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.neuron.NeuronSelection;
import dev.jaccel.core.neuron.NeuronSelector;
import dev.jaccel.core.require.DeviceFacts;
import dev.jaccel.core.require.Requirement;
import dev.jaccel.core.require.RequirementChecker;
import dev.jaccel.core.require.Requirements;
import dev.jaccel.core.select.CdiNames;
import dev.jaccel.core.select.GpuRequest;
import dev.jaccel.core.select.GpuResolver;
import dev.jaccel.core.select.GpuSelection;
import dev.jaccel.core.select.MigControl;
import dev.jaccel.core.select.NvidiaRequestSources;
import dev.jaccel.core.select.NvidiaVisibleDevices;
import dev.jaccel.core.select.VisibleDeviceList;
import dev.jaccel.core.spi.HostContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The planner behind {@code jaccel plan}, the shim and the hook. For NVIDIA it follows the legacy
 * hook's order (docs/nvidia-container-semantics.md §3 step 3, §3 step 7e): device list, capabilities, requirements, then
 * selection and the requirement check, which runs in every mode (NVIDIA skips it in CDI modes).
 * For Neuron it resolves AWS's two variables (or {@code aws.amazon.com/neuron} CDI names).
 */
public final class DefaultPlanner implements Planner {
    private final PlanConfig config;

    public DefaultPlanner() {
        this(PlanConfig.DEFAULTS);
    }

    public DefaultPlanner(PlanConfig config) {
        this.config = config;
    }

    /**
     * A cheap static test for the hot path, under NVIDIA's default settings: {@code false} only
     * when nothing in the request could name a device under any rule the planner accepts, so the
     * caller can answer before reading an inventory. Conservative: {@code true} may still plan to
     * nothing.
     */
    public static boolean mayRequestDevices(ContainerRequest request) {
        return mayRequestDevices(request, PlanConfig.DEFAULTS);
    }

    /** {@link #mayRequestDevices(ContainerRequest)} with the configured prefixes and swarm variables. */
    public static boolean mayRequestDevices(ContainerRequest request, PlanConfig config) {
        Map<String, String> env = request.env();
        String nvd = env.get(NvidiaVisibleDevices.VARIABLE);
        if (nvd != null) {
            List<String> entries = NvidiaVisibleDevices.split(nvd);
            if (!entries.isEmpty() && !entries.contains("void")) {
                return true;
            }
        } else if (NvidiaRequestSources.isLegacyImage(env)) {
            return true;
        }
        if (NeuronSelector.requested(env) || config.swarmResource().stream().anyMatch(env::containsKey)) {
            return true;
        }
        boolean annotated = request.annotations().entrySet().stream().anyMatch(e -> !e.getValue().isBlank()
                && config.cdiAnnotationPrefixes().stream().anyMatch(e.getKey()::startsWith));
        // device mounts count whatever accept-nvidia-visible-devices-as-volume-mounts says: conservative
        return annotated || request.mountDestinations().stream().anyMatch(d -> d.replaceAll("/+", "/")
                .startsWith(NvidiaRequestSources.DEVICE_MOUNT_ROOT + "/"));
    }

    @Override
    public Plan plan(ContainerRequest request, Inventory inventory, HostContext host) {
        List<String> warnings = new ArrayList<>();
        List<String> selected = new ArrayList<>();
        ContainerEdits.Builder edits = ContainerEdits.builder();

        VisibleDeviceList gpuList = NvidiaRequestSources.visibleDevices(request, config, warnings::add);
        GpuRequest gpuRequest = NvidiaVisibleDevices.interpret(gpuList == null ? null : gpuList.entries());
        if (!(gpuRequest instanceof GpuRequest.NotRequested)) {
            NvidiaPart part = planNvidia(request, gpuRequest, gpuList.origin(), inventory, host, warnings);
            selected.addAll(part.selection.ids());
            edits.add(part.edits);
        }

        NeuronSelection neuron = selectNeuron(request, inventory, warnings);
        edits.add(NeuronEdits.forContainer(neuron, config.neuronDeviceNames()));
        selected.addAll(neuron.ids());

        List<String> foreign = CdiNames.foreign(NvidiaRequestSources.annotationDevices(request.annotations(),
                config.cdiAnnotationPrefixes()));
        if (!foreign.isEmpty()) {
            warnings.add("CDI devices " + String.join(", ", foreign) + " are not jaccel's; left to the runtime's CDI support");
        }
        ContainerEdits all = edits.build();
        if (selected.isEmpty() && all.isEmpty()) {
            return warnings.isEmpty() ? Plan.NOTHING : new Plan(List.of(), ContainerEdits.NONE, warnings);
        }
        return new Plan(selected, all, warnings);
    }

    private record NvidiaPart(GpuSelection selection, ContainerEdits edits) {
    }

    private NvidiaPart planNvidia(ContainerRequest request, GpuRequest gpuRequest, String origin, Inventory inventory,
                                  HostContext host, List<String> warnings) {
        Map<String, String> env = request.env();
        boolean legacy = NvidiaRequestSources.isLegacyImage(env);
        Set<DriverCapability> caps = DriverCapabilities.fromEnv(env, legacy, config.supportedDriverCapabilities());
        List<Requirement> requirements = Requirements.fromEnv(env, legacy, config.disableRequire());
        NvidiaInventory nvidia = inventory.nvidia();
        if (nvidia == null) {
            throw JaccelException.driverUnavailable(origin + " asks for NVIDIA devices but the NVIDIA driver "
                    + "could not be read: " + (inventory.errors().isEmpty() ? "no NVIDIA backend is installed"
                    : String.join("; ", inventory.errors())), null);
        }
        GpuSelection selection = GpuResolver.resolve(gpuRequest, nvidia, origin, warnings::add);

        List<DeviceFacts> facts = new ArrayList<>();
        for (GpuDevice g : selection.devicesToCheck()) {
            facts.add(new DeviceFacts(nvidia.driverVersion(), nvidia.cudaDriverVersion(), g.brand(),
                    g.computeCapability(), "GPU " + g.index() + " " + g.uuid()));
        }
        new RequirementChecker(config.cudaMinorVersionCompatibility(), warnings::add)
                .check(requirements, facts, DeviceFacts.hostOnly(nvidia.driverVersion(), nvidia.cudaDriverVersion()));

        ContainerEdits.Builder edits = ContainerEdits.builder()
                .add(NvidiaEdits.common(nvidia, caps, host, request.libraryDirectory(), warnings::add));
        for (GpuDevice g : selection.gpus()) {
            edits.add(NvidiaEdits.gpu(g));
        }
        for (GpuSelection.SelectedMig m : selection.migs()) {
            edits.add(NvidiaEdits.mig(m.parent(), m.mig()));
        }
        migControl(request, gpuRequest, selection, host, warnings, edits);
        return new NvidiaPart(selection, edits.build());
    }

    /** MIG config/monitor: gated by NVIDIA's rules; ignored where no selected GPU has MIG enabled. */
    private static void migControl(ContainerRequest request, GpuRequest gpuRequest, GpuSelection selection,
                                   HostContext host, List<String> warnings, ContainerEdits.Builder out) {
        boolean specificMigs = gpuRequest instanceof GpuRequest.Ids && !selection.migs().isEmpty();
        boolean migCapable = selection.devicesToCheck().stream().anyMatch(g -> Boolean.TRUE.equals(g.migEnabled()));
        for (MigControl control : MigControl.values()) {
            if (!control.requested(request.env(), request.privileged(), specificMigs) || !migCapable) {
                continue;
            }
            var node = control.node(host);
            if (node.isEmpty()) {
                warnings.add(control.variable() + "=all: the host lists no such node in "
                        + "/proc/driver/nvidia-caps/mig-minors");
                continue;
            }
            out.add(NvidiaEdits.nodes(List.of(node.get())));
            for (GpuDevice g : selection.devicesToCheck()) {
                if (Boolean.TRUE.equals(g.migEnabled())) {
                    for (var m : g.migDevices()) {
                        out.add(NvidiaEdits.nodes(m.capabilityNodes()));
                    }
                }
            }
        }
    }

    private NeuronSelection selectNeuron(ContainerRequest request, Inventory inventory, List<String> warnings) {
        Map<String, String> env = request.env();
        List<String> annotated = CdiNames.neuron(NvidiaRequestSources.annotationDevices(request.annotations(),
                config.cdiAnnotationPrefixes()));
        String devices = annotated.isEmpty() ? env.get(NeuronSelector.DEVICES) : String.join(",", annotated);
        String origin = annotated.isEmpty() ? NeuronSelector.DEVICES : "annotations (" + CdiNames.NEURON_KIND + ")";
        if (annotated.contains("all")) {
            devices = "all";
        }
        String cores = env.get(NeuronSelector.CORES);
        boolean asked = (devices != null && !devices.isBlank()) || (cores != null && !cores.isBlank());
        if (!asked) {
            return NeuronSelection.EMPTY;
        }
        if (inventory.neuron() == null) {
            throw JaccelException.driverUnavailable(origin + " asks for Neuron devices but the Neuron driver "
                    + "could not be read: " + (inventory.errors().isEmpty() ? "no Neuron backend is installed"
                    : String.join("; ", inventory.errors())), null);
        }
        NeuronSelection s = NeuronSelector.select(devices, origin, cores, inventory.neuron(), warnings::add);
        for (NeuronDevice d : s.devices()) {
            if (d.deviceNode() == null) {
                throw JaccelException.unsatisfied("neuron" + d.index() + " has no device node on this host");
            }
        }
        return s;
    }
}
