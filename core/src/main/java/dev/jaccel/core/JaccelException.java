package dev.jaccel.core;

/**
 * An expected failure with a message meant for the user and the exit code that goes with it.
 * Commands print {@link #getMessage()} alone, never a stack trace. Messages quote user input, so
 * the whole message goes through {@link Messages#line}: always one line, never unbounded.
 */
public class JaccelException extends RuntimeException {
    private final ExitCode exitCode;

    public JaccelException(ExitCode exitCode, String message) {
        super(Messages.line(message));
        this.exitCode = exitCode;
    }

    public JaccelException(ExitCode exitCode, String message, Throwable cause) {
        super(Messages.line(message), cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    /** Bad usage or input (exit 2). */
    public static JaccelException badInput(String message) {
        return new JaccelException(ExitCode.USAGE, message);
    }

    /** Devices or requirements cannot be satisfied (exit 3). */
    public static JaccelException unsatisfied(String message) {
        return new JaccelException(ExitCode.UNSATISFIED, message);
    }

    /** Driver or library unavailable (exit 4). */
    public static JaccelException driverUnavailable(String message, Throwable cause) {
        return new JaccelException(ExitCode.DRIVER_UNAVAILABLE, message, cause);
    }
}
