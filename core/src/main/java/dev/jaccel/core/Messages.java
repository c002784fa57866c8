package dev.jaccel.core;

/**
 * Input quoted in a message, made safe to print: one line (control and line-separator characters
 * escaped) and bounded (a long input is cut, with the number of characters left out), so a 5 MB
 * environment value or file name cannot flood a runtime's log or a terminal. Every message that
 * quotes something it was given goes through {@link #quote} or {@link #input}; {@link JaccelException}
 * passes its whole message through {@link #line} as the backstop.
 */
public final class Messages {
    /** Characters of one quoted input, escapes included; a GPU UUID is 40, a long path a few hundred. */
    public static final int INPUT_LIMIT = 256;
    /** Characters of one whole message: several quoted inputs plus their explanation. */
    public static final int MESSAGE_LIMIT = 4096;

    private Messages() {
    }

    /** {@code 'input'}: the input in single quotes, one line, at most {@link #INPUT_LIMIT} characters. */
    public static String quote(String input) {
        return "'" + input(input) + "'";
    }

    /** The input without quotes, one line, at most {@link #INPUT_LIMIT} characters (for NVIDIA's own wordings). */
    public static String input(String input) {
        return bounded(input, INPUT_LIMIT);
    }

    /** A whole message: one line, at most {@link #MESSAGE_LIMIT} characters. */
    public static String line(String message) {
        return bounded(message, MESSAGE_LIMIT);
    }

    /**
     * Escapes {@code \n}, {@code \r}, {@code \t}, other C0 controls and DEL as {@code \xNN} (hex), and the
     * characters that end a line elsewhere (NEL, U+2028, U+2029) as a backslash-u escape; stops once the
     * result reaches {@code limit} and says how many characters of the input were left out.
     */
    static String bounded(String text, int limit) {
        if (text == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(Math.min(text.length(), limit) + 32);
        int i = 0;
        while (i < text.length()) {
            int c = text.codePointAt(i);
            String escaped = escape(c);
            int width = escaped != null ? escaped.length() : Character.charCount(c);
            if (sb.length() + width > limit) {
                break;
            }
            if (escaped != null) {
                sb.append(escaped);
            } else {
                sb.appendCodePoint(c);
            }
            i += Character.charCount(c);
        }
        if (i < text.length()) {
            sb.append("...[").append(text.length() - i).append(" more characters]");
        }
        return sb.toString();
    }

    private static String escape(int c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> c < 0x20 || c == 0x7f ? String.format("\\x%02x", c)
                    : c == 0x85 || c == 0x2028 || c == 0x2029 ? String.format("\\u%04x", c) : null;
        };
    }
}
