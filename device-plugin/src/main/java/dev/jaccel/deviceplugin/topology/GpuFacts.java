package dev.jaccel.deviceplugin.topology;

import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.MigDevice;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the plugin needs to know about GPUs beyond the inventory: where they sit (NUMA node,
 * links to each other), the MIG profiles, and whether a GPU is still reachable. Fed by NVML
 * ({@link NvmlGpuFacts}); every answer may be "unknown", never invented.
 */
public interface GpuFacts extends AutoCloseable {
    /** The GPU's NUMA node; empty when unknown (the device is then sent without TopologyInfo). */
    OptionalInt numaNode(GpuDevice gpu);

    /** A MIG device's profile ({@code 1g.10gb}); empty when NVML does not name it. */
    Optional<String> migProfile(GpuDevice parent, MigDevice mig);

    /** How two different GPUs are joined. */
    GpuLink link(GpuDevice a, GpuDevice b);

    /** Why the GPU cannot be used now ({@code GPU_IS_LOST}), empty while it answers. */
    Optional<String> problem(GpuDevice gpu);

    @Override
    void close();

    /** No NVIDIA GPU on this host: nothing to say. */
    GpuFacts NONE = new GpuFacts() {
        @Override
        public OptionalInt numaNode(GpuDevice gpu) {
            return OptionalInt.empty();
        }

        @Override
        public Optional<String> migProfile(GpuDevice parent, MigDevice mig) {
            return Optional.empty();
        }

        @Override
        public GpuLink link(GpuDevice a, GpuDevice b) {
            return GpuLink.UNKNOWN;
        }

        @Override
        public Optional<String> problem(GpuDevice gpu) {
            return Optional.empty();
        }

        @Override
        public void close() {
        }
    };
}
