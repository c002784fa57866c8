package dev.jaccel.core.spi;

/** A backend cannot produce its inventory: no driver, no library, a failing init. */
public class BackendUnavailableException extends Exception {
    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
