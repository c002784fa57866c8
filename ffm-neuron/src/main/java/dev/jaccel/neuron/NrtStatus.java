package dev.jaccel.neuron;

import java.util.Map;

/**
 * {@code NRT_STATUS} codes and their C names (aws-neuron-sdk {@code src/libnrt/include/nrt/nrt_status.h};
 * docs/neuron-semantics.md §1.4). Codes added after the 2022 header (15, 101, 1006, 1200-1206)
 * are included; any other code is {@code unknown(n)}.
 */
public final class NrtStatus {
    public static final int SUCCESS = 0;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0, "NRT_SUCCESS"),
            Map.entry(1, "NRT_FAILURE"),
            Map.entry(2, "NRT_INVALID"),
            Map.entry(3, "NRT_INVALID_HANDLE"),
            Map.entry(4, "NRT_RESOURCE"),
            Map.entry(5, "NRT_TIMEOUT"),
            Map.entry(6, "NRT_HW_ERROR"),
            Map.entry(7, "NRT_QUEUE_FULL"),
            Map.entry(9, "NRT_LOAD_NOT_ENOUGH_NC"),
            Map.entry(10, "NRT_UNSUPPORTED_NEFF_VERSION"),
            Map.entry(11, "NRT_FAIL_HOST_MEM_ALLOC"),   // kept for compatibility; 12 was never used
            Map.entry(13, "NRT_UNINITIALIZED"),
            Map.entry(14, "NRT_CLOSED"),
            Map.entry(15, "NRT_QUEUE_EMPTY"),
            Map.entry(101, "NRT_EXEC_UNIT_UNRECOVERABLE"),
            Map.entry(1002, "NRT_EXEC_BAD_INPUT"),
            Map.entry(1003, "NRT_EXEC_COMPLETED_WITH_NUM_ERR"),
            Map.entry(1004, "NRT_EXEC_COMPLETED_WITH_ERR"),
            Map.entry(1005, "NRT_EXEC_NC_BUSY"),
            Map.entry(1006, "NRT_EXEC_OOB"),           // the developer guide's table spells it NRT_OOB
            Map.entry(1100, "NRT_COLL_PENDING"),
            Map.entry(1200, "NRT_EXEC_HW_ERR_COLLECTIVES"),
            Map.entry(1201, "NRT_EXEC_HW_ERR_HBM_UE"),
            Map.entry(1202, "NRT_EXEC_HW_ERR_NC_UE"),
            Map.entry(1203, "NRT_EXEC_HW_ERR_DMA_ABORT"),
            Map.entry(1204, "NRT_EXEC_SW_NQ_OVERFLOW"),
            Map.entry(1205, "NRT_EXEC_HW_ERR_REPAIRABLE_HBM_UE"),
            Map.entry(1206, "NRT_NETWORK_PROXY_FAILURE"));

    private NrtStatus() {
    }

    /** The C name of a status, e.g. {@code NRT_EXEC_NC_BUSY}, or {@code unknown(n)}. */
    public static String nameOf(int code) {
        String name = NAMES.get(code);
        return name != null ? name : "unknown(" + code + ")";
    }

    /** Every known code (for tests and documentation). */
    public static Map<Integer, String> all() {
        return NAMES;
    }
}
