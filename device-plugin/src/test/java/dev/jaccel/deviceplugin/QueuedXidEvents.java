package dev.jaccel.deviceplugin;

import dev.jaccel.deviceplugin.health.XidEvent;
import dev.jaccel.deviceplugin.health.XidEventSource;
import dev.jaccel.deviceplugin.health.XidEventSources;

import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * XID events a test hands in, through the same {@link XidEventSource} interface NVML's event API
 * feeds: for what the fake NVML's scheduled events cannot say, an XID attributed to one GPU and
 * compute instance of a MIG-enabled GPU. XIDs from the fake NVML itself: NvmlHealthAndTopologyTest.
 */
final class QueuedXidEvents implements XidEventSource {
    final BlockingQueue<XidEvent> events = new LinkedBlockingQueue<>();

    XidEventSources sources() {
        return (facts, nvidia, log) -> Optional.of(this);
    }

    @Override
    public Optional<XidEvent> next(int timeoutMs) throws InterruptedException {
        return Optional.ofNullable(events.poll(timeoutMs, TimeUnit.MILLISECONDS));
    }

    @Override
    public void close() {
    }
}
