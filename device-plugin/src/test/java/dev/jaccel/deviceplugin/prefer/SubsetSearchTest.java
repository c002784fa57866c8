package dev.jaccel.deviceplugin.prefer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SubsetSearchTest {
    /** Devices 0..n-1 in pairs (0,1), (2,3), ...: a pair scores 10, anything else 0. */
    private static int pairs(int a, int b) {
        return a / 2 == b / 2 ? 10 : 0;
    }

    @ParameterizedTest(name = "n={0} fixed=[{1}] k={2} -> [{3}]")
    @CsvSource(delimiter = ';', value = {
            "8; ; 2; 0 1",
            "8; 5; 1; 4",
            "8; 2 7; 2; 3 6",
            "8; ; 8; 0 1 2 3 4 5 6 7",
            // 40 choose 8 is past the exhaustive limit: the greedy search still keeps pairs together
            "40; 13; 3; 0 1 12",
    })
    void bestSetOrGreedyBeyondTheLimit(int n, String fixed, int k, String expected) {
        int[] f = fixed == null || fixed.isBlank() ? new int[0] : Arrays.stream(fixed.trim().split(" ")).mapToInt(Integer::parseInt).toArray();
        int[] candidates = java.util.stream.IntStream.range(0, n).filter(i -> Arrays.stream(f).noneMatch(x -> x == i)).toArray();
        int[] got = SubsetSearch.best(f, candidates, k, SubsetSearchTest::pairs);
        assertEquals(expected, String.join(" ", Arrays.stream(got).sorted().mapToObj(String::valueOf).toList()));
    }
}
