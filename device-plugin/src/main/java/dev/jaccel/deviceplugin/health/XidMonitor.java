package dev.jaccel.deviceplugin.health;

import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.MigDevice;
import dev.jaccel.core.model.NvidiaInventory;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Turns critical XIDs into unhealthy marks. An event for a whole GPU marks the GPU (and so every
 * MIG device on it); an event that names a GPU and compute instance marks only that MIG device,
 * as NVIDIA's plugin does. When NVML can no longer wait for events, every GPU is reported
 * unhealthy (its health is unknown) until waiting works again.
 */
public final class XidMonitor implements AutoCloseable {
    private static final int WAIT_MS = 1000;
    private static final String WAIT_FAILED = "cannot watch NVML events: ";

    private final XidEventSource source;
    private final XidPolicy policy;
    private final HealthMarks marks;
    private final HealthBook book;
    private final List<GpuDevice> gpus;
    private final Consumer<String> log;
    private final Map<String, GpuDevice> byUuid = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public XidMonitor(XidEventSource source, XidPolicy policy, HealthMarks marks, HealthBook book,
                      NvidiaInventory nvidia, Consumer<String> log) {
        this.source = source;
        this.policy = policy;
        this.marks = marks;
        this.book = book;
        this.gpus = nvidia.devices();
        this.log = log;
        gpus.forEach(g -> byUuid.put(g.uuid(), g));
        this.thread = Thread.ofPlatform().daemon().name("jaccel-xid-events").unstarted(this::loop);
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        boolean failing = false;
        while (running) {
            Optional<XidEvent> event;
            try {
                event = source.next(WAIT_MS);
                if (failing) {
                    gpus.forEach(g -> book.set(g.uuid(), HealthBook.Source.EVENTS, null));
                    failing = false;
                }
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                if (!failing) {
                    log.accept(WAIT_FAILED + e.getMessage() + ": every GPU is unhealthy until it works again");
                    gpus.forEach(g -> book.set(g.uuid(), HealthBook.Source.EVENTS, WAIT_FAILED + e.getMessage()));
                    failing = true;
                }
                sleep();
                continue;
            }
            event.ifPresent(this::handle);
        }
    }

    /** Marks the unit an event concerns, unless the policy ignores its XID. */
    void handle(XidEvent e) {
        GpuDevice gpu = byUuid.get(e.gpuUuid());
        if (gpu == null) {
            log.accept("XID " + e.xid() + " on " + e.gpuUuid() + ", a GPU this plugin does not offer: ignored");
            return;
        }
        if (!policy.critical(e.xid())) {
            log.accept("XID " + e.xid() + " on GPU " + gpu.index() + " (" + gpu.uuid() + "): an application error, "
                    + "the GPU stays healthy");
            return;
        }
        String unit = migUnit(gpu, e).orElse(gpu.uuid());
        String reason = "XID " + e.xid() + " at " + Instant.now() + " (critical; remove this file once the GPU is "
                + "reset or the error is understood)";
        log.accept("XID " + e.xid() + " on GPU " + gpu.index() + ": " + unit + " is unhealthy (mark in " + marks.dir() + ")");
        marks.mark(unit, reason);
    }

    private static Optional<String> migUnit(GpuDevice gpu, XidEvent e) {
        if (e.gpuInstanceId() == null || e.computeInstanceId() == null) {
            return Optional.empty();
        }
        for (MigDevice m : gpu.migDevices()) {
            if (Objects.equals(m.gpuInstanceId(), e.gpuInstanceId())
                    && Objects.equals(m.computeInstanceId(), e.computeInstanceId())) {
                return Optional.of(m.uuid());
            }
        }
        return Optional.empty();
    }

    private void sleep() {
        try {
            Thread.sleep(WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2 * WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }
}
