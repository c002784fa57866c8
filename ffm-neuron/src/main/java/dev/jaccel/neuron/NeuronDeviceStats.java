package dev.jaccel.neuron;

import java.util.Map;
import java.util.Optional;

/**
 * What the Neuron driver publishes in sysfs about one device as a whole ({@code neuron<N>/stats/}),
 * readable without {@code nrt_init}; see {@link NeuronCoreStats} for the source and what an empty
 * value means.
 *
 * @param hostMemoryBytes         host memory the runtime uses for this device: the sum of the categories
 * @param hostMemoryByCategory    {@code memory_usage/host_mem/<category>/total}
 * @param memoryEccUncorrected    {@code hardware/mem_ecc_uncorrected}: uncorrected DRAM ECC events
 * @param sramEccUncorrected      {@code hardware/sram_ecc_uncorrected}
 * @param power                   {@code power/utilization}
 */
public record NeuronDeviceStats(int device, Optional<Long> hostMemoryBytes, Map<String, Long> hostMemoryByCategory,
                                Optional<Long> memoryEccUncorrected, Optional<Long> sramEccUncorrected,
                                Optional<PowerUtilization> power) {
    public NeuronDeviceStats {
        hostMemoryByCategory = Map.copyOf(hostMemoryByCategory);
    }
}
