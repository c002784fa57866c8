package dev.jaccel.deviceplugin;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.caps.DriverFiles;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.plan.DefaultPlanner;
import dev.jaccel.core.plan.Planner;
import dev.jaccel.core.spi.Inventories;
import dev.jaccel.deviceplugin.health.HealthBook;
import dev.jaccel.deviceplugin.health.HealthMarks;
import dev.jaccel.deviceplugin.health.PresenceProbe;
import dev.jaccel.deviceplugin.health.XidEventSources;
import dev.jaccel.deviceplugin.health.XidMonitor;
import dev.jaccel.deviceplugin.health.XidPolicy;
import dev.jaccel.deviceplugin.prefer.AllocationPreference;
import dev.jaccel.deviceplugin.prefer.GpuPreference;
import dev.jaccel.deviceplugin.prefer.NeuronPreference;
import dev.jaccel.deviceplugin.resources.DeviceKind;
import dev.jaccel.deviceplugin.resources.DeviceListStrategy;
import dev.jaccel.deviceplugin.resources.Resource;
import dev.jaccel.deviceplugin.resources.ResourceCatalog;
import dev.jaccel.deviceplugin.server.Allocator;
import dev.jaccel.deviceplugin.server.CdiSpecs;
import dev.jaccel.deviceplugin.server.KubeletSession;
import dev.jaccel.deviceplugin.server.ResourceService;
import dev.jaccel.deviceplugin.server.UdsTransport;
import dev.jaccel.deviceplugin.topology.GpuFacts;
import dev.jaccel.deviceplugin.topology.NvmlGpuFacts;
import dev.jaccel.nvml.NvmlException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The device plugin daemon: discovers the host once, builds one {@link ResourceService} per
 * resource, watches device health, and keeps the endpoints registered with the kubelet until
 * {@link #stop()}.
 */
public final class DevicePlugin implements AutoCloseable {
    private final PluginOptions options;
    private final Consumer<String> log;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Inventory inventory;
    private final GpuFacts gpuFacts;
    private final List<ResourceService> services = new ArrayList<>();
    private final HealthBook health = new HealthBook();
    private final KubeletSession session;

    private DevicePlugin(PluginOptions options, XidEventSources xids, Consumer<String> log) throws IOException {
        this.options = options;
        this.log = log;
        this.inventory = withDriverFiles(Inventories.discover(options.host()), options.host());
        List<String> found = describe(inventory);
        if (found.isEmpty()) {
            throw new JaccelException(ExitCode.DRIVER_UNAVAILABLE, "no NVIDIA GPU or AWS Neuron device on this host"
                    + (inventory.errors().isEmpty() ? "" : " (" + String.join("; ", inventory.errors()) + ")")
                    + ": nothing to offer, so nothing is registered with the kubelet");
        }
        log.accept("found " + String.join(", ", found));
        inventory.errors().forEach(e -> log.accept("not offered: " + e));
        this.gpuFacts = openGpuFacts();
        resources.add(gpuFacts);
        try {
            this.session = serve(found, xids);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private KubeletSession serve(List<String> found, XidEventSources xids) throws IOException {
        List<Resource> offered = ResourceCatalog.of(inventory, options.migStrategy(), gpuFacts, log);
        if (offered.isEmpty()) {
            throw new JaccelException(ExitCode.DRIVER_UNAVAILABLE, "no device of this host can be given to a container "
                    + "(" + String.join(", ", found) + ", none with a device node): nothing is registered with the kubelet");
        }
        HealthMarks marks = HealthMarks.open(options.healthDir(), health, log);
        resources.add(marks);
        Runnable cdi = cdiFreshness();
        Planner planner = new DefaultPlanner(options.plan());
        for (Resource r : offered) {
            Allocator allocator = new Allocator(r, options.listStrategy(), planner, inventory, options.host(), cdi, log);
            services.add(new ResourceService(r, health, preference(r), allocator, log));
        }
        if (inventory.nvidia() != null && !inventory.nvidia().devices().isEmpty()) {
            watchXids(xids, marks);
        }
        PresenceProbe probe = new PresenceProbe(inventory, options.host(), gpuFacts, health, log);
        resources.add(probe);
        probe.start(options.healthInterval());
        UdsTransport transport = new UdsTransport();
        resources.add(transport);
        return new KubeletSession(options.pluginDir(), services, transport, options.readyFile(), log);
    }

    /**
     * Discovers the host and prepares every resource; nothing is served yet.
     *
     * @throws JaccelException exit 4 when the host has no device to offer, exit 3 when the MIG
     *                         layout does not fit the strategy
     */
    public static DevicePlugin prepare(PluginOptions options, Consumer<String> log) throws IOException {
        return new DevicePlugin(options, XidEventSources.NVML, log);
    }

    /** {@link #prepare(PluginOptions, Consumer)} with XID events from {@code xids}. */
    public static DevicePlugin prepare(PluginOptions options, XidEventSources xids, Consumer<String> log) throws IOException {
        return new DevicePlugin(options, xids, log);
    }

    private void watchXids(XidEventSources xids, HealthMarks marks) {
        XidPolicy policy = XidPolicy.fromEnv(options.host().env());
        if (policy.ignoresEverything()) {
            log.accept("XID health checks are off (" + XidPolicy.DISABLE + ")");
            return;
        }
        xids.open(gpuFacts, inventory.nvidia(), log).ifPresent(source -> {
            XidMonitor monitor = new XidMonitor(source, policy, marks, health, inventory.nvidia(), log);
            resources.add(monitor);
            monitor.start();
        });
    }

    public List<ResourceService> services() {
        return services;
    }

    public HealthBook health() {
        return health;
    }

    /** Serves and stays registered until {@link #stop()}. */
    public void run() throws IOException, InterruptedException {
        session.run();
    }

    public void stop() {
        if (session != null) {
            session.stop();
        }
    }

    private GpuFacts openGpuFacts() {
        if (inventory.nvidia() == null || inventory.nvidia().devices().isEmpty()) {
            return GpuFacts.NONE;
        }
        try {
            NvmlGpuFacts facts = NvmlGpuFacts.open(options.host());
            facts.notes().forEach(n -> log.accept("topology: " + n));
            return facts;
        } catch (NvmlException e) {
            log.accept("NVML cannot be kept open for topology and health (" + e.getMessage()
                    + "): devices are offered without them");
            return GpuFacts.NONE;
        }
    }

    private Runnable cdiFreshness() {
        if (options.listStrategy() != DeviceListStrategy.cdi_cri) {
            return () -> { };
        }
        CdiSpecs specs = new CdiSpecs(inventory, options.host(), options.cdiDir(), log);
        specs.run();
        return specs;
    }

    private AllocationPreference preference(Resource r) {
        DeviceKind kind = r.devices().getFirst().kind();
        return kind == DeviceKind.GPU || kind == DeviceKind.MIG
                ? new GpuPreference(r, inventory.nvidia(), gpuFacts)
                : new NeuronPreference(r, inventory.neuron());
    }

    /**
     * The driver files located once, as the snapshot carries them: every Allocate plans with them
     * instead of walking the library folders again.
     */
    private static Inventory withDriverFiles(Inventory inventory, HostContext host) {
        NvidiaInventory nvidia = inventory.nvidia();
        if (nvidia == null || nvidia.devices().isEmpty() || nvidia.driverFiles() != null) {
            return inventory;
        }
        return new Inventory(nvidia.withDriverFiles(DriverFiles.index(host, nvidia.driverVersion())), inventory.neuron(),
                inventory.errors());
    }

    private static List<String> describe(Inventory inventory) {
        List<String> out = new ArrayList<>();
        if (inventory.nvidia() != null && !inventory.nvidia().devices().isEmpty()) {
            out.add(inventory.nvidia().devices().size() + " NVIDIA GPU(s)");
        }
        if (inventory.neuron() != null && !inventory.neuron().devices().isEmpty()) {
            out.add(inventory.neuron().devices().size() + " Neuron device(s)");
        }
        return out;
    }

    @Override
    public void close() {
        stop();
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.accept("while closing: " + e);
            }
        }
    }
}
