package dev.jaccel.bench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyReportTest {
    /** hyperfine 1.15's --export-json shape (seconds), two commands named with -n. */
    private static final String HYPERFINE = """
            {"results": [
              {"command": "jvm-floor", "mean": 0.040, "stddev": 0.002, "median": 0.039, "user": 0.030,
               "system": 0.010, "min": 0.036, "max": 0.050, "times": [0.036, 0.038, 0.039, 0.041, 0.050],
               "exit_codes": [0, 0, 0, 0, 0]},
              {"command": "hook-8gpu-snapshot", "mean": 0.070, "stddev": 0.003, "median": 0.0702, "user": 0.05,
               "system": 0.02, "min": 0.066, "max": 0.080, "times": [0.066, 0.070, 0.0702, 0.072, 0.080],
               "exit_codes": [0, 0, 0, 0, 0]}
            ]}
            """;

    @ParameterizedTest(name = "p{1} of {0} = {2}")
    @CsvSource({
            "'1,2,3,4,5,6,7,8,9,10', 0.9, 9",
            "'1,2,3,4,5,6,7,8,9,10', 0.5, 5",
            "'5', 0.9, 5",
            "'1,2', 0.9, 2",
    })
    void percentileIsNearestRankOfTheSortedTimes(String values, double p, double expected) {
        double[] sorted = java.util.Arrays.stream(values.split(",")).mapToDouble(Double::parseDouble).toArray();
        assertEquals(expected, LatencyReport.percentile(sorted, p));
    }

    @ParameterizedTest(name = "axis for {0} ends at {1}")
    @CsvSource({"0.7, 1", "1, 1", "1.3, 2", "2.2, 2.5", "3, 5", "37, 50", "180, 200", "201, 250", "600, 1000"})
    void chartAxisEndsAtARoundNumber(double max, double expected) {
        assertEquals(expected, Svg.niceCeiling(max), 1e-9);
    }

    @Test
    void reportHasMediansRatiosTargetsAndWhatWasNotAvailable(@TempDir Path dir) throws IOException {
        Path hyperfine = Files.writeString(dir.resolve("h.json"), HYPERFINE);
        Path entries = Files.writeString(dir.resolve("entries.tsv"), String.join("\n",
                "jvm-floor\tJVM floor\tavailable\tjava JvmFloor",
                "hook-plain\tjaccel hook, plain\tunavailable\texit 2: jaccel: unknown command 'hook'",
                "hook-8gpu-snapshot\tjaccel hook, 8 GPUs\tavailable\tbin/jaccel hook prestart",
                "runtime-run\tjaccel runtime run\tavailable\tbin/jaccel runtime run"));
        LatencyReport.main(new String[] {hyperfine.toString(), entries.toString(), dir.resolve("out").toString(),
                "date=2026-11-29", "machine=test box"});

        String md = Files.readString(dir.resolve("out/latency.md"));
        assertTrue(md.contains("| JVM floor | 39.0 | 40.0 ± 2.0 | 36.0 | 50.0 | 40.0 | 1.00 |"), md);
        assertTrue(md.contains("| jaccel hook, plain | not available: exit 2: jaccel: unknown command 'hook' |"), md);
        assertTrue(md.contains("(`hook-8gpu-snapshot / jvm-floor`) | 1.80 |  |  |"), "70.2 / 39.0, informational: " + md);
        assertTrue(md.contains("| jaccel runtime run | not available: hyperfine produced no result for it |"), md);
        assertTrue(md.contains("(`jvm-floor / c-null-hook`) | n/a |"), "a ratio with a side missing is n/a: " + md);

        String json = Files.readString(dir.resolve("out/latency.json"));
        assertTrue(json.contains("\"medianMs\" : 70.2"), json);
        assertTrue(json.contains("\"target\" : null"), json);
        String svg = Files.readString(dir.resolve("out/latency.svg"));
        assertTrue(svg.startsWith("<svg ") && svg.strip().endsWith("</svg>"), svg);
        assertTrue(svg.contains(">not available</text>"), svg);
    }

    /** A long label widens the label column instead of running off the chart's left edge. */
    @ParameterizedTest(name = "{0} characters")
    @CsvSource({"20, 330", "91, 617"})
    void theLabelColumnFitsTheLongestLabel(int length, int barX) {
        LatencyReport.Stats stats = new LatencyReport.Stats(10, 10, 1, 9, 12, 5, 5, 11, 30);
        String svg = Svg.barChart(List.of(new LatencyReport.Entry("x", "y".repeat(length), true, "cmd", stats)),
                java.util.Map.of("date", "d"));
        assertTrue(svg.contains("<rect x=\"" + barX + "\" "), "the bar starts after the label column: " + svg);
    }

    /** An overhead ratio: what jaccel adds to runc, in JVM floors; a target it misses is marked. */
    @ParameterizedTest(name = "runtime {0} ms, runc {1} ms, floor {2} ms -> {3}")
    @CsvSource({
            "120, 50, 60, 1.17, yes",
            "140, 50, 60, 1.50, **no**",
    })
    void overheadIsTheDifferenceInFloors(double runtime, double runc, double floor, String value, String met) {
        List<LatencyReport.Entry> rows = List.of(
                new LatencyReport.Entry("runtime-run-8gpu", "8 GPUs", true, "x", stats(runtime)),
                new LatencyReport.Entry("runc-run", "runc", true, "x", stats(runc)),
                new LatencyReport.Entry("jvm-floor", "floor", true, "x", stats(floor)));
        String md = LatencyReport.markdown(rows, Map.of());
        assertTrue(md.contains("(`(runtime-run-8gpu - runc-run) / jvm-floor`) | " + value + " | ≤ 1.3 | " + met + " |"), md);
    }

    static LatencyReport.Stats stats(double median) {
        return new LatencyReport.Stats(median, median, 0, median, median, 0, 0, median, 10);
    }

    @Test
    void ratiosAboutRowsOfAnotherRunAreLeftOut(@TempDir Path dir) throws IOException {
        Path entries = Files.writeString(dir.resolve("e.tsv"), "floor-1\tJVM floor: defaults\tavailable\tjava X\n");
        List<LatencyReport.Entry> rows = LatencyReport.readEntries(entries, Map.of("floor-1",
                new LatencyReport.Stats(40, 41, 1, 39, 45, 30, 10, 44, 20)));
        assertEquals(List.of(), LatencyReport.relevant(rows));
        assertFalse(LatencyReport.markdown(rows, Map.of()).contains("ratio of medians"));
    }

    @Test
    void entriesFileMustHaveFourColumns(@TempDir Path dir) throws IOException {
        Path entries = Files.writeString(dir.resolve("e.tsv"), "jvm-floor\tJVM floor\tavailable\n");
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> LatencyReport.readEntries(entries, Map.of()));
        assertTrue(e.getMessage().contains("expected name<TAB>label<TAB>status<TAB>detail"), e.getMessage());
        assertEquals(List.of(), LatencyReport.readEntries(Files.writeString(dir.resolve("blank.tsv"), "\n"), Map.of()));
    }
}
