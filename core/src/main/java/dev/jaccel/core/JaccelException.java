package dev.jaccel.core;

/**
 * An expected failure with a message meant for the user and the exit code that goes with it.
 * Commands print {@link #getMessage()} alone, never a stack trace. Messages quote user input, so
 * control characters in them are escaped: a message is always one line.
 */
public class JaccelException extends RuntimeException {
    private final ExitCode exitCode;

    public JaccelException(ExitCode exitCode, String message) {
        super(oneLine(message));
        this.exitCode = exitCode;
    }

    public JaccelException(ExitCode exitCode, String message, Throwable cause) {
        super(oneLine(message), cause);
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

    /** Escapes control and line-separator characters ({@code \n}, {@code \x1b}, {@code \u2028}). */
    static String oneLine(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            String escaped = switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c)
                        : c == 0x85 || c == 0x2028 || c == 0x2029 ? String.format("\\u%04x", (int) c) : null;
            };
            if (escaped != null && sb == null) {
                sb = new StringBuilder(message.length() + 8).append(message, 0, i);
            }
            if (sb != null) {
                if (escaped != null) {
                    sb.append(escaped);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? message : sb.toString();
    }
}
