package dev.jaccel.deviceplugin.server;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.edits.Plan;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.neuron.NeuronSelector;
import dev.jaccel.core.plan.ContainerRequest;
import dev.jaccel.core.plan.Planner;
import dev.jaccel.core.select.CdiNames;
import dev.jaccel.core.select.NvidiaVisibleDevices;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.deviceplugin.resources.DeviceKind;
import dev.jaccel.deviceplugin.resources.DeviceListStrategy;
import dev.jaccel.deviceplugin.resources.PluginDevice;
import dev.jaccel.deviceplugin.resources.Resource;
import v1beta1.Api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Allocate for one container: what the response will carry is first written as the request a
 * container would make with it (the visible-device variables, or CDI names in an annotation as a
 * CDI-enabled runtime passes them on), and that request goes through the same {@link Planner} as
 * jaccel's shim, hooks and {@code plan}. So a device the planner would refuse (unknown, without a
 * node, cores that are not contiguous) fails Allocate with the planner's reason, and what the
 * container gets is decided in one place.
 */
public final class Allocator {
    /** The annotation key the cdi-cri request is checked under (any {@code cdi.k8s.io/} key is read). */
    static final String CDI_ANNOTATION = "cdi.k8s.io/jaccel-device-plugin";

    private final Resource resource;
    private final DeviceListStrategy strategy;
    private final Planner planner;
    private final Inventory inventory;
    private final HostContext host;
    private final Runnable cdiFreshness;
    private final Consumer<String> log;

    public Allocator(Resource resource, DeviceListStrategy strategy, Planner planner, Inventory inventory,
                     HostContext host, Runnable cdiFreshness, Consumer<String> log) {
        this.resource = resource;
        this.strategy = strategy;
        this.planner = planner;
        this.inventory = inventory;
        this.host = host;
        this.cdiFreshness = cdiFreshness;
        this.log = log;
    }

    /**
     * @throws JaccelException exit 2 for an id this resource does not have, else the planner's
     *                         refusal
     */
    public Api.ContainerAllocateResponse allocate(List<String> ids) {
        List<PluginDevice> devices = new ArrayList<>();
        for (String id : new LinkedHashSet<>(ids)) {
            PluginDevice d = resource.device(id);
            if (d == null) {
                throw JaccelException.badInput("device id '" + id + "' is not one of " + resource.name());
            }
            devices.add(d);
        }
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> annotations = new LinkedHashMap<>();
        List<String> cdiNames = new ArrayList<>();
        Set<String> expected = new LinkedHashSet<>();
        boolean gpu = devices.stream().anyMatch(d -> d.kind() == DeviceKind.GPU || d.kind() == DeviceKind.MIG);
        if (gpu) {
            List<String> uuids = devices.stream().map(PluginDevice::selector).toList();
            expected.addAll(uuids);
            if (strategy == DeviceListStrategy.envvar) {
                env.put(NvidiaVisibleDevices.VARIABLE, String.join(",", uuids));
            } else {
                uuids.forEach(u -> cdiNames.add(CdiNames.NVIDIA_KINDS.getFirst() + "=" + u));
            }
        } else if (!devices.isEmpty()) {
            TreeSet<Integer> neuronDevices = new TreeSet<>();
            devices.forEach(d -> neuronDevices.add(d.device()));
            neuronDevices.forEach(i -> expected.add("neuron" + i));
            if (strategy == DeviceListStrategy.envvar) {
                env.put(NeuronSelector.DEVICES, join(neuronDevices));
            } else {
                neuronDevices.forEach(i -> cdiNames.add(CdiNames.NEURON_KIND + "=" + i));
            }
            if (devices.getFirst().kind() == DeviceKind.NEURON_CORE) {
                TreeSet<Integer> cores = new TreeSet<>();
                devices.forEach(d -> cores.add(Integer.parseInt(d.selector())));
                env.put(NeuronSelector.CORES, join(cores));
            }
        }
        if (!cdiNames.isEmpty()) {
            annotations.put(CDI_ANNOTATION, String.join(",", cdiNames));
            cdiFreshness.run();
        }
        Plan plan = planner.plan(new ContainerRequest(env, annotations, List.of(), false), inventory, host);
        if (!plan.selected().containsAll(expected)) {
            throw JaccelException.unsatisfied(resource.name() + " " + String.join(",", ids) + ": the planner selected "
                    + plan.selected() + " instead of " + expected);
        }
        plan.warnings().forEach(w -> log.accept(resource.name() + " Allocate " + String.join(",", ids) + ": " + w));
        Api.ContainerAllocateResponse.Builder r = Api.ContainerAllocateResponse.newBuilder().putAllEnvs(env);
        cdiNames.forEach(n -> r.addCdiDevices(Api.CDIDevice.newBuilder().setName(n)));
        return r.build();
    }

    private static String join(Set<Integer> numbers) {
        return String.join(",", numbers.stream().map(String::valueOf).toList());
    }
}
