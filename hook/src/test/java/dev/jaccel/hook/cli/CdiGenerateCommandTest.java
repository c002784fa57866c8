package dev.jaccel.hook.cli;

import dev.jaccel.core.json.InventoryJson;
import dev.jaccel.core.json.JsonTree;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.HostContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.jaccel.hook.cli.FakeGpuHost.GPU0;
import static dev.jaccel.hook.cli.FakeGpuHost.GPU1;
import static dev.jaccel.hook.cli.FakeGpuHost.MIG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CdiGenerateCommandTest {
    @TempDir
    Path tmp;
    FakeGpuHost host;
    Path inventory;

    @BeforeEach
    void fakeHost() throws IOException {
        host = new FakeGpuHost(tmp.resolve("host"));
        inventory = host.writeInventory(tmp.resolve("inventory.json"));
    }

    @Test
    void writesOneValidSpecPerVendorIntoTheFolder() throws IOException {
        Path dir = tmp.resolve("cdi");
        Cli r = Cli.run("cdi", "generate", "--inventory", inventory.toString(), "--output-dir", dir.toString(),
                "--host-root", host.tree.root().toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("wrote " + dir.resolve("jaccel-nvidia.json") + " (nvidia.com/gpu: 7 devices)\n"
                + "wrote " + dir.resolve("jaccel-neuron.json") + " (aws.amazon.com/neuron: 3 devices)\n", r.out());

        Map<String, Object> nvidia = validSpec(dir.resolve("jaccel-nvidia.json"));
        assertEquals("nvidia.com/gpu", nvidia.get("kind"));
        assertEquals("0.5.0", nvidia.get("cdiVersion"));
        assertEquals(List.of("0", GPU0, "1", GPU1, "1:0", MIG, "all"), deviceNames(nvidia));
        String text = Files.readString(dir.resolve("jaccel-nvidia.json"));
        assertTrue(text.contains("\"hostPath\" : \"" + host.tree.path(FakeGpuHost.LIBCUDA) + "\""), text);
        assertTrue(text.contains("\"NVIDIA_VISIBLE_DEVICES=void\""), text);

        Map<String, Object> neuron = validSpec(dir.resolve("jaccel-neuron.json"));
        assertEquals("aws.amazon.com/neuron", neuron.get("kind"));
        assertEquals(List.of("0", "1", "all"), deviceNames(neuron));
    }

    @ParameterizedTest
    @CsvSource({
            // --vendor (blank: both), --output (relative to the temp dir), files expected there, ';'-separated
            "'',     spec.json,     spec-nvidia.json;spec-neuron.json",
            "'',     out/spec,      out/spec-nvidia;out/spec-neuron",
            "nvidia, spec.json,     spec.json",
            "neuron, one.cdi.json,  one.cdi.json",
    })
    void outputFileNaming(String vendor, String output, String expected) throws IOException {
        List<String> args = new ArrayList<>(List.of("cdi", "generate", "--inventory", inventory.toString(),
                "--output", tmp.resolve(output).toString()));
        if (!vendor.isEmpty()) {
            args.addAll(List.of("--vendor", vendor));
        }
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        for (String file : expected.split(";")) {
            Map<String, Object> spec = validSpec(tmp.resolve(file));
            String kind = (String) spec.get("kind");
            assertTrue(vendor.equals("neuron") || file.contains("neuron") ? kind.equals("aws.amazon.com/neuron")
                    : kind.equals("nvidia.com/gpu"), file + " has " + kind);
        }
    }

    @Test
    void aVendorWithoutDevicesLosesItsSpec() throws IOException {
        Path dir = tmp.resolve("cdi");
        String hostRoot = host.tree.root().toString();
        assertEquals(0, Cli.run("cdi", "generate", "--inventory", inventory.toString(), "--output-dir", dir.toString(),
                "--host-root", hostRoot).exit());
        Inventory gpusOnly = new Inventory(host.inventory.nvidia(), null, List.of("neuron: no /dev/neuron* device"));
        Path file = Files.writeString(tmp.resolve("gpus-only.json"), InventoryJson.toJson(gpusOnly, false));
        // the Neuron driver is gone from the host, not merely unreadable
        Files.delete(host.tree.path("/sys/module/neuron/version"));
        Files.delete(host.tree.path("/sys/module/neuron"));

        Cli r = Cli.run("cdi", "generate", "--inventory", file.toString(), "--output-dir", dir.toString(),
                "--host-root", hostRoot);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().endsWith("removed " + dir.resolve("jaccel-neuron.json") + " (no neuron device any more)\n"), r.out());
        assertEquals("jaccel: warning: neuron: no /dev/neuron* device\n", r.err());
        assertFalse(Files.exists(dir.resolve("jaccel-neuron.json")));
        assertTrue(Files.exists(dir.resolve("jaccel-nvidia.json")));
    }

    /** The vendor's module is still loaded but its half of the inventory is missing: a broken driver. */
    @ParameterizedTest(name = "{0} unreadable")
    @CsvSource({"nvidia, /proc/driver/nvidia/version", "neuron, /sys/module/neuron"})
    void aLoadedDriverThatCannotBeReadKeepsEverySpec(String broken, String evidence) throws IOException {
        Path dir = tmp.resolve("cdi");
        String hostRoot = host.tree.root().toString();
        assertEquals(0, Cli.run("cdi", "generate", "--inventory", inventory.toString(), "--output-dir", dir.toString(),
                "--host-root", hostRoot).exit());
        byte[] nvidiaSpec = Files.readAllBytes(dir.resolve("jaccel-nvidia.json"));
        byte[] neuronSpec = Files.readAllBytes(dir.resolve("jaccel-neuron.json"));
        String reason = broken + ": it failed";
        Inventory partial = broken.equals("nvidia") ? new Inventory(null, host.inventory.neuron(), List.of(reason))
                : new Inventory(host.inventory.nvidia(), null, List.of(reason));
        Path file = Files.writeString(tmp.resolve("partial.json"), InventoryJson.toJson(partial, false));

        Cli r = Cli.run("cdi", "generate", "--inventory", file.toString(), "--output-dir", dir.toString(),
                "--host-root", hostRoot);
        assertEquals(4, r.exit(), r.out() + r.err());
        assertEquals("", r.out());
        assertEquals("jaccel: " + broken + ": the " + broken + " kernel module is loaded (" + host.tree.path(evidence)
                + " exists) but its driver cannot be used: it failed; nothing was written: the existing CDI specs and "
                + "inventory snapshot are kept\n", r.err());
        assertArrayEquals(nvidiaSpec, Files.readAllBytes(dir.resolve("jaccel-nvidia.json")));
        assertArrayEquals(neuronSpec, Files.readAllBytes(dir.resolve("jaccel-neuron.json")));

        // only the vendors asked for count
        String other = broken.equals("nvidia") ? "neuron" : "nvidia";
        Cli only = Cli.run("cdi", "generate", "--inventory", file.toString(), "--output-dir", dir.toString(),
                "--host-root", hostRoot, "--vendor", other);
        assertEquals(0, only.exit(), only.err());
    }

    @Test
    void missingDriverFilesAreAWarning() {
        Cli r = Cli.run("cdi", "generate", "--inventory", inventory.toString(), "--vendor", "nvidia",
                "--output", tmp.resolve("nvidia.json").toString(), "--host-root", tmp.resolve("bare-host").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().startsWith("jaccel: warning: no NVIDIA driver libraries ending in .580.95.05 were found under "
                + tmp.resolve("bare-host")), r.err());
    }

    @Test
    void discoveringWritesTheSnapshotEvenWhenNothingIsFound() {
        Path empty = tmp.resolve("empty-host");
        Path snapshot = tmp.resolve("state/inventory.json");
        Cli r = Cli.run("cdi", "generate", "--host-root", empty.toString(), "--output-dir", tmp.resolve("cdi").toString(),
                "--nvml-library", tmp.resolve("no/libnvidia-ml.so.1").toString(),
                "--nrt-library", tmp.resolve("no/libnrt.so.1").toString(), "--snapshot", snapshot.toString());
        assertEquals(4, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("jaccel: no NVIDIA GPU or Neuron device to describe"), r.err());
        assertTrue(InventorySnapshot.readIfFresh(snapshot, HostContext.ofRoot(empty)).isPresent());
        assertFalse(Files.exists(tmp.resolve("cdi/jaccel-nvidia.json")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // arguments (INV: the fixture inventory, TMP: the temp dir) | exit | stderr contains
            "--inventory TMP/none.json                       | 2 | --inventory TMP/none.json: no such file",
            "--inventory TMP/bad.json                        | 2 | --inventory TMP/bad.json: not a jaccel inventory document",
            "--inventory TMP/empty.json                      | 4 | no NVIDIA GPU or Neuron device to describe (no NVIDIA driver, no Neuron driver)",
            "--inventory INV --output TMP/a --output-dir TMP | 2 | give --output or --output-dir, not both",
            "--inventory INV --vendor amd                    | 2 | Invalid value for option '--vendor'",
            "--inventory INV --output TMP/bad.json/x         | 2 | cannot write TMP/bad.json/x",
    })
    void badInput(String args, int exit, String message) throws IOException {
        Files.writeString(tmp.resolve("bad.json"), "{\"nvidia\": [");
        Files.writeString(tmp.resolve("empty.json"), "{\"nvidia\": null, \"neuron\": null, \"errors\": []}");
        List<String> argv = new ArrayList<>(List.of("cdi", "generate", "--output-dir", tmp.resolve("cdi").toString()));
        argv.addAll(Arrays.asList(args.replace("INV", inventory.toString()).replace("TMP", tmp.toString()).split(" ")));
        if (args.contains("--output ")) {
            argv.subList(2, 4).clear();
        }
        Cli r = Cli.run(argv.toArray(String[]::new));
        assertEquals(exit, r.exit(), r.err());
        assertTrue(r.err().contains(message.replace("TMP", tmp.toString())), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    static Map<String, Object> validSpec(Path file) throws IOException {
        String json = Files.readString(file);
        assertEquals(List.of(), CdiSchema.errors(json), file + ":\n" + json);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) JsonTree.read(json);
        return spec;
    }

    @SuppressWarnings("unchecked")
    static List<String> deviceNames(Map<String, Object> spec) {
        return ((List<Map<String, Object>>) spec.get("devices")).stream().map(d -> (String) d.get("name")).toList();
    }
}
