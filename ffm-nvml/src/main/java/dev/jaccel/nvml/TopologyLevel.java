package dev.jaccel.nvml;

/**
 * How close two GPUs are on the PCIe tree: {@code nvmlGpuTopologyLevel_t}, the closest common
 * ancestor {@code nvmlDeviceGetTopologyCommonAncestor} reports (nvml.h). Declared nearest first, so
 * {@code compareTo} orders pairs from best to worst placed.
 */
public enum TopologyLevel {
    /** The same board (e.g. the two GPUs of a K80). */
    INTERNAL(0),
    /** Behind one PCIe switch. */
    SINGLE(10),
    /** Behind several PCIe switches, without crossing a host bridge. */
    MULTIPLE(20),
    /** Under the same host bridge. */
    HOSTBRIDGE(30),
    /** On the same NUMA node (NVML's former {@code CPU} level). */
    NODE(40),
    /** Anywhere in the system: across NUMA nodes. */
    SYSTEM(50);

    private final int value;

    TopologyLevel(int value) {
        this.value = value;
    }

    /** The {@code nvmlGpuTopologyLevel_t} value. */
    public int value() {
        return value;
    }

    /** The level of an NVML value; a value this binding does not know counts as {@link #SYSTEM}, the farthest. */
    public static TopologyLevel of(int value) {
        for (TopologyLevel l : values()) {
            if (l.value == value) {
                return l;
            }
        }
        return SYSTEM;
    }
}
