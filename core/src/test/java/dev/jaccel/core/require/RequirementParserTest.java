package dev.jaccel.core.require;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** nvidia-container-toolkit constraints/factory_test.go and libnvidia-container dsl.c (docs/nvidia-container-semantics.md §2.2, §2.4). */
class RequirementParserTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t"})
    void blankRequiresNothing(String text) {
        assertTrue(RequirementParser.parse("NVIDIA_REQUIRE_CUDA", text).isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "cuda>=11.6 | CUDA | GE | 11.6",
            "cuda>11.6  | CUDA | GT | 11.6",
            "cuda<=11.6 | CUDA | LE | 11.6",
            "cuda<11.6  | CUDA | LT | 11.6",
            "cuda=11.6  | CUDA | EQ | 11.6",
            "cuda!=11.6 | CUDA | NE | 11.6",
            "driver>=470 | DRIVER | GE | 470",
            "arch=5.3   | ARCH | EQ | 5.3",
            "brand=tesla | BRAND | EQ | tesla",
            "CUDA>=12   | CUDA | GE | 12",   // libnvidia-container matches property names case-insensitively
            "Brand!=GeForce | BRAND | NE | GeForce",
    })
    void singleFactor(String text, Property p, Operator op, String value) {
        Requirement r = RequirementParser.parse("NVIDIA_REQUIRE_X", text).orElseThrow();
        assertEquals(List.of(List.of(new Factor(p, op, value))), r.terms());
    }

    @Test
    void spaceIsOrCommaIsAnd() {
        Requirement r = RequirementParser.parse("NVIDIA_REQUIRE_CUDA", "cuda<13.6 cuda>=11.6,arch=5.3").orElseThrow();
        assertEquals(List.of(
                List.of(new Factor(Property.CUDA, Operator.LT, "13.6")),
                List.of(new Factor(Property.CUDA, Operator.GE, "11.6"), new Factor(Property.ARCH, Operator.EQ, "5.3"))),
                r.terms());
        assertEquals(List.of("cuda<13.6", "cuda>=11.6,arch=5.3"), r.termTexts());
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "\"cuda>=12.4\"                          | cuda>=12.4",
            "\"  cuda>=12.4   driver>=535 \"          | cuda>=12.4;driver>=535",
            "\"cuda>=12.4\tbrand=tesla,driver>=535\" | cuda>=12.4;brand=tesla,driver>=535",
            "\"\ncuda>=12.4 \t driver>=535\n\"       | cuda>=12.4;driver>=535",
    })
    void termsAreSeparatedByRunsOfSpacesAndTabs(String text, String terms) {
        Requirement r = RequirementParser.parse("NVIDIA_REQUIRE_CUDA", text.translateEscapes()).orElseThrow();
        assertEquals(List.of(terms.split(";")), r.termTexts());
    }

    @ParameterizedTest
    @ValueSource(strings = {"notvalid", "foo=45", "cuda=foo", "cuda=>11", "cuda", "cuda>=", ">=11",
            "cuda>=11.6,", "cuda>=11..6", "cuda>=v11", "driver>=-1", "cuda>=11.6 foo=bar", "arch>=x", "cuda~11"})
    void malformedIsInvalidExpressionExit2(String text) {
        JaccelException e = assertThrows(JaccelException.class,
                () -> RequirementParser.parse("NVIDIA_REQUIRE_CUDA", text));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("invalid expression in NVIDIA_REQUIRE_CUDA='" + text + "'"),
                e.getMessage());
    }
}
