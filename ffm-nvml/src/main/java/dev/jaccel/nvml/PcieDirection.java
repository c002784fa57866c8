package dev.jaccel.nvml;

/** A PCIe throughput counter, {@code nvmlPcieUtilCounter_t} (nvml.h): bytes the GPU sent or received. */
public enum PcieDirection {
    TX(0), RX(1);

    private final int value;

    PcieDirection(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
