package dev.jaccel.nvml;

import java.util.Set;

/**
 * Why the clocks are where they are: the {@code nvmlClocksEventReason*} mask of nvml.h (called
 * "throttle reasons" before NVML 12.x).
 */
public enum ClocksEventReason implements Masks.Bit {
    GPU_IDLE(0x1L),
    APPLICATIONS_CLOCKS_SETTING(0x2L),
    SW_POWER_CAP(0x4L),
    HW_SLOWDOWN(0x8L),
    SYNC_BOOST(0x10L),
    SW_THERMAL_SLOWDOWN(0x20L),
    HW_THERMAL_SLOWDOWN(0x40L),
    HW_POWER_BRAKE_SLOWDOWN(0x80L),
    DISPLAY_CLOCK_SETTING(0x100L);

    private final long mask;

    ClocksEventReason(long mask) {
        this.mask = mask;
    }

    @Override
    public long mask() {
        return mask;
    }

    /** The reasons in a mask; bits this binding does not know are left out. */
    public static Set<ClocksEventReason> of(long mask) {
        return Masks.decode(ClocksEventReason.class, mask);
    }
}
