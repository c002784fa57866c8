package dev.jaccel.deviceplugin.prefer;

import dev.jaccel.deviceplugin.topology.GpuLink;
import dev.jaccel.deviceplugin.topology.PcieDistance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The order of preference between two GPU pairs: NVLink, then the PCIe ancestor, then NUMA. */
class GpuPreferenceTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", value = {
            "more NVLinks beat fewer,          4, UNKNOWN,        -, -, 2, UNKNOWN,           -, -",
            "one NVLink beats the same board,  1, SYSTEM,         -, -, 0, INTERNAL,          -, -",
            "one switch beats several,         0, SINGLE_SWITCH,  -, -, 0, MULTIPLE_SWITCHES, -, -",
            "several switches beat a bridge,   0, MULTIPLE_SWITCHES, -, -, 0, HOST_BRIDGE,    -, -",
            "a host bridge beats the node,     0, HOST_BRIDGE,    -, -, 0, SAME_NUMA_NODE,    -, -",
            "the node beats the system,        0, SAME_NUMA_NODE, -, -, 0, SYSTEM,            -, -",
            "same NUMA node when NVML cannot say, 0, UNKNOWN,     1, 1, 0, UNKNOWN,           0, 1",
            "among NVLinked pairs one switch wins, 6, SINGLE_SWITCH, -, -, 6, SAME_NUMA_NODE, -, -",
            "twelve links beat six on one switch,  12, SYSTEM,      -, -, 6, SINGLE_SWITCH,  -, -",
    })
    void betterPairsScoreHigher(String why, int links, PcieDistance pcie, Integer numaA, Integer numaB,
                                int otherLinks, PcieDistance otherPcie, Integer otherNumaA, Integer otherNumaB) {
        assertTrue(GpuPreference.score(new GpuLink(links, pcie), numaA, numaB)
                > GpuPreference.score(new GpuLink(otherLinks, otherPcie), otherNumaA, otherNumaB), why);
    }
}
