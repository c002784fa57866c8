package dev.jaccel.nvml;

import java.util.Set;

/** The {@code nvmlEventType*} masks of nvml.h; a device says which it supports ({@link NvmlDevice#supportedEventTypes()}). */
public enum NvmlEventType implements Masks.Bit {
    SINGLE_BIT_ECC_ERROR(0x1L),
    DOUBLE_BIT_ECC_ERROR(0x2L),
    PSTATE(0x4L),
    /** An XID error: the event's data is the XID number (999 when the driver does not know it). */
    XID_CRITICAL_ERROR(0x8L),
    CLOCK(0x10L),
    POWER_SOURCE_CHANGE(0x80L),
    MIG_CONFIG_CHANGE(0x100L),
    SINGLE_BIT_ECC_ERROR_STORM(0x200L),
    DRAM_RETIREMENT_EVENT(0x400L),
    DRAM_RETIREMENT_FAILURE(0x800L),
    NON_FATAL_POISON_ERROR(0x1000L),
    FATAL_POISON_ERROR(0x2000L),
    GPU_UNAVAILABLE_ERROR(0x4000L),
    GPU_RECOVERY_ACTION(0x8000L);

    private final long mask;

    NvmlEventType(long mask) {
        this.mask = mask;
    }

    @Override
    public long mask() {
        return mask;
    }

    /** The types of a mask; bits this binding does not know are left out. */
    public static Set<NvmlEventType> of(long mask) {
        return Masks.decode(NvmlEventType.class, mask);
    }

    /** The mask of a set of types. */
    public static long maskOf(Set<NvmlEventType> types) {
        return Masks.encode(types);
    }
}
