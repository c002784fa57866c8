package dev.jaccel.neuron;

import dev.jaccel.core.LibraryUnavailableException;
import dev.jaccel.core.require.NeuronVersion;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.testkit.FakeNrt;
import dev.jaccel.testkit.HostTree;
import dev.jaccel.testkit.NeuronHostFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-process Neuron view: versions, LNC, devices and the driver's sysfs counters, never nrt_init. */
class NeuronHostTest {
    /** Two Trainium2 devices; device 0 publishes counters for two of its cores, device 1 none. */
    private static final String TRN2 = """
            {"driver": {"version": "2.30.2.0", "major": 511},
             "logicalNcConfig": "NEURON_LOGICAL_NC_CONFIG=1",
             "deviceDefaults": {"coreCount": 8, "archType": "NDv3", "instanceType": "Trn2", "deviceName": "Trainium2",
                                "serial": "0123456789abcdef"},
             "devices": [
               {"index": 0, "connected": [1],
                "stats": {"hostMemory": {"tensors": 4096, "dma_buffers": 1024}, "memEccUncorrected": 2,
                          "sramEccUncorrected": 0, "power": "POWER_STATUS_VALID,1700000000,10.00,55.50,22.25",
                          "cores": [{"deviceMemory": {"tensors": 1048576, "model_code": 65536}, "success": 40,
                                     "failure": 2, "inferenceCount": 40, "flopCount": 123456789,
                                     "modelLoadCount": 1, "ncTimeInUse": 250},
                                    {"deviceMemory": {"tensors": 0}}]}},
               {"index": 1, "connected": [0]}
             ]}
            """;

    @TempDir
    Path dir;

    private HostContext host(FakeNrt nrt) {
        HostTree tree = HostTree.at(dir.resolve("host"));
        NeuronHostFixture.layOut(TRN2, tree);
        return new HostContext(tree.root(), Optional.empty(),
                Optional.of(nrt == null ? "/nonexistent/libnrt.so.1" : nrt.path().toString()), Map.of());
    }

    @Test
    void versionsLogicalCoresAndDevicesWithoutNrtInit() {
        try (FakeNrt nrt = FakeNrt.withConfig(dir, NeuronHostFixture.nrtConfig("trn2"))) {
            NeuronHost neuron = NeuronHost.open(host(nrt));
            assertEquals(Optional.of(NeuronVersion.of("2.30.2.0")), neuron.driverVersion());
            assertEquals("2.34.10.0", neuron.runtimeVersion().orElseThrow().toString());
            assertEquals("TRN2", neuron.instanceInfo().orElseThrow().family());
            assertEquals(Optional.of(1), neuron.logicalCoreConfig());
            assertEquals(LogicalCoreConfig.FILE, neuron.logicalCoreConfigSource());
            assertEquals(List.of(8, 8), neuron.devices().stream().map(d -> d.logicalCoreCount()).toList(),
                    "LNC=1: every physical core is a logical one");
            assertEquals(0, nrt.calls("nrt_init"), "a service's view never takes the cores");
        }
    }

    @Test
    void coreAndDeviceCountersComeFromSysfsAndMissingOnesAreEmpty() {
        NeuronHost neuron = NeuronHost.open(host(null));
        List<NeuronCoreStats> cores = neuron.coreStats();
        assertEquals(16, cores.size(), "every physical core of both devices");
        NeuronCoreStats c0 = cores.getFirst();
        assertEquals(Optional.of(1048576L + 65536L), c0.deviceMemoryBytes());
        assertEquals(Map.of("tensors", 1048576L, "model_code", 65536L), c0.deviceMemoryByCategory());
        assertEquals(List.of(Optional.of(40L), Optional.of(2L), Optional.of(40L), Optional.of(123456789L),
                        Optional.of(1L), Optional.of(250L)),
                List.of(c0.executionsSucceeded(), c0.executionsFailed(), c0.inferences(), c0.flops(), c0.modelLoads(),
                        c0.executionTimeMicros()));
        assertEquals(Optional.of(0L), cores.get(1).deviceMemoryBytes());
        assertEquals(Optional.empty(), cores.get(1).executionsSucceeded());
        NeuronCoreStats other = cores.get(8);
        assertEquals(1, other.device());
        assertEquals(Optional.empty(), other.deviceMemoryBytes(), "a driver that publishes nothing: empty, not 0");

        NeuronDeviceStats d0 = neuron.deviceStats().getFirst();
        assertEquals(Optional.of(5120L), d0.hostMemoryBytes());
        assertEquals(Optional.of(2L), d0.memoryEccUncorrected());
        assertEquals(Optional.of(0L), d0.sramEccUncorrected());
        PowerUtilization power = d0.power().orElseThrow();
        assertTrue(power.valid());
        assertEquals(22.25, power.averagePercent());
        assertEquals(1700000000L, power.timestampEpochSeconds());
        assertEquals(Optional.empty(), neuron.deviceStats().get(1).power());
    }

    @Test
    void withoutLibnrtTheRuntimeFactsAreEmptyAndSaySo() {
        NeuronHost neuron = NeuronHost.open(host(null));
        assertEquals(Optional.empty(), neuron.runtimeVersion());
        assertEquals(Optional.empty(), neuron.instanceInfo());
        assertTrue(neuron.notes().stream().anyMatch(n -> n.startsWith("runtime version unknown: cannot load /nonexistent/libnrt.so.1")),
                neuron.notes().toString());
        assertEquals(2, neuron.devices().size());
    }

    @Test
    void noDriverIsLibraryUnavailableNamingWhatIsMissing() {
        LibraryUnavailableException e = assertThrows(LibraryUnavailableException.class,
                () -> NeuronHost.open(HostContext.ofRoot(dir)));
        assertEquals("the Neuron driver", e.library());
        assertTrue(e.getMessage().contains("no /dev/neuron* device and no neuron driver"), e.getMessage());
    }

    @Test
    void powerLinesParseOrAreNull() {
        assertEquals(new PowerUtilization("POWER_STATUS_NO_DATA", 0, 0, 0, 0),
                PowerUtilization.parse("POWER_STATUS_NO_DATA,0,0.00,0.00,0.00\n"));
        assertEquals(null, PowerUtilization.parse("garbage"));
        assertEquals(null, PowerUtilization.parse("A,b,1,2,3"));
    }
}
