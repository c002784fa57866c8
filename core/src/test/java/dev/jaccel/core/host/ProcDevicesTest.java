package dev.jaccel.core.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProcDevicesTest {
    private static final String PROC_DEVICES = """
            Character devices:
              1 mem
              4 /dev/vc/0
            195 nvidia-frontend
            236 nvidia-nvlink
            237 nvidia-caps
            239 nvidia-uvm
            510 neuron

            Block devices:
              8 sd
            239 nvidia-uvm-block-lookalike
            259 blkext
            """;

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"nvidia-frontend, 195", "nvidia-uvm, 239", "nvidia-caps, 237", "neuron, 510", "mem, 1",
            "sd, -1", "blkext, -1", "nvidia, -1"})
    void charMajorsOnly(String name, int major) {
        OptionalInt m = ProcDevices.parse(PROC_DEVICES).major(name);
        assertEquals(major, m.orElse(-1));
    }

    @Test
    void oldAndNewNamesOfTheNvidiaMajor() {
        assertEquals(OptionalInt.of(195), ProcDevices.parse(PROC_DEVICES).firstMajor("nvidia", "nvidia-frontend"));
        assertEquals(OptionalInt.of(195), ProcDevices.parse("Character devices:\n195 nvidia\n").firstMajor("nvidia", "nvidia-frontend"));
    }

    @Test
    void missingFileIsAnEmptyTable(@TempDir Path root) throws Exception {
        assertEquals(0, ProcDevices.read(root).charMajors().size());
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/devices"), PROC_DEVICES);
        assertEquals(OptionalInt.of(239), ProcDevices.read(root).major("nvidia-uvm"));
    }
}
