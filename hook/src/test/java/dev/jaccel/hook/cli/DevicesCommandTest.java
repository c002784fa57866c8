package dev.jaccel.hook.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jaccel.hook.Main;
import dev.jaccel.testkit.FakeLibraries;
import dev.jaccel.testkit.NvidiaHostFixture;
import dev.jaccel.testkit.SimulatedHost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jaccel devices} end to end, in-process through {@link Main#run}: the bundled 8-GPU MIG
 * host (fake NVML + fake host tree) must come out exactly as the fake was configured.
 */
class DevicesCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path root;
    static JsonNode config;

    @BeforeAll
    static void simulate() throws Exception {
        Map<String, String> env = SimulatedHost.create(dir, SimulatedHost.DEFAULT_PROFILE);
        root = Path.of(env.get("JACCEL_HOST_ROOT"));
        // the fake reads FAKE_NVML_CONFIG (fixed by surefire for this JVM) at its first init
        Path fakeConfig = Path.of(System.getenv("FAKE_NVML_CONFIG"));
        Files.createDirectories(fakeConfig.getParent());
        Files.copy(Path.of(env.get("FAKE_NVML_CONFIG")), fakeConfig, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        config = JSON.readTree(fakeConfig.toFile());
    }

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), System.getenv());
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Result devices(String... extra) {
        List<String> args = new ArrayList<>(List.of("devices", "--host-root", root.toString(),
                "--nvml-library", FakeLibraries.nvml().toString()));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    @Test
    void jsonIsExactlyWhatTheFakeWasConfiguredWith() throws Exception {
        Result r = devices("--json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = JSON.readTree(r.out());
        for (JsonNode e : doc.get("errors")) {
            assertFalse(e.asText().startsWith("nvidia:"), e.asText());
        }
        assertTrue(doc.has("neuron"));
        JsonNode nv = doc.get("nvidia");
        assertEquals(config.get("driverVersion").asText(), nv.get("driverVersion").asText());
        assertEquals(config.get("nvmlVersion").asText(), nv.get("nvmlVersion").asText());
        int cuda = config.get("cudaDriverVersion").asInt();
        assertEquals(cuda / 1000 + "." + cuda % 1000 / 10, nv.get("cudaDriverVersion").asText());
        assertEquals(config.get("driverVersion").asText(), nv.get("kernelModuleVersion").asText());
        assertEquals(0, nv.get("notes").size(), nv.get("notes").toString());

        JsonNode gpus = config.get("devices");
        assertEquals(8, gpus.size());
        assertEquals(gpus.size(), nv.get("devices").size());
        Map<String, Integer> caps = NvidiaHostFixture.migMinors(
                List.of(3, 0, 1, 2, 7, 4, 5, 6));
        int migs = 0;
        for (int i = 0; i < gpus.size(); i++) {
            JsonNode want = gpus.get(i);
            JsonNode got = nv.get("devices").get(i);
            String at = "GPU " + i + ": ";
            assertEquals(i, got.get("index").asInt(), at);
            for (String field : List.of("uuid", "name", "brand", "architecture", "computeCapability", "pciBusId")) {
                assertEquals(want.get(field).asText(), got.get(field).asText(), at + field);
            }
            int minor = want.get("minor").asInt();
            assertEquals(minor, got.get("minor").asInt(), at + "minor");
            assertEquals(want.get("memoryTotal").asLong(), got.get("memoryTotalBytes").asLong(), at + "memory");
            boolean mig = want.get("migMode").asText().equals("enabled");
            assertEquals(mig, got.get("migEnabled").asBoolean(), at + "migEnabled");
            JsonNode node = got.get("deviceNodes").get(0);
            assertEquals("/dev/nvidia" + minor, node.get("path").asText(), at + "node by minor, not index");
            assertEquals(root.resolve("dev/nvidia" + minor).toString(), node.get("hostPath").asText());
            assertEquals(195, node.get("major").asInt());
            assertEquals(minor, node.get("minor").asInt());
            JsonNode wantMigs = want.get("migDevices");
            assertEquals(wantMigs.size(), got.get("migDevices").size(), at + "MIG devices");
            for (int m = 0; m < wantMigs.size(); m++, migs++) {
                JsonNode wm = wantMigs.get(m);
                JsonNode gm = got.get("migDevices").get(m);
                String mat = at + "MIG " + m + ": ";
                assertEquals(m, gm.get("index").asInt(), mat);
                assertEquals(wm.get("uuid").asText(), gm.get("uuid").asText(), mat);
                int gi = wm.get("gpuInstanceId").asInt();
                int ci = wm.get("computeInstanceId").asInt();
                assertEquals(gi, gm.get("gpuInstanceId").asInt(), mat);
                assertEquals(ci, gm.get("computeInstanceId").asInt(), mat);
                assertEquals(wm.get("memoryTotal").asLong(), gm.get("memoryTotalBytes").asLong(), mat);
                JsonNode capNodes = gm.get("capabilityNodes");
                List<Integer> capMinors = List.of(caps.get("gpu" + minor + "/gi" + gi + "/access"),
                        caps.get("gpu" + minor + "/gi" + gi + "/ci" + ci + "/access"));
                assertEquals(2, capNodes.size(), mat);
                for (int c = 0; c < 2; c++) {
                    assertEquals("/dev/nvidia-caps/nvidia-cap" + capMinors.get(c), capNodes.get(c).get("path").asText(), mat);
                    assertEquals(NvidiaHostFixture.CAPS_MAJOR, capNodes.get(c).get("major").asInt(), mat);
                    assertEquals(capMinors.get(c), capNodes.get(c).get("minor").asInt(), mat);
                }
            }
        }
        assertEquals(10, migs, "3 MIG devices on GPU 1, 7 on GPU 5");
        List<String> control = new ArrayList<>();
        nv.get("controlDeviceNodes").forEach(n -> control.add(n.get("path").asText() + " " + n.get("major").asInt() + ":"
                + n.get("minor").asInt()));
        assertEquals(List.of("/dev/nvidiactl 195:255", "/dev/nvidia-uvm 510:0", "/dev/nvidia-uvm-tools 510:1",
                "/dev/nvidia-modeset 195:254"), control);
    }

    @Test
    void tableReadsLikeNvidiaSmiL() {
        Result r = devices();
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("NVIDIA driver 580.95.05, kernel module 580.95.05, NVML 13.580.95.05, CUDA 13.0\n"),
                r.out());
        assertTrue(r.out().contains("GPU 0: NVIDIA H100 80GB HBM3 (UUID: " + config.get("devices").get(0).get("uuid").asText()
                + ")\n    bus 00000000:18:00.0  minor 3  memory 81559 MiB  compute 9.0  HOPPER NVIDIA  MIG off"), r.out());
        assertTrue(r.out().contains("  MIG 5:6 (UUID: " + config.get("devices").get(5).get("migDevices").get(6).get("uuid").asText()
                + ")  gi 13 ci 0  memory 9728 MiB"), r.out());
        assertTrue(r.out().contains("control nodes: /dev/nvidiactl 195:255"), r.out());
    }

    @Test
    void withoutTheLibraryNvidiaIsNullWithTheReason() throws Exception {
        Result r = run("devices", "--json", "--host-root", root.toString(), "--nvml-library", "/nonexistent/libnvidia-ml.so.1");
        JsonNode doc = JSON.readTree(r.out());
        assertTrue(doc.get("nvidia").isNull());
        List<String> errors = new ArrayList<>();
        doc.get("errors").forEach(e -> errors.add(e.asText()));
        assertTrue(errors.contains("nvidia: cannot load NVML /nonexistent/libnvidia-ml.so.1 (the nvidia kernel module "
                + "580.95.05 is loaded): install the NVIDIA driver's user-space libraries or pass --nvml-library"), errors.toString());
        assertEquals(doc.get("neuron").isNull() ? 4 : 0, r.code(), "4 only when no vendor produced anything");

        Result table = run("devices", "--host-root", root.toString(), "--nvml-library", "/nonexistent/libnvidia-ml.so.1");
        assertTrue(table.err().contains("jaccel: nvidia: cannot load NVML /nonexistent/libnvidia-ml.so.1"), table.err());
        assertFalse(table.err().contains("Exception"), "no stack trace: " + table.err());
    }

    @Test
    void helpDocumentsTheExitCodes() {
        Result r = run("devices", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("4 when none could be read"), r.out());
        assertTrue(r.out().contains("--nvml-library"), r.out());
    }
}
