package dev.jaccel.neuron;

/** A libnrt call returned a status other than {@code NRT_SUCCESS}. */
public final class NrtException extends Exception {
    private final int code;
    private final String function;

    public NrtException(String function, int code) {
        super(function + " returned " + NrtStatus.nameOf(code) + " (" + code + ")");
        this.function = function;
        this.code = code;
    }

    /** The {@code NRT_STATUS} value. */
    public int code() {
        return code;
    }

    /** The C name of {@link #code()}, or {@code unknown(n)}. */
    public String name() {
        return NrtStatus.nameOf(code);
    }

    /** The libnrt function that failed. */
    public String function() {
        return function;
    }
}
