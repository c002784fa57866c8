package dev.jaccel.metrics;

import dev.jaccel.api.Jaccel;
import dev.jaccel.api.JaccelOptions;
import dev.jaccel.testkit.FakeLibraries;
import dev.jaccel.testkit.HostTree;
import dev.jaccel.testkit.NeuronHostFixture;
import dev.jaccel.testkit.NvidiaHostFixture;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The binder on a real SimpleMeterRegistry over a simulated host: names, tags, values, NaN for gaps. */
class AcceleratorMetricsTest {
    /** GPU 0 reports everything; GPU 1 has MIG on (no utilization). */
    private static final String NVML = """
            {"driverVersion": "580.95.05", "devices": [
              {"uuid": "GPU-00000000-0000-4000-8000-0000000000a0", "pciBusId": "00000000:18:00.0", "minor": 3,
               "memoryTotal": 85520809984, "memoryUsed": 1048576, "temperature": 41, "powerUsage": 312500,
               "utilization": {"gpu": 97, "memory": 60}, "energy": 5000000},
              {"uuid": "GPU-00000000-0000-4000-8000-0000000000a1", "pciBusId": "00000000:2A:00.0", "minor": 0,
               "migMode": "enabled", "memoryTotal": 42949672960}
            ]}
            """;
    private static final String NEURON = """
            {"driver": {"version": "2.30.2.0", "major": 511},
             "deviceDefaults": {"coreCount": 2, "archType": "NDv2", "instanceType": "Trn1", "deviceName": "Trainium1"},
             "devices": [
               {"index": 0, "serial": "00000000000000aa",
                "stats": {"cores": [{"deviceMemory": {"tensors": 1000, "model_code": 24}, "success": 7, "failure": 1},
                                    {"deviceMemory": {"tensors": 76}}]}}
             ]}
            """;

    @TempDir
    static Path host;

    @BeforeAll
    static void layOut() throws IOException {
        Path config = Path.of(System.getenv("FAKE_NVML_CONFIG"));
        Files.createDirectories(config.getParent());
        Files.writeString(config, NVML);
        HostTree tree = HostTree.at(host);
        NvidiaHostFixture.fromJson(NVML).writeTo(tree);
        NeuronHostFixture.layOut(NEURON, tree);
    }

    private static Jaccel open() {
        return Jaccel.open(JaccelOptions.defaults().withHostRoot(host).withNvmlLibrary(FakeLibraries.nvml().toString())
                .withNrtLibrary("/nonexistent/libnrt.so.1"));
    }

    private static double gauge(MeterRegistry r, String name, String uuid) {
        return r.get(name).tag("uuid", uuid).gauge().value();
    }

    @ParameterizedTest(name = "{0} of {1} = {2}")
    @CsvSource({
            "accelerator.utilization, GPU-00000000-0000-4000-8000-0000000000a0, 97",
            "accelerator.memory.utilization, GPU-00000000-0000-4000-8000-0000000000a0, 60",
            "accelerator.memory.used, GPU-00000000-0000-4000-8000-0000000000a0, 1048576",
            "accelerator.memory.total, GPU-00000000-0000-4000-8000-0000000000a1, 42949672960",
            "accelerator.temperature, GPU-00000000-0000-4000-8000-0000000000a0, 41",
            "accelerator.power, GPU-00000000-0000-4000-8000-0000000000a0, 312.5",
            "accelerator.utilization, GPU-00000000-0000-4000-8000-0000000000a1, NaN",
            "accelerator.memory.used, 00000000000000aa, 1100"})
    void gaugesCarryTheDriversValues(String name, String uuid, double value) {
        try (Jaccel jaccel = open()) {
            MeterRegistry registry = new SimpleMeterRegistry();
            new AcceleratorMetrics(jaccel).bindTo(registry);
            assertEquals(value, gauge(registry, name, uuid));
        }
    }

    @Test
    void everyMeterOfANameHasTheSameTagKeysAndVendorNeutralNames() {
        try (Jaccel jaccel = open()) {
            MeterRegistry registry = new SimpleMeterRegistry();
            new AcceleratorMetrics(jaccel).bindTo(registry);
            Map<String, Set<Set<String>>> keys = registry.getMeters().stream().collect(Collectors.groupingBy(
                    m -> m.getId().getName(),
                    Collectors.mapping(m -> m.getId().getTags().stream().map(t -> t.getKey()).collect(Collectors.toSet()),
                            Collectors.toSet())));
            keys.forEach((name, sets) -> assertEquals(1, sets.size(), name + " mixes tag keys (Prometheus refuses): " + sets));
            assertTrue(keys.keySet().stream().allMatch(n -> n.startsWith("accelerator.")), keys.keySet().toString());
            assertEquals(Set.of("vendor", "uuid", "index"), keys.get("accelerator.memory.used").iterator().next());
            assertEquals(Set.of("vendor", "uuid", "index", "core"), keys.get("accelerator.core.memory.used").iterator().next());
            Meter gpu0 = registry.get("accelerator.memory.used").tag("vendor", "nvidia").tag("index", "0").meter();
            assertEquals("GPU-00000000-0000-4000-8000-0000000000a0", gpu0.getId().getTag("uuid"));
        }
    }

    @Test
    void countersAndPerCoreValues() {
        try (Jaccel jaccel = open()) {
            MeterRegistry registry = new SimpleMeterRegistry();
            new AcceleratorMetrics(jaccel).bindTo(registry);
            assertEquals(5000.0, registry.get("accelerator.energy").tag("index", "0").functionCounter().count(), "joules");
            assertEquals(7.0, registry.get("accelerator.core.executions").tag("core", "0").functionCounter().count());
            assertEquals(1.0, registry.get("accelerator.core.execution.failures").tag("core", "0").functionCounter().count());
            assertEquals(1024.0, registry.get("accelerator.core.memory.used").tag("core", "0").gauge().value());
            assertEquals(76.0, registry.get("accelerator.core.memory.used").tag("core", "1").gauge().value());
        }
    }

    @Test
    void afterCloseTheGaugesReadNaNAndNeverThrow() {
        Jaccel jaccel = open();
        MeterRegistry registry = new SimpleMeterRegistry();
        new AcceleratorMetrics(jaccel, Duration.ZERO).bindTo(registry);
        jaccel.close();
        assertEquals(Double.NaN, gauge(registry, "accelerator.temperature", "GPU-00000000-0000-4000-8000-0000000000a0"));
        assertEquals(Double.NaN, gauge(registry, "accelerator.memory.used", "00000000000000aa"));
        assertEquals(Optional.empty(), registry.getMeters().stream().filter(m -> m.getId().getName().isEmpty()).findAny());
    }
}
