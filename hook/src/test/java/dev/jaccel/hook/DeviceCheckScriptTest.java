package dev.jaccel.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jaccel.testkit.SimulatedHost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * scripts/device-check.sh's comparison, run for real: a fake {@code nvidia-smi} on PATH prints what
 * the simulated host's config says (optionally with one field changed), and {@code JACCEL} is this
 * build's CLI in a child JVM against the fake NVML. On a GPU host the same script runs against
 * the real nvidia-smi and bin/jaccel.
 */
class DeviceCheckScriptTest {
    private static final Path SCRIPT = Path.of(System.getProperty("maven.multiModuleProjectDirectory",
            Path.of("").toAbsolutePath().getParent().toString()), "scripts/device-check.sh");

    @TempDir
    static Path dir;
    static Map<String, String> env;
    static JsonNode config;
    static Path jaccel;

    @BeforeAll
    static void simulate() throws Exception {
        env = SimulatedHost.create(dir.resolve("host"), SimulatedHost.DEFAULT_PROFILE);
        config = new ObjectMapper().readTree(Path.of(env.get("FAKE_NVML_CONFIG")).toFile());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        jaccel = executable(dir.resolve("jaccel"), "#!/bin/sh\nexec '" + java + "' --enable-native-access=ALL-UNNAMED -cp '"
                + System.getProperty("java.class.path") + "' dev.jaccel.hook.Main \"$@\"\n");
    }

    private static Path executable(Path p, String text) throws Exception {
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** nvidia-smi's CSV for the configured GPUs, with {@code field} of GPU {@code gpu} replaced. */
    private static String smiCsv(int gpu, int field, String value, int drop) {
        List<String> lines = new ArrayList<>();
        JsonNode devices = config.get("devices");
        for (int i = 0; i < devices.size(); i++) {
            if (i == drop) {
                continue;
            }
            JsonNode d = devices.get(i);
            String[] f = {String.valueOf(i), d.get("uuid").asText(), d.get("name").asText(), d.get("pciBusId").asText(),
                    String.valueOf(d.get("memoryTotal").asLong() >> 20), d.get("computeCapability").asText()};
            if (i == gpu) {
                f[field] = value;
            }
            lines.add(String.join(", ", f));
        }
        return String.join("\n", lines) + "\n";
    }

    @ParameterizedTest(name = "{4}")
    @CsvSource(delimiter = '|', value = {
            "-1|0|''|-1|nothing changed: exit 0|0|8 GPUs match nvidia-smi field by field",
            "2|4|81558|-1|memory 1 MiB short|1|GPU 2 memory.total: nvidia-smi 81558 MiB, jaccel 85520809984 bytes",
            "5|1|GPU-00000000-0000-0000-0000-000000000000|-1|another UUID|1|GPU 5 uuid: nvidia-smi GPU-00000000",
            "0|3|00000000:19:00.0|-1|another bus|1|GPU 0 pci.bus_id: nvidia-smi 00000000:19:00.0, jaccel 00000000:18:00.0",
            "0|3|0000:18:00.0|-1|the same bus, another spelling|0|8 GPUs match",
            "7|5|8.0|-1|another compute capability|1|GPU 7 compute_cap: nvidia-smi 8.0, jaccel 9.0",
            "3|2|NVIDIA H200|-1|another name|1|GPU 3 name: nvidia-smi NVIDIA H200, jaccel NVIDIA H100 80GB HBM3",
            "-1|0|''|4|one GPU fewer|1|GPU count: nvidia-smi 7, jaccel 8",
    })
    void comparesFieldByField(int gpu, int field, String value, int drop, String what, int exit, String message)
            throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")) || Files.isExecutable(Path.of("/bin/python3")),
                "the script reads JSON with python3");
        Path bin = Files.createDirectories(dir.resolve("bin-" + what.hashCode()));
        executable(bin.resolve("nvidia-smi"), "#!/bin/sh\ncat <<'EOF'\n" + smiCsv(gpu, field, value, drop) + "EOF\n");
        ProcessBuilder pb = new ProcessBuilder("sh", SCRIPT.toString()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("JACCEL", jaccel.toString());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "device-check.sh timed out");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(exit, p.exitValue(), out);
        assertTrue(out.contains(message), out);
    }
}
