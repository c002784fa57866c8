package dev.jaccel.neuron;

/** libnrt could not be loaded: the message says where jaccel looked and what to do. */
public final class NrtLoadException extends Exception {
    public NrtLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
