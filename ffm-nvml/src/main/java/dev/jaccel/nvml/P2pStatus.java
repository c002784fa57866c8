package dev.jaccel.nvml;

/** The answer of {@code nvmlDeviceGetP2PStatus}: {@code nvmlGpuP2PStatus_t} (nvml.h). */
public enum P2pStatus {
    OK, CHIPSET_NOT_SUPPORTED, GPU_NOT_SUPPORTED, IOH_TOPOLOGY_NOT_SUPPORTED, DISABLED_BY_REGKEY, NOT_SUPPORTED,
    /** {@code NVML_P2P_STATUS_UNKNOWN}, and any value this binding does not know. */
    UNKNOWN;

    /** The status of an NVML value (the enum counts up from 0). */
    public static P2pStatus of(int value) {
        P2pStatus[] all = values();
        return value >= 0 && value < all.length ? all[value] : UNKNOWN;
    }

    public boolean isOk() {
        return this == OK;
    }
}
