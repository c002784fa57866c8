package dev.jaccel.core.neuron;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The documented NEURON_RT_VISIBLE_CORES forms (docs/neuron-semantics.md §3.2) and list errors. */
class IndexListTest {
    private static List<Integer> ints(String s) {
        return Arrays.stream(s.split(" ")).map(Integer::valueOf).toList();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"0 | 0", "0-2 | 0 1 2", "3,4,5,6 | 3 4 5 6", "3-6 | 3 4 5 6",
            "3-5,6 | 3 4 5 6", "' 1 , 2-3 ' | 1 2 3", "51,52 | 51 52", "5-5 | 5", "2,0 | 2 0"})
    void parses(String value, String expected) {
        assertEquals(ints(expected), IndexList.parse(value, "NEURON_RT_VISIBLE_CORES='" + value + "'", "core"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a | 'a' is not an index",
            "1, | empty entry",
            ",1 | empty entry",
            "1-a | '1-a' is not an index",
            "-1 | '-1' is not an index",
            "1--2 | '1--2' is not an index",
            "5-3 | range '5-3' runs backwards",
            "1,1 | core 1 is listed twice",
            "0-3,2 | core 2 is listed twice",
            "99999 | '99999' is not an index",
            "0x1 | '0x1' is not an index",
    })
    void refusesMalformedListsWithExit2(String value, String message) {
        JaccelException e = assertThrows(JaccelException.class, () -> IndexList.parse(value, "V", "core"));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("V: " + message), e.getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {"0 | 0", "0 1 2 3 | 0-3", "0 1 4 | 0-1,4", "1 3 5 | 1,3,5"})
    void formatsRanges(String values, String expected) {
        assertEquals(expected, IndexList.format(ints(values)));
    }
}
