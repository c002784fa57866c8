package dev.jaccel.core.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accepted forms of a bus id: NVML's {@code domain:bus:device.function}, {@code domain:bus:device}
 * and {@code bus:device.function} (docs/nvml.md §4.1), which include libnvidia-container's
 * (docs/nvidia-container-semantics.md §1.1); every spelling of one names the same GPU.
 */
class PciBusIdTest {
    @ParameterizedTest(name = "{0}: {1}, nvml {2}, sysfs {3}")
    @CsvSource({
            // spelling           libnvidia-container   NVML                sysfs
            "00000000:18:00.0,    00000000:18:00.0,    00000000:18:00.0,    0000:18:00.0",
            "0000:18:00.0,        00000000:18:00.0,    00000000:18:00.0,    0000:18:00.0",
            "0:18:0.0,            00000000:18:00.0,    00000000:18:00.0,    0000:18:00.0",
            "18:00.0,             00000000:18:00.0,    00000000:18:00.0,    0000:18:00.0",
            "0000:18:00,          00000000:18:00.0,    00000000:18:00.0,    0000:18:00.0",
            "0000:BD:00.0,        00000000:bd:00.0,    00000000:BD:00.0,    0000:bd:00.0",
            "00000000:bd:00.0,    00000000:bd:00.0,    00000000:BD:00.0,    0000:bd:00.0",
            "0000:3b:00.0,        00000000:3b:00.0,    00000000:3B:00.0,    0000:3b:00.0",
            "af:00.0,             00000000:af:00.0,    00000000:AF:00.0,    0000:af:00.0",
            "0001:3b:1f.7,        00000001:3b:1f.7,    00000001:3B:1F.7,    0001:3b:1f.7",
            "00000001:DB:1F.7,    00000001:db:1f.7,    00000001:DB:1F.7,    0001:db:1f.7",
            "' 0000:18:00.0 ',    00000000:18:00.0,    00000000:18:00.0,    0000:18:00.0",
    })
    void acceptedForms(String spelling, String normal, String nvml, String sysfs) {
        assertEquals(normal, PciBusId.parse(spelling).orElseThrow().toString());
        assertEquals(nvml, PciBusId.nvml(spelling));
        assertEquals(sysfs, PciBusId.sysfs(spelling));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "18:00", "3b:00", "1:0", "18.00.0", "000000000:18:00.0", "0000:118:00.0",
            "0000:18:00.8", "0000:18:00.0.0", "zz:00.0", "xyz"})
    void refusesOtherShapes(String text) {
        assertTrue(PciBusId.parse(text).isEmpty());
    }

    @ParameterizedTest(name = "{0} ≡ {1}: {2}")
    @CsvSource({"00000000:3B:00.0, 0000:3b:00.0, true", "3b:00.0, 0000:3B:00.0, true", "0000:3b:00, 3b:00.0, true",
            "0000:3b:00.1, 3b:00.0, false", "0001:3b:00.0, 3b:00.0, false", "3b:00, 3b:00.0, false",
            "xyz, 3b:00.0, false"})
    void sameFunction(String a, String b, boolean same) {
        assertEquals(same, PciBusId.same(a, b));
    }
}
