package dev.jaccel.core.select;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every spelling of a bus id NVIDIA accepts names the same GPU (NVML, lnc; docs/nvidia-container-semantics.md §1.1). */
class PciBusIdTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "00000000:18:00.0, 00000000:18:00.0",
            "0000:18:00.0, 00000000:18:00.0",
            "0:18:0.0, 00000000:18:00.0",
            "18:00.0, 00000000:18:00.0",
            "0000:BD:00.0, 00000000:bd:00.0",
            "00000000:bd:00.0, 00000000:bd:00.0",
            "0001:3b:1f.7, 00000001:3b:1f.7",
    })
    void normalises(String spelling, String normal) {
        assertEquals(normal, PciBusId.parse(spelling).orElseThrow().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "18:00", "18.00.0", "000000000:18:00.0", "0000:118:00.0", "0000:18:00.8",
            "0000:18:00.0.0", "zz:00.0", "1:0"})
    void refusesOtherShapes(String text) {
        assertTrue(PciBusId.parse(text).isEmpty());
    }
}
