package dev.jaccel.core.config;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.caps.DriverCapability;
import dev.jaccel.core.plan.NeuronDeviceNames;
import dev.jaccel.core.plan.PlanConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JaccelConfigTest {
    @TempDir
    Path tmp;

    JaccelConfig read(String toml) throws IOException {
        Path file = Files.writeString(tmp.resolve("config.toml"), toml);
        return JaccelConfig.load(file, file.toString());
    }

    JaccelException refused(String toml) {
        JaccelException e = assertThrows(JaccelException.class, () -> read(toml));
        assertEquals(ExitCode.USAGE, e.exitCode());
        return e;
    }

    @Test
    void everyKeyReadsIntoTheRecords() throws IOException {
        JaccelConfig c = read("""
                # NVIDIA's keys, NVIDIA's meaning
                accept-nvidia-visible-devices-envvar-when-unprivileged = false
                accept-nvidia-visible-devices-as-volume-mounts = true
                supported-driver-capabilities = "compute,utility"
                disable-require = true
                swarm-resource = "DOCKER_RESOURCE_GPUS, DOCKER_RESOURCE_GPUS_ADDITIONAL"

                [features]
                allow-cuda-compat-libs-from-container = true

                [nvidia-container-runtime.modes.cdi]
                annotation-prefixes = ["cdi.k8s.io/", "example.com/"]
                spec-dirs = ["/etc/cdi"]

                [cuda]
                minor-version-compatibility = true

                [neuron]
                device-numbering = "from-zero"

                [cdi]
                output-dir = "/var/run/cdi/"

                [inventory]
                snapshot = "/run/jaccel/inventory.json"

                [host]
                root = "/host"
                nvml-library = "/usr/lib64/libnvidia-ml.so.1"
                nrt-library = ""
                """);
        assertEquals(new PlanConfig(false, true, List.of("cdi.k8s.io/", "example.com/"),
                List.of("DOCKER_RESOURCE_GPUS", "DOCKER_RESOURCE_GPUS_ADDITIONAL"),
                EnumSet.of(DriverCapability.COMPUTE, DriverCapability.UTILITY), true, true, true,
                NeuronDeviceNames.FROM_ZERO), c.plan());
        assertEquals(List.of(Path.of("/etc/cdi")), c.cdiSpecDirs());
        assertEquals(Path.of("/var/run/cdi"), c.cdiOutputDir());
        assertEquals(Path.of("/run/jaccel/inventory.json"), c.snapshot());
        assertEquals(new HostSettings("/host", Optional.of("/usr/lib64/libnvidia-ml.so.1"), Optional.empty()), c.host());
        assertEquals(Optional.of(tmp.resolve("config.toml")), c.source());
    }

    @Test
    void anEmptyFileIsTheDefaults() throws IOException {
        JaccelConfig c = read("# nothing set\n");
        assertEquals(JaccelConfig.DEFAULTS.plan(), c.plan());
        assertEquals(new JaccelConfig(c.source(), PlanConfig.DEFAULTS, List.of(Path.of("/etc/cdi"), Path.of("/var/run/cdi")),
                Path.of("/etc/cdi"), Path.of("/var/lib/jaccel/inventory.json"), HostSettings.DEFAULTS), c);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown top-level key      | 'disable-require = false\\nmode = \"cdi\"'                  | :2: unknown key 'mode' (jaccel config show lists every key)",
            "unknown key in a table     | '[neuron]\\n\\ndevice-names = \"host\"'                      | :3: unknown key 'neuron.device-names'",
            "unknown table              | '[a]\\nb = 1' | :1: unknown table [a] (jaccel",
            "NVIDIA key jaccel ignores  | '[nvidia-container-cli]\\nldconfig = \"@/sbin/ldconfig\"'   | :1: unknown table [nvidia-container-cli], an nvidia-container-toolkit setting jaccel does not use: remove it",
            "NVIDIA key in a known table| '[nvidia-container-runtime.modes.cdi]\\ndefault-kind = \"nvidia.com/gpu\"' | :2: unknown key 'nvidia-container-runtime.modes.cdi.default-kind', an nvidia-container-toolkit setting",
            "unknown key                | 'x = 1\\n' | :1: unknown key 'x'",
            "boolean expected           | '\\n\\ndisable-require = \"yes\"'                            | :3: disable-require: expected true or false, not \"yes\"",
            "unknown capability         | 'supported-driver-capabilities = \"compute,opengl\"'        | :1: supported-driver-capabilities: unknown driver capability 'opengl'",
            "bad variable name          | 'swarm-resource = \"A B\"'                                  | :1: swarm-resource: expected a comma list of variable names, not \"A B\"",
            "relative path              | '[inventory]\\nsnapshot = \"inventory.json\"'               | :2: inventory.snapshot: expected an absolute path, not \"inventory.json\"",
            "a date is not a path       | '[cdi]\\noutput-dir = 2024-01-01'                           | :2: cdi.output-dir: expected an absolute path, not 2024-01-01",
            "relative spec dir          | '[nvidia-container-runtime.modes.cdi]\\nspec-dirs = [\"/etc/cdi\", \"cdi\"]' | :2: nvidia-container-runtime.modes.cdi.spec-dirs: expected an array of absolute paths",
            "array split over lines     | '[nvidia-container-runtime.modes.cdi]\\nannotation-prefixes = [\\n  \"a/\",\\n  3,\\n]' | :5: nvidia-container-runtime.modes.cdi.annotation-prefixes: expected an array of strings, not [\"a/\",3]",
            "numbering                  | '[neuron]\\ndevice-numbering = \"zero\"'                    | :2: neuron.device-numbering: expected \"host\" or \"from-zero\", not \"zero\"",
            "relative library path      | '[host]\\nnvml-library = \"lib/libnvidia-ml.so.1\"'         | :2: host.nvml-library: expected a library name or an absolute path",
            "a table where a value is   | '[cuda.minor-version-compatibility]\\nx = 1'                 | :1: cuda.minor-version-compatibility: expected true or false, not {\"x\":1}",
            "array of tables            | '[[neuron]]\\ndevice-numbering = \"host\"'                   | :1: unknown key 'neuron' (jaccel",
            "syntax error               | 'disable-require = false\\ndisable-require = true'         | :2: not valid TOML: Duplicate key",
            "unterminated string        | '[host]\\nroot = \"/'                                       | :2: not valid TOML:",
    })
    void badFilesAreExitTwoNamingFileLineAndKey(String name, String toml, String message) {
        JaccelException e = refused(toml.replace("\\n", "\n"));
        String file = tmp.resolve("config.toml").toString();
        assertTrue(e.getMessage().startsWith(file + message), e.getMessage());
    }

    @Test
    void nvidiasOwnConfigFileIsRefusedAtItsFirstKeyJaccelDoesNotUse() {
        // what nvidia-ctk config default writes (nvidia-container-toolkit api/config/v1), abridged
        JaccelException e = refused("""
                #accept-nvidia-visible-devices-as-volume-mounts = false
                #accept-nvidia-visible-devices-envvar-when-unprivileged = true
                disable-require = false
                supported-driver-capabilities = "compat32,compute,display,graphics,ngx,utility,video"
                #swarm-resource = "DOCKER_RESOURCE_GPU"

                [nvidia-container-cli]
                #debug = "/var/log/nvidia-container-toolkit.log"
                environment = []
                ldconfig = "@/sbin/ldconfig"
                load-kmods = true

                [nvidia-container-runtime]
                log-level = "info"
                mode = "auto"
                runtimes = ["runc", "crun"]

                [nvidia-container-runtime.modes.cdi]
                annotation-prefixes = ["cdi.k8s.io/"]
                default-kind = "nvidia.com/gpu"
                spec-dirs = ["/etc/cdi", "/var/run/cdi"]
                """);
        assertTrue(e.getMessage().endsWith("config.toml:7: unknown table [nvidia-container-cli], an "
                + "nvidia-container-toolkit setting jaccel does not use: remove it (jaccel config show lists every key)"),
                e.getMessage());
    }

    @Test
    void showWritesEveryKeyAndReadsBackTheSame() throws IOException {
        for (JaccelConfig c : List.of(JaccelConfig.DEFAULTS, read("""
                swarm-resource = "A,B"
                supported-driver-capabilities = "utility"
                [neuron]
                device-numbering = "from-zero"
                [host]
                nrt-library = "libnrt.so.1"
                """))) {
            String toml = c.toToml();
            for (ConfigKey k : ConfigKey.values()) {
                assertTrue(toml.contains("\n" + k.keyName() + " = ") || toml.startsWith(k.keyName() + " = ")
                        || toml.contains("# " + k.description()), k + " missing:\n" + toml);
            }
            JaccelConfig back = read(toml);
            assertEquals(new JaccelConfig(back.source(), c.plan(), c.cdiSpecDirs(), c.cdiOutputDir(), c.snapshot(), c.host()),
                    back, toml);
        }
    }

    @Test
    void aNamedFileMustExistAndTheEnvironmentOverridesTheSnapshot() {
        JaccelException e = assertThrows(JaccelException.class,
                () -> JaccelConfig.load(Map.of("JACCEL_CONFIG", tmp.resolve("none.toml").toString())));
        assertEquals("JACCEL_CONFIG=" + tmp.resolve("none.toml") + ": no such file", e.getMessage());
        assertEquals(Path.of("/x.json"), JaccelConfig.DEFAULTS.snapshotPath(Map.of("JACCEL_SNAPSHOT", "/x.json")));
        assertEquals(Path.of("/var/lib/jaccel/inventory.json"), JaccelConfig.DEFAULTS.snapshotPath(Map.of()));
    }

    @Test
    void aFileEveryoneMayWriteIsNotTrusted() throws IOException {
        Path file = Files.writeString(tmp.resolve("config.toml"), "disable-require = true\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        JaccelException e = assertThrows(JaccelException.class, () -> JaccelConfig.load(file, file.toString()));
        assertEquals(file + ": writable by every user, so its settings cannot be trusted; run chmod o-w " + file,
                e.getMessage());
    }

    @Test
    void notUtf8IsRefused() throws IOException {
        Path file = Files.write(tmp.resolve("config.toml"), new byte[] {'a', ' ', '=', ' ', '"', (byte) 0xff, '"'});
        JaccelException e = assertThrows(JaccelException.class, () -> JaccelConfig.load(file, file.toString()));
        assertEquals(file + ": not UTF-8 text (TOML files are UTF-8)", e.getMessage());
    }
}
