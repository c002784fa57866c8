package dev.jaccel.core.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A GPU or MIG device is named by its UUID in plans and CDI specs: the model holds none without it. */
class DeviceIdsTest {
    @ParameterizedTest(name = "GPU uuid [{0}]")
    @CsvSource(nullValues = "NULL", value = {"NULL", "''", "'  '"})
    void aGpuWithoutItsUuidCannotBeMade(String uuid) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GpuDevice(2, uuid, null,
                null, null, null, 1, "00000000:3A:00.0", null, false, List.of(), List.of()));
        assertEquals("GPU 2 has no UUID: a device is named by its UUID in plans and CDI specs, so one without it "
                + "cannot be described", e.getMessage());
    }

    @ParameterizedTest(name = "MIG uuid [{0}]")
    @CsvSource(nullValues = "NULL", value = {"NULL", "''"})
    void aMigDeviceWithoutItsUuidCannotBeMade(String uuid) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MigDevice(1, uuid, 2, 0, null, List.of()));
        assertEquals("MIG device 1 has no UUID", e.getMessage().substring(0, "MIG device 1 has no UUID".length()));
    }
}
