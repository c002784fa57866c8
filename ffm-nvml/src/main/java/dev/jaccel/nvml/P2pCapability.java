package dev.jaccel.nvml;

/** What a peer-to-peer query asks about: {@code nvmlGpuP2PCapsIndex_t} (nvml.h). */
public enum P2pCapability {
    READ(0), WRITE(1), NVLINK(2), ATOMICS(3), PCI(4);

    private final int value;

    P2pCapability(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
