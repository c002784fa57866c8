package dev.jaccel.nvml;

/**
 * Which ECC error count ({@code nvmlMemoryErrorType_t} x {@code nvmlEccCounterType_t}, nvml.h):
 * volatile counts restart when the driver loads, aggregate ones last the board's lifetime.
 */
public enum EccCounter {
    VOLATILE_CORRECTED(0, 0), VOLATILE_UNCORRECTED(1, 0), AGGREGATE_CORRECTED(0, 1), AGGREGATE_UNCORRECTED(1, 1);

    private final int errorType;
    private final int counterType;

    EccCounter(int errorType, int counterType) {
        this.errorType = errorType;
        this.counterType = counterType;
    }

    int errorType() {
        return errorType;
    }

    int counterType() {
        return counterType;
    }
}
