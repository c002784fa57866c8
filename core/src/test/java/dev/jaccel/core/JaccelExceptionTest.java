package dev.jaccel.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JaccelExceptionTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"plain | plain", "'a\nb' | a\\nb", "'tab\there' | tab\\there",
            "'esc\u001b[31m' | esc\\x1b[31m", "'ls\u2028x' | ls\\u2028x", "'cr\r' | cr\\r"})
    void messagesAreOneLine(String message, String expected) {
        assertEquals(expected, JaccelException.badInput(message).getMessage());
    }
}
