package dev.jaccel.deviceplugin.health;

import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.spi.HostContext;

import java.util.Optional;
import java.util.function.Consumer;

/** Where XID events come from: opens the NVML event source for the host's GPUs. */
@FunctionalInterface
public interface XidEventSources {
    /**
     * The source for these GPUs, or empty (with the reason logged) when events cannot be had: the
     * GPUs are then offered without XID monitoring.
     */
    Optional<XidEventSource> open(HostContext host, NvidiaInventory nvidia, Consumer<String> log);

    /**
     * NVML's event API. The binding of {@code nvmlEventSetCreate}, {@code nvmlDeviceRegisterEvents},
     * {@code nvmlEventSetWait_v2} and {@code nvmlEventSetFree} comes with the ffm-nvml event
     * support; until then the GPUs' health rests on the presence probe and the marks.
     */
    XidEventSources NVML = (host, nvidia, log) -> {
        log.accept("XID events: this build's NVML binding has no event API yet; GPU health comes from "
                + "lost-GPU checks and unhealthy marks only");
        return Optional.empty();
    };
}
