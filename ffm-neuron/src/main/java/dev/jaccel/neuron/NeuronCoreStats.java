package dev.jaccel.neuron;

import java.util.Map;
import java.util.Optional;

/**
 * What the Neuron driver publishes in sysfs about one physical NeuronCore, readable by any
 * process without owning the core (no {@code nrt_init}): {@code neuron<N>/neuron_core<K>/stats/}
 * as the driver's sysfs user guide lays it out (aws-neuron-sdk
 * {@code tools/neuron-sys-tools/neuron-sysfs-user-guide.rst}). Counters are the {@code total} the
 * driver has accumulated since it loaded; a counter the driver does not publish (older or newer
 * layouts: driver 2.31 moved several nodes) is empty. There is no utilization percentage in sysfs:
 * neuron-monitor computes that inside the runtime.
 *
 * @param device                 the device index (as {@code /dev/neuron<N>} is named here)
 * @param core                   the physical core on that device, as sysfs numbers it
 * @param deviceMemoryBytes      device memory in use by the runtime on this core: the sum of
 *                               {@code deviceMemoryByCategory}; empty when none is published
 * @param deviceMemoryByCategory {@code memory_usage/device_mem/<category>/total}: tensors, constants, model_code, ...
 * @param executionsSucceeded    {@code status/success/total}
 * @param executionsFailed       {@code status/failure/total}
 * @param inferences             {@code other_info/inference_count}
 * @param flops                  {@code other_info/flop_count}: divide the change by the interval for FLOP/s
 * @param modelLoads             {@code other_info/model_load_count}
 * @param executionTimeMicros    {@code other_info/nc_time_in_use}: the current execution's time on the hardware
 */
public record NeuronCoreStats(int device, int core, Optional<Long> deviceMemoryBytes,
                              Map<String, Long> deviceMemoryByCategory, Optional<Long> executionsSucceeded,
                              Optional<Long> executionsFailed, Optional<Long> inferences, Optional<Long> flops,
                              Optional<Long> modelLoads, Optional<Long> executionTimeMicros) {
    public NeuronCoreStats {
        deviceMemoryByCategory = Map.copyOf(deviceMemoryByCategory);
    }
}
