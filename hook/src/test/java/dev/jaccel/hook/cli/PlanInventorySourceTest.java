package dev.jaccel.hook.cli;

import dev.jaccel.core.json.JsonTree;
import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.HostContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jaccel plan} without {@code --inventory} reads what a container start reads (the fresh
 * snapshot, else discovery) and says which on stderr; {@code --inventory} and a request that
 * names nothing read neither and say nothing.
 */
class PlanInventorySourceTest {
    @TempDir
    Path tmp;
    FakeGpuHost host;
    Path snapshot;

    @BeforeEach
    void host() throws IOException {
        host = new FakeGpuHost(tmp.resolve("host"));
        snapshot = tmp.resolve("state/inventory.json");
    }

    Cli plan(String... args) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("JACCEL_SNAPSHOT", snapshot.toString());
        List<String> argv = new java.util.ArrayList<>(List.of("plan", "--host-root", host.tree.root().toString(),
                // discovery fails for certain: no NVML here, and the Neuron half is not what is asked for
                "--nvml-library", tmp.resolve("no/libnvidia-ml.so.1").toString()));
        argv.addAll(List.of(args));
        return Cli.run(env, argv.toArray(String[]::new));
    }

    @ParameterizedTest(name = "snapshot {0}")
    @CsvSource(delimiter = '|', value = {
            // the snapshot | exit | the note (SNAP: its path)
            "fresh        | 0 | jaccel: note: inventory from the inventory snapshot SNAP",
            "stale        | 4 | jaccel: note: inventory from discovery (NVML, libnrt): no snapshot at SNAP that matches this host",
            "absent       | 4 | jaccel: note: inventory from discovery (NVML, libnrt): no snapshot at SNAP that matches this host",
            "unreadable   | 4 | jaccel: note: inventory from discovery (NVML, libnrt): no snapshot at SNAP that matches this host",
    })
    void planReadsWhatAContainerStartReadsAndSaysWhich(String state, int exit, String note) throws IOException {
        switch (state) {
            case "fresh" -> InventorySnapshot.write(snapshot, host.inventory, HostContext.ofRoot(host.tree.root()));
            case "stale" -> {
                InventorySnapshot.write(snapshot, host.inventory, HostContext.ofRoot(host.tree.root()));
                host.tree.file("/proc/driver/nvidia/version", "NVRM version: NVIDIA UNIX x86_64 Kernel Module  590.1.1\n");
            }
            case "unreadable" -> Files.writeString(Files.createDirectories(snapshot.getParent()).resolve("inventory.json"), "{");
            default -> { }
        }
        Cli r = plan("--env", "NVIDIA_VISIBLE_DEVICES=" + FakeGpuHost.GPU1);
        assertEquals(exit, r.exit(), r.err());
        List<String> lines = r.err().lines().toList();
        // a snapshot that is there but unusable is also said, as a warning, before the note
        int at = state.equals("unreadable") ? 1 : 0;
        if (at == 1) {
            assertTrue(lines.getFirst().startsWith("jaccel: warning: ignoring the inventory snapshot " + snapshot + ": "),
                    r.err());
        }
        assertEquals(note.replace("SNAP", snapshot.toString()), lines.get(at));
        if (exit == 0) {
            assertEquals(1, lines.size(), r.err());
            @SuppressWarnings("unchecked")
            Map<String, Object> json = (Map<String, Object>) JsonTree.read(r.out());
            assertEquals(List.of(FakeGpuHost.GPU1), json.get("selected"));
        } else {
            assertEquals(at + 2, lines.size(), r.err());
            assertTrue(lines.getLast().startsWith("jaccel: NVIDIA_VISIBLE_DEVICES asks for NVIDIA devices"), r.err());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"--inventory", "nothing requested"})
    void noNoteWhenNoHostInventoryIsRead(String how) throws IOException {
        InventorySnapshot.write(snapshot, host.inventory, HostContext.ofRoot(host.tree.root()));
        Cli r = how.equals("--inventory")
                ? plan("--inventory", host.writeInventory(tmp.resolve("inventory.json")).toString(),
                        "--env", "NVIDIA_VISIBLE_DEVICES=0")
                : plan("--env", "PATH=/bin");
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
    }
}
