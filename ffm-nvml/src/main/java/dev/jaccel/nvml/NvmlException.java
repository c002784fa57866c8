package dev.jaccel.nvml;

import dev.jaccel.core.NativeCallException;

/**
 * A failed NVML call or a function this NVML does not export ({@code FUNCTION_NOT_FOUND}): the
 * {@code nvmlReturn_t}, its name and the function that returned it. Unchecked. Callers branch on
 * {@link #returnCode()} or {@link #is(NvmlReturn)}, never on the text (the driver's texts differ
 * from pynvml's, docs/nvml.md §2). A library that cannot be loaded at all is a
 * {@link dev.jaccel.core.LibraryUnavailableException} instead.
 */
public final class NvmlException extends NativeCallException {
    public NvmlException(int code, String function, String message) {
        super(NvmlLibrary.LIBRARY, function, code, NvmlReturn.of(code).name(), message);
    }

    public NvmlReturn returnCode() {
        return NvmlReturn.of(code());
    }

    public boolean is(NvmlReturn r) {
        return code() == r.code();
    }
}
