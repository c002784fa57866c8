package dev.jaccel.nvml;

/**
 * A failed NVML call, a missing NVML function or a library that cannot be loaded: the native code,
 * its name and the function that returned it. Callers branch on {@link #returnCode()}, never on
 * the text (the driver's texts differ from pynvml's, docs/nvml.md §2).
 */
public final class NvmlException extends Exception {
    private final int code;
    private final String function;

    public NvmlException(int code, String function, String message) {
        super(function + ": " + NvmlReturn.of(code).name() + " (" + code + ")"
                + (message == null || message.isEmpty() ? "" : ": " + message));
        this.code = code;
        this.function = function;
    }

    /** The raw {@code nvmlReturn_t}. */
    public int code() {
        return code;
    }

    public NvmlReturn returnCode() {
        return NvmlReturn.of(code);
    }

    /** The NVML function (symbol) that failed, e.g. {@code nvmlDeviceGetHandleByIndex_v2}. */
    public String function() {
        return function;
    }

    public boolean is(NvmlReturn r) {
        return code == r.code();
    }
}
