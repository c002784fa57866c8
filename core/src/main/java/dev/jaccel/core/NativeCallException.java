package dev.jaccel.core;

/**
 * A call into a vendor library returned an error code: the function, the native code and its
 * name (e.g. {@code nvmlDeviceGetHandleByIndex_v2}, 15, {@code GPU_IS_LOST}). Branch on the code,
 * never on the message: vendors' texts for one code differ between releases and wrappers.
 */
public abstract class NativeCallException extends NativeLibraryException {
    private final String function;
    private final int code;
    private final String codeName;

    protected NativeCallException(String library, String function, int code, String codeName, String detail) {
        super(library, function + ": " + codeName + " (" + code + ")"
                + (detail == null || detail.isEmpty() ? "" : ": " + detail), null);
        this.function = function;
        this.code = code;
        this.codeName = codeName;
    }

    /** The native function (symbol) that returned {@link #code()}. */
    public String function() {
        return function;
    }

    /** The raw code the function returned. */
    public int code() {
        return code;
    }

    /** The code's name in the vendor's header without its prefix ({@code GPU_IS_LOST}, {@code FAILURE}). */
    public String codeName() {
        return codeName;
    }
}
