package dev.jaccel.core.spi;

import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.NeuronInventory;
import dev.jaccel.core.model.NvidiaInventory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DriverFailureTest {
    @TempDir
    Path root;

    @ParameterizedTest(name = "entries {0}, read {1}, asked {2}: {3}")
    @CsvSource(delimiter = '|', value = {
            // module entries present under the host root | halves read | vendors asked | failures (vendor@entry)
            "/proc/driver/nvidia/version                  | ''            | nvidia,neuron | nvidia@/proc/driver/nvidia/version",
            "/sys/module/nvidia/                          | ''            | nvidia,neuron | nvidia@/sys/module/nvidia",
            "/proc/driver/nvidia/version                  | nvidia        | nvidia,neuron | ''",
            "/sys/module/neuron/                          | nvidia        | nvidia,neuron | neuron@/sys/module/neuron",
            "/sys/module/neuron/ /proc/driver/nvidia/version | ''         | nvidia,neuron | nvidia@/proc/driver/nvidia/version neuron@/sys/module/neuron",
            "/sys/module/neuron/ /proc/driver/nvidia/version | ''         | neuron        | neuron@/sys/module/neuron",
            // no module loaded: absent, not broken
            "''                                           | ''            | nvidia,neuron | ''",
            "/proc/driver/                                | ''            | nvidia,neuron | ''",
            "/sys/module/neuron/                          | neuron        | nvidia,neuron | ''",
    })
    void aMissingHalfWithItsModuleLoadedIsAFailure(String entries, String read, String asked, String expected)
            throws IOException {
        for (String entry : entries.split(" ")) {
            if (entry.endsWith("/")) {
                Files.createDirectories(root.resolve(entry.substring(1)));
            } else if (!entry.isEmpty()) {
                Files.createDirectories(root.resolve(entry.substring(1)).getParent());
                Files.writeString(root.resolve(entry.substring(1)), "loaded\n");
            }
        }
        Inventory inventory = new Inventory(
                read.contains("nvidia") ? new NvidiaInventory("1", "1", "1", "1", List.of(), List.of()) : null,
                read.contains("neuron") ? new NeuronInventory("2", null, List.of(), List.of()) : null,
                List.of("nvidia: NVML failed: nvmlInit_v2: DRIVER_NOT_LOADED", "neuron: cannot list /dev"));
        List<String> found = new ArrayList<>();
        for (DriverFailure f : DriverFailure.find(inventory, HostContext.ofRoot(root), Set.of(asked.split(",")))) {
            found.add(f.vendor() + "@/" + root.relativize(f.evidence()));
        }
        assertEquals(expected.isEmpty() ? List.of() : Arrays.asList(expected.split(" ")), found);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "nvidia: NVML failed: LIB_RM_VERSION_MISMATCH | nvidia | NVML failed: LIB_RM_VERSION_MISMATCH",
            "''                                           | nvidia | no nvidia backend is installed",
    })
    void theMessageNamesTheEvidenceAndTheBackendsReason(String error, String vendor, String reason) throws IOException {
        Files.createDirectories(root.resolve("sys/module/nvidia"));
        Inventory inventory = new Inventory(null, null, error.isEmpty() ? List.of() : List.of(error));
        DriverFailure f = DriverFailure.find(inventory, HostContext.ofRoot(root)).getFirst();
        assertEquals(vendor + ": the " + vendor + " kernel module is loaded (" + root.resolve("sys/module/nvidia")
                + " exists) but its driver cannot be used: " + reason, f.message());
    }
}
