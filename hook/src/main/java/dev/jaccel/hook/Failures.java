package dev.jaccel.hook;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;

import java.io.PrintStream;

/**
 * The one mapping from a failure to what the user sees and the exit code, for every command: a
 * {@link JaccelException} is an expected outcome (its message and its code); anything else is a
 * bug: {@link ExitCode#INTERNAL}, one line, the stack trace only with {@code JACCEL_DEBUG=1}.
 * Always exactly one line, because a container runtime puts a hook's stderr into its own log.
 */
public final class Failures {
    private Failures() {
    }

    /**
     * Prints {@code <prefix>: <message>} and returns the exit code.
     *
     * @param prefix who speaks, e.g. {@code jaccel hook prestart}
     */
    public static int report(String prefix, Throwable failure, PrintStream err, boolean debug) {
        if (failure instanceof JaccelException e) {
            err.println(prefix + ": " + e.getMessage());
            return e.exitCode().code();
        }
        // JaccelException's constructor escapes control characters: the line stays one line
        err.println(prefix + ": " + new JaccelException(ExitCode.INTERNAL, "internal error: " + failure).getMessage()
                + (debug ? "" : " (set JACCEL_DEBUG=1 for the stack trace)"));
        if (debug) {
            failure.printStackTrace(err);
        }
        return ExitCode.INTERNAL.code();
    }
}
