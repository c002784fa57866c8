package dev.jaccel.hook.cli;

import dev.jaccel.core.config.JaccelConfig;
import dev.jaccel.core.plan.NeuronDeviceNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jaccel config show} and the configuration file as the other commands read it. */
class ConfigCommandTest {
    @TempDir
    Path tmp;

    Path config(String toml) throws IOException {
        return Files.writeString(tmp.resolve("config.toml"), toml);
    }

    @Test
    void showPrintsTheEffectiveConfigurationAsAFileThatReadsBackTheSame() throws IOException {
        Path file = config("""
                accept-nvidia-visible-devices-as-volume-mounts = true
                [neuron]
                device-numbering = "from-zero"
                """);
        Cli r = Cli.run("config", "show", "--config", file.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("# jaccel configuration in effect\n# file: " + file + "\n"), r.out());
        assertTrue(r.out().contains("\n[neuron]\n# host: /dev/neuron12 stays"), r.out());
        assertTrue(r.out().contains("\ndevice-numbering = 'from-zero'\n"), r.out());
        assertTrue(r.out().contains("\naccept-nvidia-visible-devices-as-volume-mounts = true\n"), r.out());

        Path shown = Files.writeString(tmp.resolve("shown.toml"), r.out());
        JaccelConfig back = JaccelConfig.load(shown, shown.toString());
        JaccelConfig original = JaccelConfig.load(file, file.toString());
        assertEquals(original.plan(), back.plan());
        assertEquals(NeuronDeviceNames.FROM_ZERO, back.plan().neuronDeviceNames());
        assertEquals(original.snapshot(), back.snapshot());
        assertEquals(original.host(), back.host());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "config show          | config,show",
            "devices              | devices,--json",
            "plan                 | plan,--env,NVIDIA_VISIBLE_DEVICES=void",
            "inventory refresh    | inventory,refresh",
            "cdi generate         | cdi,generate",
            "check                | check",
    })
    void aBadFileStopsEveryCommandWithItsLineAndKey(String name, String words) throws IOException {
        Path file = config("[cdi]\noutput-dir = \"/etc/cdi\"\nspec-dirs = [\"/etc/cdi\"]\n");
        String[] args = (words + ",--config," + file).split(",");
        Cli r = Cli.run(args);
        assertEquals(2, r.exit(), r.out());
        assertEquals("jaccel: " + file + ":3: unknown key 'cdi.spec-dirs' (jaccel config show lists every key)\n", r.err());
    }

    @Test
    void aMissingFileNamedOnTheCommandLineIsExitTwo() {
        Cli r = Cli.run("config", "show", "--config", tmp.resolve("none.toml").toString());
        assertEquals(2, r.exit(), r.out());
        assertEquals("jaccel: --config " + tmp.resolve("none.toml") + ": no such file\n", r.err());
    }

    @Test
    void inventoryRefreshAndCdiGenerateWriteWhereTheFileSays() throws IOException {
        FakeGpuHost host = new FakeGpuHost(tmp.resolve("host"));
        Path inventory = host.writeInventory(tmp.resolve("inventory.json"));
        Path snapshot = tmp.resolve("state/inventory.json");
        Path specs = tmp.resolve("cdi");
        Path file = config("""
                [inventory]
                snapshot = "%s"
                [cdi]
                output-dir = "%s"
                [host]
                root = "%s"
                nvml-library = "%s"
                nrt-library = "%s"
                """.formatted(snapshot, specs, host.tree.root(), tmp.resolve("none/libnvidia-ml.so.1"),
                tmp.resolve("none/libnrt.so.1")));

        // no NVIDIA module loaded: the missing NVML means "no GPUs" (with the module loaded it is a broken
        // driver, and refresh keeps the old snapshot: DriverFailureEndToEndTest)
        Files.delete(host.tree.path("/proc/driver/nvidia/version"));
        Cli refresh = Cli.run("inventory", "refresh", "--config", file.toString());
        assertEquals(0, refresh.exit(), refresh.err());
        assertTrue(refresh.out().startsWith("wrote " + snapshot + " ("), refresh.out());
        // the libraries named in [host] are the ones discovery tried
        assertTrue(refresh.err().contains(tmp.resolve("none/libnvidia-ml.so.1").toString()), refresh.err());

        Cli generate = Cli.run("cdi", "generate", "--config", file.toString(), "--inventory", inventory.toString());
        assertEquals(0, generate.exit(), generate.err());
        assertTrue(Files.isRegularFile(specs.resolve("jaccel-nvidia.json")), generate.out());
        assertTrue(Files.isRegularFile(specs.resolve("jaccel-neuron.json")), generate.out());
        // a flag still wins over the file
        Path elsewhere = tmp.resolve("elsewhere");
        assertEquals(0, Cli.run("cdi", "generate", "--config", file.toString(), "--inventory", inventory.toString(),
                "--output-dir", elsewhere.toString()).exit());
        assertTrue(Files.isRegularFile(elsewhere.resolve("jaccel-nvidia.json")));
    }

    @Test
    void cdiGenerateSaysThatNeuronRenumberingCannotApplyToCdi() throws IOException {
        FakeGpuHost host = new FakeGpuHost(tmp.resolve("host"));
        Path inventory = host.writeInventory(tmp.resolve("inventory.json"));
        Path file = config("[neuron]\ndevice-numbering = \"from-zero\"\n");
        Cli r = Cli.run("cdi", "generate", "--config", file.toString(), "--inventory", inventory.toString(),
                "--output-dir", tmp.resolve("cdi").toString(), "--host-root", host.tree.root().toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("jaccel: warning: neuron.device-numbering = \"from-zero\" cannot apply to CDI devices"),
                r.err());
    }
}
