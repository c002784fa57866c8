package dev.jaccel.api;

import dev.jaccel.core.model.Inventory;
import dev.jaccel.testkit.FakeLibraries;
import dev.jaccel.testkit.FakeNrt;
import dev.jaccel.testkit.HostTree;
import dev.jaccel.testkit.NeuronHostFixture;
import dev.jaccel.testkit.NvidiaHostFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link Jaccel#inventory()} discovers once and again exactly when the host changed. */
class JaccelInventoryCacheTest {
    @TempDir
    Path dir;
    HostTree tree;
    Map<String, String> env;

    @BeforeEach
    void host() throws IOException {
        String nvml = new String(NvidiaHostFixture.class.getResourceAsStream("/hosts/h100x8-mig/nvml.json").readAllBytes());
        Path config = Path.of(System.getenv("FAKE_NVML_CONFIG"));
        Files.createDirectories(config.getParent());
        Files.writeString(config, nvml);
        tree = HostTree.at(dir.resolve("root"));
        assumeTrue(tree.realDeviceNodes(), "needs root to make device nodes");
        NvidiaHostFixture.fromJson(nvml).writeTo(tree);
        env = Map.of("JACCEL_HOST_ROOT", tree.root().toString(), "JACCEL_NVML_LIBRARY", FakeLibraries.nvml().toString(),
                "JACCEL_CONFIG", Files.writeString(dir.resolve("empty.toml"), "").toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "driver upgraded, true",
            "GPU node renumbered, true",
            "MIG capability node made, true",
            "nothing, false",
            "explicit refresh, true",
    })
    void theNextCallSeesAChangedHost(String change, boolean rediscovered) throws IOException {
        try (Jaccel jaccel = Jaccel.openNvidia(JaccelOptions.fromEnvironment(env))) {
            Inventory first = jaccel.inventory();
            assertEquals(8, first.nvidia().devices().size());
            assertSame(first, jaccel.inventory(), "unchanged host: the same inventory, no discovery");
            Inventory next = switch (change) {
                case "driver upgraded" -> {
                    tree.file("/proc/driver/nvidia/version",
                            "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.105.08  Tue Nov 11 2025\n");
                    yield jaccel.inventory();
                }
                case "GPU node renumbered" -> {
                    Files.delete(tree.path("/dev/nvidia3"));
                    tree.charDevice("/dev/nvidia3", 195, 30);
                    yield jaccel.inventory();
                }
                case "MIG capability node made" -> {
                    tree.charDevice("/dev/nvidia-caps/nvidia-cap400", 509, 400);
                    yield jaccel.inventory();
                }
                case "explicit refresh" -> jaccel.refreshInventory();
                default -> jaccel.inventory();
            };
            if (rediscovered) {
                assertNotSame(first, next, change);
            } else {
                assertSame(first, next, change);
            }
        }
    }

    /** Each instance watches the drivers of the vendors it serves, and only those. */
    @ParameterizedTest(name = "opened for {0}: rediscovered {1}")
    @CsvSource({"Neuron, true", "NVIDIA, false"})
    void aNeuronDriverUpgradeIsSeenByAnInstanceThatServesNeuron(String vendor, boolean rediscovered) throws Exception {
        NeuronHostFixture.layOutProfile("trn2", tree);
        try (FakeNrt nrt = FakeNrt.withConfig(dir.resolve("nrt"), NeuronHostFixture.nrtConfig("trn2"))) {
            Map<String, String> both = new HashMap<>(env);
            both.put("JACCEL_NRT_LIBRARY", nrt.path().toString());
            JaccelOptions options = JaccelOptions.fromEnvironment(both);
            try (Jaccel jaccel = vendor.equals("Neuron") ? Jaccel.openNeuron(options) : Jaccel.openNvidia(options)) {
                Inventory first = jaccel.inventory();
                assertSame(first, jaccel.inventory(), "unchanged host: the same inventory, no discovery");
                tree.file("/sys/module/neuron/version", "2.25.1.0\n");
                Inventory next = jaccel.inventory();
                if (rediscovered) {
                    assertNotSame(first, next);
                    assertEquals("2.25.1.0", next.neuron().driverVersion());
                } else {
                    assertSame(first, next);
                }
            }
        }
    }
}
