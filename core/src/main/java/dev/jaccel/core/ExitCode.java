package dev.jaccel.core;

/** The exit codes of every jaccel command (docs/design.md §2.5). */
public enum ExitCode {
    /** Success. */
    OK(0),
    /** An internal error: a bug in jaccel, reported in one line (the trace with {@code JACCEL_DEBUG=1}). */
    INTERNAL(1),
    /** Bad usage or bad input; the message names the input and what is wrong. */
    USAGE(2),
    /** Requested devices or requirements cannot be satisfied. */
    UNSATISFIED(3),
    /** A driver or vendor library is unavailable. */
    DRIVER_UNAVAILABLE(4);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
