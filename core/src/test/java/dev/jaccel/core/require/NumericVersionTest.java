package dev.jaccel.core.require;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NumericVersionTest {
    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
            // NVIDIA's trailing-zero rule (docs/nvidia-container-semantics.md §2.2)
            "12.0, 12, 0",
            "12, 12.0.0, 0",
            "535.104.05, 535, 1",
            "535, 535.104.05, -1",
            "12.10, 12.2, 1",    // numeric, not lexical
            "12.2, 12.10, -1",
            "550.54.15, 550.54.15, 0",
            "9.0, 9.0.0.0, 0",
            "007, 7, 0",
            "4294967296.1, 4294967295.9, 1",
            "99999999999999999999999, 1, 1",
    })
    void comparesPerComponentWithTrailingZeros(String a, String b, int sign) {
        assertEquals(sign, Integer.signum(NumericVersion.parse(a).orElseThrow()
                .compareTo(NumericVersion.parse(b).orElseThrow())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "9.", ".9", "9..0", "v9", "-9", "+9", "9.0a", "9 .0", "nine"})
    void refusesAnythingButDigitsAndSingleDots(String text) {
        assertTrue(NumericVersion.parse(text).isEmpty());
    }

    @ParameterizedTest(name = "{0} digits, then {1}")
    @CsvSource({"64, '', true", "65, '', false", "5242880, '', false", "5242880, ., false", "3, .1, true"})
    void aHugeComponentIsRefusedInLinearTime(int digits, String rest, boolean version) {
        String text = "1".repeat(digits) + rest;
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertEquals(version, NumericVersion.parse(text).isPresent()));
    }
}
