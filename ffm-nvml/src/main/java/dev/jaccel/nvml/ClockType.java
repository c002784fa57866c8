package dev.jaccel.nvml;

/** A clock domain, {@code nvmlClockType_t} (nvml.h). */
public enum ClockType {
    GRAPHICS(0), SM(1), MEMORY(2), VIDEO(3);

    private final int value;

    ClockType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
