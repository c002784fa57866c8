package dev.jaccel.core;

/**
 * A vendor library jaccel calls in-process (NVML, the Neuron runtime) could not be used: it could
 * not be loaded ({@link LibraryUnavailableException}) or a call returned an error code
 * ({@link NativeCallException}). Unchecked, like every jaccel failure: a caller that can act on a
 * failure catches the subclass it can act on; a command maps any of them to exit code 4.
 */
public abstract class NativeLibraryException extends JaccelException {
    private final String library;

    protected NativeLibraryException(String library, String message, Throwable cause) {
        super(ExitCode.DRIVER_UNAVAILABLE, message, cause);
        this.library = library;
    }

    /** The library in a reader's words: {@code "NVML"}, {@code "the Neuron runtime (libnrt)"}. */
    public String library() {
        return library;
    }
}
