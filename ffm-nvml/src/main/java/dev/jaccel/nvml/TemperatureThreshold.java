package dev.jaccel.nvml;

/** A temperature threshold, {@code nvmlTemperatureThresholds_t} (nvml.h). */
public enum TemperatureThreshold {
    /** The GPU shuts down to protect the hardware. */
    SHUTDOWN(0),
    /** Hardware slowdown begins. */
    SLOWDOWN(1),
    /** The memory temperature at which software slowdown begins. */
    MEMORY_MAX(2),
    /** The GPU temperature above which it may be throttled below its base clock. */
    GPU_MAX(3);

    private final int value;

    TemperatureThreshold(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
