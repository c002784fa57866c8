package dev.jaccel.core.neuron;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.fixtures.TestHosts;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.NeuronInventory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AWS_NEURON_VISIBLE_DEVICES and NEURON_RT_VISIBLE_CORES on trn1, trn2 and inf1 hosts (docs/neuron-semantics.md §2.2, §3). */
class NeuronSelectorTest {
    private static NeuronInventory host(String name) {
        Inventory i = switch (name) {
            case "trn1" -> TestHosts.trn1();
            case "trn2" -> TestHosts.trn2();
            case "inf1" -> TestHosts.inf1();
            case "inf1.24xlarge" -> TestHosts.inf1Large();
            default -> throw new IllegalArgumentException(name);
        };
        return i.neuron();
    }

    private static NeuronSelection select(String host, String devices, String cores, List<String> warnings) {
        return NeuronSelector.select(devices, NeuronSelector.DEVICES, cores, host(host), warnings::add);
    }

    @ParameterizedTest(name = "{0}: devices={1} cores={2} -> {3} / {4}")
    @CsvSource(delimiter = '|', nullValues = "~", value = {
            "trn1 | ~ | ~ | '' | ~",
            "trn1 | '  ' | '' | '' | ~",
            "inf1 | ALL | ~ | 0 1 2 3 | ~",
            "inf1 | all | ~ | 0 1 2 3 | ~",
            "trn1 | 0,1 | ~ | 0 1 | ~",
            "trn1 | 2,3 | ~ | 2 3 | ~",
            "trn1 | 3,2 | ~ | 2 3 | ~",
            "trn1 | 4-7 | ~ | 4 5 6 7 | ~",
            // AWS's examples: inf1.24xlarge cores 51,52 are on devices 12 and 13
            "inf1.24xlarge | ~ | 51,52 | 12 13 | 3-4",
            // K8s flow: 2 cores per device, cores 2,3 are device 1
            "trn1 | ~ | 2,3 | 1 | 0-1",
            "trn1 | ~ | 2-3 | 1 | 0-1",
            "trn1 | 1 | 3 | 1 | 1",
            "trn1 | ~ | 3,4 | 1 2 | 1-2",
            // trn2 at LNC=2: 4 logical cores per device; device 15 -> 60-63
            "trn2 | ~ | 60-63 | 15 | 0-3",
            "trn2 | ~ | 4-11 | 1 2 | 0-7",
            "trn2 | ALL | 0-3 | 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 | 0-3",
            "trn2 | 2-3 | 9-12 | 2 3 | 1-4",
            "inf1 | ~ | 0 | 0 | 0",
    })
    void selects(String host, String devices, String cores, String expectedDevices, String expectedCores) {
        NeuronSelection s = select(host, devices, cores, new ArrayList<>());
        assertEquals(expectedDevices.isEmpty() ? List.of()
                        : java.util.Arrays.stream(expectedDevices.split(" ")).map(d -> "neuron" + d).toList(), s.ids());
        assertEquals(Optional.ofNullable(expectedCores), s.visibleCores());
    }

    @ParameterizedTest(name = "{0}: devices={1} cores={2}")
    @CsvSource(delimiter = '|', nullValues = "~", value = {
            "trn1 | 16 | ~ | AWS_NEURON_VISIBLE_DEVICES='16': neuron16: unknown device (this host has neuron0-neuron15)",
            "inf1 | 0,4 | ~ | AWS_NEURON_VISIBLE_DEVICES='0,4': neuron4: unknown device (this host has neuron0-neuron3)",
            "inf1 | ~ | 16 | NEURON_RT_VISIBLE_CORES='16': core 16 does not exist (this host has cores 0-15)",
            "trn1 | ~ | 3,5,6 | NEURON_RT_VISIBLE_CORES='3,5,6' is not contiguous and increasing",
            "trn1 | ~ | 4,3 | NEURON_RT_VISIBLE_CORES='4,3' is not contiguous and increasing",
            "trn1 | 0,1 | 4-5 | NEURON_RT_VISIBLE_CORES='4-5': core 4 is on neuron2, which AWS_NEURON_VISIBLE_DEVICES does not select",
    })
    void unsatisfiableIsExit3NamingTheDevice(String host, String devices, String cores, String message) {
        JaccelException e = assertThrows(JaccelException.class, () -> select(host, devices, cores, new ArrayList<>()));
        assertEquals(ExitCode.UNSATISFIED, e.exitCode());
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @ParameterizedTest(name = "{1}/{2}")
    @CsvSource(delimiter = '|', nullValues = "~", value = {
            "trn1 | 1,1 | ~ | AWS_NEURON_VISIBLE_DEVICES='1,1': device 1 is listed twice",
            "trn1 | 0-3,2 | ~ | AWS_NEURON_VISIBLE_DEVICES='0-3,2': device 2 is listed twice",
            "trn1 | ~ | 1,1 | NEURON_RT_VISIBLE_CORES='1,1': core 1 is listed twice",
            "trn1 | one | ~ | AWS_NEURON_VISIBLE_DEVICES='one': 'one' is not an index",
            "trn1 | ALL,0 | ~ | AWS_NEURON_VISIBLE_DEVICES='ALL,0': 'ALL' is not an index",
    })
    void malformedOrDuplicateIsExit2(String host, String devices, String cores, String message) {
        JaccelException e = assertThrows(JaccelException.class, () -> select(host, devices, cores, new ArrayList<>()));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void nonContiguousDevicesAreAWarning() {
        List<String> warnings = new ArrayList<>();
        assertEquals(List.of("neuron0", "neuron2"), select("trn1", "0,2", null, warnings).ids());
        assertEquals(1, warnings.size());
        assertTrue(warnings.getFirst().startsWith("AWS_NEURON_VISIBLE_DEVICES='0,2' is not a contiguous set"),
                warnings.getFirst());
        warnings.clear();
        select("trn1", "2,3", null, warnings);
        assertEquals(List.of(), warnings);
    }

    @Test
    void requestedLooksAtBothVariables() {
        assertTrue(NeuronSelector.requested(Map.of("AWS_NEURON_VISIBLE_DEVICES", "0")));
        assertTrue(NeuronSelector.requested(Map.of("NEURON_RT_VISIBLE_CORES", "0")));
        assertFalse(NeuronSelector.requested(Map.of("AWS_NEURON_VISIBLE_DEVICES", " ", "NEURON_RT_NUM_CORES", "2")));
    }
}
