package dev.jaccel.deviceplugin.health;

import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.deviceplugin.topology.GpuFacts;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Looks at every device at a fixed interval: a Neuron device whose {@code /dev/neuron<N>} node or
 * {@code /sys/devices/virtual/neuron_device/neuron<N>} entry has gone, or a GPU whose device node
 * has gone or that NVML reports lost, is unhealthy until it is back. (sysfs raises no inotify
 * events for a device that goes away, so this polls; each round is a few {@code stat}s.)
 */
public final class PresenceProbe implements AutoCloseable {
    private final Inventory inventory;
    private final HostContext host;
    private final GpuFacts gpuFacts;
    private final HealthBook book;
    private final Consumer<String> log;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("jaccel-presence-probe").unstarted(r));

    public PresenceProbe(Inventory inventory, HostContext host, GpuFacts gpuFacts, HealthBook book, Consumer<String> log) {
        this.inventory = inventory;
        this.host = host;
        this.gpuFacts = gpuFacts;
        this.book = book;
        this.log = log;
    }

    public void start(Duration interval) {
        timer.scheduleWithFixedDelay(this::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One look at every device. */
    void round() {
        try {
            Map<String, String> missing = new HashMap<>();
            Map<String, String> lost = new HashMap<>();
            if (inventory.neuron() != null) {
                for (NeuronDevice d : inventory.neuron().devices()) {
                    neuronProblem(d).ifPresent(p -> missing.put("neuron" + d.index(), p));
                }
            }
            if (inventory.nvidia() != null) {
                for (GpuDevice g : inventory.nvidia().devices()) {
                    for (DeviceNode n : g.deviceNodes()) {
                        if (!exists(Path.of(n.hostPath()))) {
                            missing.put(g.uuid(), n.path() + " is gone");
                        }
                    }
                    gpuFacts.problem(g).ifPresent(p -> lost.put(g.uuid(), p));
                }
            }
            book.replace(HealthBook.Source.MISSING, missing);
            book.replace(HealthBook.Source.LOST, lost);
        } catch (RuntimeException e) {
            log.accept("device presence check failed: " + e);
        }
    }

    private Optional<String> neuronProblem(NeuronDevice d) {
        if (d.deviceNode() != null && !exists(Path.of(d.deviceNode().hostPath()))) {
            return Optional.of(d.deviceNode().path() + " is gone");
        }
        String sysfs = "/sys/devices/virtual/neuron_device/neuron" + d.index();
        if (!exists(host.host(sysfs))) {
            return Optional.of(sysfs + " is gone");
        }
        return Optional.empty();
    }

    private static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
