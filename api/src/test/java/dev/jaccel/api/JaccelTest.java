package dev.jaccel.api;

import dev.jaccel.core.LibraryUnavailableException;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.nvml.GpuSample;
import dev.jaccel.nvml.NvmlDevice;
import dev.jaccel.nvml.NvmlException;
import dev.jaccel.nvml.NvmlReturn;
import dev.jaccel.testkit.FakeLibraries;
import dev.jaccel.testkit.FakeNrt;
import dev.jaccel.testkit.HostTree;
import dev.jaccel.testkit.NeuronHostFixture;
import dev.jaccel.testkit.NvidiaHostFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The entry point over a simulated host: locations as the CLI resolves them, both vendors, one, or none. */
class JaccelTest {
    @TempDir
    static Path host;

    /** The default simulated host's NVIDIA half and the trn2 profile's Neuron half in one tree. */
    @BeforeAll
    static void layOut() throws IOException {
        String nvml = new String(NvidiaHostFixture.class.getResourceAsStream("/hosts/h100x8-mig/nvml.json").readAllBytes());
        Path config = Path.of(System.getenv("FAKE_NVML_CONFIG"));
        Files.createDirectories(config.getParent());
        Files.writeString(config, nvml);
        HostTree tree = HostTree.at(host.resolve("root"));
        NvidiaHostFixture.fromJson(nvml).writeTo(tree);
        NeuronHostFixture.layOutProfile("trn2", tree);
    }

    private static Map<String, String> env(FakeNrt nrt) {
        Map<String, String> env = new HashMap<>();
        env.put("JACCEL_HOST_ROOT", host.resolve("root").toString());
        env.put("JACCEL_NVML_LIBRARY", FakeLibraries.nvml().toString());
        env.put("JACCEL_NRT_LIBRARY", nrt == null ? "/nonexistent/libnrt.so.1" : nrt.path().toString());
        env.put("JACCEL_CONFIG", host.resolve("no-config.toml").toString());
        return env;
    }

    private static Map<String, String> withoutConfig(Map<String, String> env) throws IOException {
        Path empty = host.resolve("empty.toml");
        Files.writeString(empty, "");
        env.put("JACCEL_CONFIG", empty.toString());
        return env;
    }

    @Test
    void bothVendorsFromTheEnvironmentVariablesTheCommandReads(@TempDir Path dir) throws IOException {
        try (FakeNrt nrt = FakeNrt.withConfig(dir, NeuronHostFixture.nrtConfig("trn2"));
             Jaccel jaccel = Jaccel.open(JaccelOptions.fromEnvironment(withoutConfig(env(nrt))))) {
            assertTrue(jaccel.isAvailable(Vendor.NVIDIA));
            assertTrue(jaccel.isAvailable(Vendor.NEURON));
            assertEquals(Map.of(), jaccel.unavailable());
            assertEquals(8, jaccel.nvidia().devices().size());
            assertEquals("580.95.05", jaccel.nvidia().driverVersion());
            assertEquals(16, jaccel.neuron().devices().size());
            assertEquals("2.34.10.0", jaccel.neuron().runtimeVersion().orElseThrow().toString());
            GpuSample sample = jaccel.nvidia().sampler().sample();
            assertEquals(8, sample.gpuCount());
            Inventory records = jaccel.inventory();
            assertEquals(8, records.nvidia().devices().size());
            assertEquals(16, records.neuron().devices().size());
            assertEquals(0, nrt.calls("nrt_init"));
        }
    }

    /** Environment over the config file's [host] table over the defaults, as the command resolves them. */
    @ParameterizedTest(name = "env root {0}, file root {1}: {2}")
    @CsvSource({"/env, /file, /env", ", /file, /file", ", , /"})
    void locationsResolveAsTheCommandDoes(String envRoot, String fileRoot, String expected) throws IOException {
        Map<String, String> env = new HashMap<>();
        Path config = host.resolve("config-" + expected.replace('/', '_') + ".toml");
        Files.writeString(config, fileRoot == null ? "" : "[host]\nroot = \"" + fileRoot + "\"\nnvml-library = \"/file/libnvidia-ml.so.1\"\n");
        env.put("JACCEL_CONFIG", config.toString());
        if (envRoot != null) {
            env.put("JACCEL_HOST_ROOT", envRoot);
            env.put("JACCEL_NVML_LIBRARY", "/env/libnvidia-ml.so.1");
        }
        JaccelOptions o = JaccelOptions.fromEnvironment(env);
        assertEquals(Path.of(expected), o.hostRoot());
        assertEquals(envRoot != null ? Optional.of("/env/libnvidia-ml.so.1")
                : fileRoot != null ? Optional.of("/file/libnvidia-ml.so.1") : Optional.empty(), o.nvmlLibrary());
        assertEquals(Optional.empty(), o.nrtLibrary());
    }

    @Test
    void aMissingVendorIsLeftOutAndSaysWhy() throws IOException {
        Map<String, String> env = withoutConfig(env(null));
        env.put("JACCEL_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1");
        env.put("JACCEL_HOST_ROOT", host.resolve("nowhere").toString());
        try (Jaccel jaccel = Jaccel.open(JaccelOptions.fromEnvironment(env))) {
            assertFalse(jaccel.isAvailable(Vendor.NVIDIA));
            assertFalse(jaccel.isAvailable(Vendor.NEURON));
            LibraryUnavailableException why = (LibraryUnavailableException) jaccel.unavailable().get(Vendor.NVIDIA);
            assertTrue(why.getMessage().startsWith("cannot load /nonexistent/libnvidia-ml.so.1 (NVML)"), why.getMessage());
            IllegalStateException e = assertThrows(IllegalStateException.class, jaccel::nvidia);
            assertSame(why, e.getCause());
            assertTrue(e.getMessage().startsWith("NVIDIA is not open: cannot load"), e.getMessage());
            assertTrue(jaccel.unavailable().get(Vendor.NEURON).getMessage().contains("no /dev/neuron* device"));
            Inventory empty = jaccel.inventory();
            assertNull(empty.nvidia());
            assertNull(empty.neuron());
        }
    }

    @Test
    void oneVendorOnlyNeverTouchesTheOther(@TempDir Path dir) throws IOException {
        try (FakeNrt nrt = FakeNrt.withConfig(dir, NeuronHostFixture.nrtConfig("trn2"))) {
            try (Jaccel neuron = Jaccel.openNeuron(JaccelOptions.fromEnvironment(withoutConfig(env(nrt)))
                    .withNvmlLibrary("/nonexistent/libnvidia-ml.so.1"))) {
                assertEquals(16, neuron.neuron().devices().size());
                assertFalse(neuron.isAvailable(Vendor.NVIDIA));
                assertEquals(Map.of(), neuron.unavailable(), "NVIDIA was not asked for, so nothing failed");
                assertTrue(assertThrows(IllegalStateException.class, neuron::nvidia).getMessage()
                        .endsWith("opened for another vendor only"));
            }
            long versions = nrt.calls("nrt_get_version");
            try (Jaccel nvidia = Jaccel.openNvidia(JaccelOptions.fromEnvironment(withoutConfig(env(nrt))))) {
                assertEquals(8, nvidia.nvidia().devices().size());
                assertFalse(nvidia.isAvailable(Vendor.NEURON));
                assertNull(nvidia.inventory().neuron(), "no Neuron discovery either");
            }
            assertEquals(versions, nrt.calls("nrt_get_version"), "libnrt was not called by the NVIDIA-only open");
        }
    }

    @Test
    void aVendorAskedForAloneFailsAtOnceWithItsException() throws IOException {
        Map<String, String> env = withoutConfig(env(null));
        env.put("JACCEL_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1");
        assertThrows(LibraryUnavailableException.class, () -> Jaccel.openNvidia(JaccelOptions.fromEnvironment(env)));
        env.put("JACCEL_HOST_ROOT", host.resolve("nowhere").toString());
        assertEquals("the Neuron driver", assertThrows(LibraryUnavailableException.class,
                () -> Jaccel.openNeuron(JaccelOptions.fromEnvironment(env))).library());
    }

    @Test
    void closeEndsEveryLiveHandle() throws IOException {
        Jaccel jaccel = Jaccel.openNvidia(JaccelOptions.fromEnvironment(withoutConfig(env(null))));
        NvmlDevice gpu = jaccel.nvidia().device(0);
        jaccel.close();
        jaccel.close();
        assertThrows(IllegalStateException.class, jaccel::nvidia);
        assertThrows(IllegalStateException.class, gpu::uuid, "a handle of a closed session fails clearly");
    }

    @Test
    void nativeFailuresCarryTheCodeAndItsName() throws IOException {
        try (Jaccel jaccel = Jaccel.openNvidia(JaccelOptions.fromEnvironment(withoutConfig(env(null))))) {
            NvmlException e = assertThrows(NvmlException.class, () -> jaccel.nvidia().device(8));
            assertEquals(NvmlReturn.INVALID_ARGUMENT, e.returnCode());
            assertEquals("INVALID_ARGUMENT", e.codeName());
            assertEquals(2, e.code());
            assertEquals("nvmlDeviceGetHandleByIndex_v2", e.function());
            assertEquals("NVML", e.library());
            assertEquals(List.of(), jaccel.nvidia().devices().failures().keySet().stream().toList());
        }
    }
}
