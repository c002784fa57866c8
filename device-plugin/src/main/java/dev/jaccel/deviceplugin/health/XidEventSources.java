package dev.jaccel.deviceplugin.health;

import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.deviceplugin.topology.GpuFacts;
import dev.jaccel.deviceplugin.topology.NvmlGpuFacts;

import java.util.Optional;
import java.util.function.Consumer;

/** Where XID events come from: opens the event source for the host's GPUs. */
@FunctionalInterface
public interface XidEventSources {
    /**
     * The source for these GPUs, or empty (with the reason logged) when events cannot be had: the
     * GPUs are then offered without XID monitoring.
     */
    Optional<XidEventSource> open(GpuFacts facts, NvidiaInventory nvidia, Consumer<String> log);

    /** NVML's event API, on the session the facts keep open. */
    XidEventSources NVML = (facts, nvidia, log) -> {
        if (facts instanceof NvmlGpuFacts nvml) {
            return Optional.of(nvml.xidEvents(nvidia.devices(), log));
        }
        log.accept("XID events: NVML is not open, GPU health comes from the lost-GPU checks and marks only");
        return Optional.empty();
    };
}
