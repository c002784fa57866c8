package dev.jaccel.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessagesTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            // input (R<n>: 'x' repeated n times, E<n>: "\n" repeated n times) | limit | expected
            "plain              | 10 | plain",
            "'a\nb'             | 10 | a\\nb",
            "'esc\u001b[31m'    | 20 | esc\\x1b[31m",
            "'del\u007f'        | 20 | del\\x7f",
            "'ls\u2028x\u0085'  | 20 | ls\\u2028x\\u0085",
            "R10                | 10 | xxxxxxxxxx",
            "R11                | 10 | xxxxxxxxxx...[1 more characters]",
            "R5242880           | 10 | xxxxxxxxxx...[5242870 more characters]",
            // an escape that would cross the limit is left out whole
            "E3                 | 5  | \\n\\n...[1 more characters]",
            // a surrogate pair is never split
            "'abcd\uD83D\uDE00' | 5  | abcd...[2 more characters]",
            "'abc\uD83D\uDE00'  | 5  | abc\uD83D\uDE00",
            "NULL               | 10 | null",
    })
    void oneLineAndBounded(String input, int limit, String expected) {
        assertEquals(expected, Messages.bounded(expand(input), limit));
    }

    private static String expand(String input) {
        if (input != null && input.matches("[RE]\\d+")) {
            return (input.charAt(0) == 'R' ? "x" : "\n").repeat(Integer.parseInt(input.substring(1)));
        }
        return input;
    }

    @Test
    void quoteWrapsTheBoundedInput() {
        String quoted = Messages.quote("y".repeat(5 << 20));
        assertTrue(quoted.startsWith("'" + "y".repeat(Messages.INPUT_LIMIT) + "...[" + ((5 << 20) - Messages.INPUT_LIMIT)
                + " more characters]'"), quoted);
        assertEquals("'GPU-1\\n'", Messages.quote("GPU-1\n"));
    }

    @Test
    void everyJaccelExceptionIsBoundedEvenWhereNoInputWasQuoted() {
        String message = JaccelException.badInput("bad: " + "z".repeat(5 << 20)).getMessage();
        assertTrue(message.length() < Messages.MESSAGE_LIMIT + 40, "length " + message.length());
        assertTrue(message.endsWith(" more characters]"), message.substring(message.length() - 40));
    }
}
