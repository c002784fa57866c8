package dev.jaccel.nvml;

/**
 * {@code nvmlDeviceArchitecture_t} (docs/nvml.md §4.3). Values this table does not know map to
 * {@link #UNKNOWN} instead of failing: drivers add architectures faster than bindings.
 */
public enum Architecture {
    KEPLER(2), MAXWELL(3), PASCAL(4), VOLTA(5), TURING(6), AMPERE(7), ADA(8), HOPPER(9), BLACKWELL(10),
    T23X(11), RUBIN(13), UNKNOWN(0xFFFFFFFF);

    private final int value;

    Architecture(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public static Architecture of(int value) {
        for (Architecture a : values()) {
            if (a.value == value) {
                return a;
            }
        }
        return UNKNOWN;
    }
}
