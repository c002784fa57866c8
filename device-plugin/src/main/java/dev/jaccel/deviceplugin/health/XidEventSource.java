package dev.jaccel.deviceplugin.health;

import java.util.Optional;

/**
 * Critical-XID events of the host's GPUs, fed by NVML's event API ({@code nvmlEventSetCreate},
 * {@code nvmlDeviceRegisterEvents}, {@code nvmlEventSetWait_v2}, {@code nvmlEventSetFree}).
 */
public interface XidEventSource extends AutoCloseable {
    /**
     * The next event, waiting up to {@code timeoutMs}; empty when none came in time.
     *
     * @throws Exception when NVML cannot wait for events any more (every GPU's health is then unknown)
     */
    Optional<XidEvent> next(int timeoutMs) throws Exception;

    @Override
    void close();
}
