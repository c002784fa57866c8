package dev.jaccel.hook.cli;

import dev.jaccel.core.json.JsonTree;
import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.hook.Main;
import dev.jaccel.testkit.SimulatedHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole chain as an operator runs it: {@code jaccel cdi generate} in its own JVM discovers a
 * simulated host (8 H100 with MIG through the fake {@code libnvidia-ml.so.1}; a trn1.32xlarge through
 * /dev, sysfs and the fake {@code libnrt.so.1}), writes the spec into /etc/cdi and the snapshot; then podman starts containers with the spec's devices and
 * each one sees exactly the nodes the spec lists for it.
 */
class SimulatedHostCdiEndToEndTest {
    @TempDir
    Path tmp;
    Path spec;

    @AfterEach
    void removeSpec() throws IOException {
        if (spec != null) {
            Files.deleteIfExists(spec);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // profile, kind, the other vendor's library flag (pointed nowhere), devices to start ('MIG': the
            // first <gpu>:<mig> name of the spec, 'MIG-UUID': the first MIG UUID)
            "h100x8-mig, nvidia.com/gpu,        --nrt-library,  0;7;all;MIG;MIG-UUID",
            "trn1-32xl,  aws.amazon.com/neuron, --nvml-library, 0;15;all",
    })
    void discoveredDevicesReachPodmanContainers(String profile, String kind, String otherVendor, String devices)
            throws IOException {
        Podman.assumeAvailable();
        Map<String, String> env = SimulatedHost.create(tmp.resolve("sim"), profile);
        Path root = Path.of(env.get("JACCEL_HOST_ROOT"));
        Path snapshot = tmp.resolve("inventory.json");
        spec = PodmanCdiEndToEndTest.CDI_DIR.resolve("jaccel-e2e-" + UUID.randomUUID() + ".json");

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "cdi", "generate", "--output", spec.toString(), "--snapshot", snapshot.toString(),
                otherVendor, tmp.resolve("none/lib.so.1").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Podman.Result generate = Podman.run(pb, 120);
        assertEquals(0, generate.exit(), generate.output());
        assertTrue(generate.output().contains("wrote " + spec + " (" + kind + ": "), generate.output());
        assertTrue(InventorySnapshot.readIfFresh(snapshot, HostContext.ofRoot(root)).isPresent(), "the snapshot is fresh");

        String json = Files.readString(spec);
        assertEquals(List.of(), CdiSchema.errors(json), json);
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) JsonTree.read(json);
        assertEquals(kind, doc.get("kind"));
        List<String> names = CdiGenerateCommandTest.deviceNames(doc);

        Path rootfs = Podman.busyboxRootfs(tmp.resolve("rootfs"));
        for (String wanted : devices.split(";")) {
            String device = switch (wanted) {
                case "MIG" -> names.stream().filter(n -> n.matches("\\d+:\\d+")).findFirst().orElseThrow();
                case "MIG-UUID" -> names.stream().filter(n -> n.startsWith("MIG-")).findFirst().orElseThrow();
                default -> wanted;
            };
            assertTrue(names.contains(device), device + " in " + names);
            Podman.Result r = Podman.runShell(List.of(), List.of("--device", kind + "=" + device), rootfs,
                    "for f in /dev/nvidia* /dev/nvidia-caps/* /dev/neuron*; do [ -c \"$f\" ] && echo \"node $f\"; done; true");
            assertEquals(0, r.exit(), device + ": " + r.output());
            TreeSet<String> seen = new TreeSet<>(r.output().lines().filter(l -> l.startsWith("node "))
                    .map(l -> l.substring(5)).toList());
            assertEquals(specNodes(doc, device), seen, device);
        }
    }

    /** The device nodes the spec gives device {@code name}: its own plus the common ones. */
    @SuppressWarnings("unchecked")
    static TreeSet<String> specNodes(Map<String, Object> doc, String name) {
        TreeSet<String> nodes = new TreeSet<>();
        Map<String, Object> common = (Map<String, Object>) doc.getOrDefault("containerEdits", Map.of());
        for (Map<String, Object> n : (List<Map<String, Object>>) common.getOrDefault("deviceNodes", List.of())) {
            nodes.add((String) n.get("path"));
        }
        for (Map<String, Object> d : (List<Map<String, Object>>) doc.get("devices")) {
            if (d.get("name").equals(name)) {
                Map<String, Object> edits = (Map<String, Object>) d.get("containerEdits");
                for (Map<String, Object> n : (List<Map<String, Object>>) edits.get("deviceNodes")) {
                    nodes.add((String) n.get("path"));
                }
            }
        }
        return nodes;
    }
}
