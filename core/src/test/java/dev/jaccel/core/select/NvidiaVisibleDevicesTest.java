package dev.jaccel.core.select;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The value table and env vectors of docs/nvidia-container-semantics.md §1.1/§1.2. "~" = no list. */
class NvidiaVisibleDevicesTest {
    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
            "~ | not requested",
            "'' | not requested",
            "' , ,' | not requested",
            "void | not requested",
            "0,void | not requested",
            "all,void | not requested",
            "none | no GPU",
            "all | all",
            "0,all | all",
            "none,all | no GPU",
            "all,none | all",
            "GPU-12345 | GPU-12345",
            "' 0 , GPU-12345 ,, 1:0 ' | 0 GPU-12345 1:0",
    })
    void interprets(String value, String expected) {
        GpuRequest r = NvidiaVisibleDevices.interpret(value.equals("~") ? null : NvidiaVisibleDevices.split(value));
        String actual = switch (r) {
            case GpuRequest.NotRequested n -> "not requested";
            case GpuRequest.NoGpu n -> "no GPU";
            case GpuRequest.All a -> "all";
            case GpuRequest.Ids ids -> String.join(" ", ids.ids());
        };
        assertEquals(expected, actual);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"'a, b ,,c' | a b c", "x | x", "'' | ''"})
    void splitTrimsAndDropsEmptyEntries(String value, String expected) {
        assertEquals(expected.isEmpty() ? List.of() : List.of(expected.split(" ")), NvidiaVisibleDevices.split(value));
    }
}
