package dev.jaccel.deviceplugin.topology;

/**
 * How far apart two GPUs are on the PCIe tree: NVML's {@code nvmlGpuTopologyLevel_t}, from the
 * nearest to the farthest ({@code nvml.h}, nvmlDeviceGetTopologyCommonAncestor).
 */
public enum PcieDistance {
    /** the same board (NVML_TOPOLOGY_INTERNAL, 0) */
    INTERNAL,
    /** one PCIe switch between them (NVML_TOPOLOGY_SINGLE, 10) */
    SINGLE_SWITCH,
    /** several switches, no host bridge (NVML_TOPOLOGY_MULTIPLE, 20) */
    MULTIPLE_SWITCHES,
    /** the same host bridge (NVML_TOPOLOGY_HOSTBRIDGE, 30) */
    HOST_BRIDGE,
    /** the same NUMA node, across host bridges (NVML_TOPOLOGY_NODE, 40) */
    SAME_NUMA_NODE,
    /** across NUMA nodes (NVML_TOPOLOGY_SYSTEM, 50) */
    SYSTEM,
    /** not known (NVML could not say) */
    UNKNOWN;

    /** From NVML's numeric level; anything else is {@link #UNKNOWN}. */
    public static PcieDistance ofNvmlLevel(int level) {
        return switch (level) {
            case 0 -> INTERNAL;
            case 10 -> SINGLE_SWITCH;
            case 20 -> MULTIPLE_SWITCHES;
            case 30 -> HOST_BRIDGE;
            case 40 -> SAME_NUMA_NODE;
            case 50 -> SYSTEM;
            default -> UNKNOWN;
        };
    }
}
