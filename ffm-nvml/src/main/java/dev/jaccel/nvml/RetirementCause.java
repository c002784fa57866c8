package dev.jaccel.nvml;

/** Why a page was retired, {@code nvmlPageRetirementCause_t} (nvml.h). */
public enum RetirementCause {
    MULTIPLE_SINGLE_BIT_ECC_ERRORS(0), DOUBLE_BIT_ECC_ERROR(1);

    private final int value;

    RetirementCause(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
