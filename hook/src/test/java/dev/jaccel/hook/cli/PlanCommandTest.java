package dev.jaccel.hook.cli;

import dev.jaccel.core.json.InventoryJson;
import dev.jaccel.core.json.JsonTree;
import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.MigDevice;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.model.NeuronInventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.hook.Main;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jaccel plan} in-process: an inventory snapshot plus a temporary host root with driver files. */
class PlanCommandTest {
    static final String DRIVER = "570.133.20";
    static final String GPU0 = "GPU-5c2bd5a8-7a0e-4b5c-9d34-0b3c6f3f1a00";
    static final String GPU1 = "GPU-5c2bd5a8-7a0e-4b5c-9d34-0b3c6f3f1a01";
    static final String MIG10 = "MIG-0f7c8e4e-52a6-5d43-8b8a-3a4c1d2e9f10";
    static final String LIBCUDA = "/usr/lib64/libcuda.so." + DRIVER;

    @TempDir
    Path dir;
    Path root;
    Path snapshot;

    record Result(int code, String out, String err) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json() throws IOException {
            return (Map<String, Object>) JsonTree.read(out);
        }
    }

    static Inventory host(Path root) {
        String dev = root.resolve("dev").toString();
        GpuDevice h100 = new GpuDevice(0, GPU0, "NVIDIA H100 80GB HBM3", "Tesla", "Hopper", "9.0", 0,
                "00000000:18:00.0", 85520809984L, false, List.of(),
                List.of(new DeviceNode("/dev/nvidia0", dev + "/nvidia0", 195, 0)));
        GpuDevice migGpu = new GpuDevice(1, GPU1, "NVIDIA H100 80GB HBM3", "Tesla", "Hopper", "9.0", 1,
                "00000000:2A:00.0", 85520809984L, true,
                List.of(new MigDevice(0, MIG10, 1, 0, 10200547328L, List.of(
                        new DeviceNode("/dev/nvidia-caps/nvidia-cap21", dev + "/nvidia-caps/nvidia-cap21", 509, 21),
                        new DeviceNode("/dev/nvidia-caps/nvidia-cap22", dev + "/nvidia-caps/nvidia-cap22", 509, 22)))),
                List.of(new DeviceNode("/dev/nvidia1", dev + "/nvidia1", 195, 1)));
        NvidiaInventory nvidia = new NvidiaInventory(DRIVER, "12." + DRIVER, "12.8", DRIVER, List.of(h100, migGpu),
                List.of(new DeviceNode("/dev/nvidiactl", dev + "/nvidiactl", 195, 255),
                        new DeviceNode("/dev/nvidia-uvm", dev + "/nvidia-uvm", 508, 0)));
        List<NeuronDevice> neurons = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            neurons.add(new NeuronDevice(i, 2, 2, List.of(2 * i, 2 * i + 1), List.of(), "NCv2", "Trn1", "Trainium1",
                    null, new DeviceNode("/dev/neuron" + i, dev + "/neuron" + i, 240, i)));
        }
        return new Inventory(nvidia, new NeuronInventory("2.24.7.0", null, neurons, List.of()), List.of());
    }

    @BeforeEach
    void hostRootAndSnapshot() throws IOException {
        root = Files.createDirectories(dir.resolve("host"));
        for (String lib : List.of(LIBCUDA, "/usr/lib64/libnvidia-ml.so." + DRIVER, "/usr/lib64/libnvidia-ml.so.1")) {
            Files.createDirectories(root.resolve(lib.substring(1)).getParent());
            Files.write(root.resolve(lib.substring(1)), new byte[] {0});
        }
        snapshot = dir.resolve("inventory.json");
        Files.writeString(snapshot, InventoryJson.toJson(host(root), true));
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), System.getenv());
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Result plan(String... envs) {
        List<String> args = new ArrayList<>(List.of("plan", "--inventory", snapshot.toString(), "--host-root",
                root.toString()));
        for (String e : envs) {
            args.add("--env");
            args.add(e);
        }
        return run(args.toArray(String[]::new));
    }

    @Test
    void oneGpuPrintsItsUuidAndCdiShapedEdits() throws IOException {
        Result r = plan("NVIDIA_VISIBLE_DEVICES=0");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        Map<String, Object> json = r.json();
        assertEquals(List.of(GPU0), json.get("selected"));
        @SuppressWarnings("unchecked")
        Map<String, Object> edits = (Map<String, Object>) json.get("containerEdits");
        assertEquals(List.of("NVIDIA_VISIBLE_DEVICES=void"), edits.get("env"));
        assertEquals(List.of(
                Map.of("path", "/dev/nvidiactl", "hostPath", root + "/dev/nvidiactl", "type", "c", "major", 195L, "minor", 255L),
                Map.of("path", "/dev/nvidia-uvm", "hostPath", root + "/dev/nvidia-uvm", "type", "c", "major", 508L, "minor", 0L),
                Map.of("path", "/dev/nvidia0", "hostPath", root + "/dev/nvidia0", "type", "c", "major", 195L, "minor", 0L)),
                edits.get("deviceNodes"));
        // no image: libraries by their name in the host's folder (these fixture files are not ELF: no soname),
        // libcuda also under its development name
        List<String> ro = List.of("ro", "nosuid", "nodev", "bind");
        assertEquals(List.of(
                Map.of("hostPath", root + LIBCUDA, "containerPath", LIBCUDA, "options", ro),
                Map.of("hostPath", root + LIBCUDA, "containerPath", "/usr/lib64/libcuda.so", "options", ro),
                Map.of("hostPath", root + "/usr/lib64/libnvidia-ml.so." + DRIVER, "containerPath",
                        "/usr/lib64/libnvidia-ml.so." + DRIVER, "options", ro)),
                edits.get("mounts"));
        assertTrue(!edits.containsKey("hooks"), edits.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "NVIDIA_VISIBLE_DEVICES=1:0 | " + MIG10 + " | /dev/nvidiactl /dev/nvidia-uvm /dev/nvidia1 /dev/nvidia-caps/nvidia-cap21 /dev/nvidia-caps/nvidia-cap22",
            "NVIDIA_VISIBLE_DEVICES=all | " + GPU0 + " " + MIG10 + " | /dev/nvidiactl /dev/nvidia-uvm /dev/nvidia0 /dev/nvidia1 /dev/nvidia-caps/nvidia-cap21 /dev/nvidia-caps/nvidia-cap22",
            "NVIDIA_VISIBLE_DEVICES=0000:2a:00.0 | " + GPU1 + " | /dev/nvidiactl /dev/nvidia-uvm /dev/nvidia1",
            "NVIDIA_VISIBLE_DEVICES=none | '' | /dev/nvidiactl /dev/nvidia-uvm",
            "AWS_NEURON_VISIBLE_DEVICES=ALL | neuron0 neuron1 neuron2 neuron3 | /dev/neuron0 /dev/neuron1 /dev/neuron2 /dev/neuron3",
            "AWS_NEURON_VISIBLE_DEVICES=2-3 | neuron2 neuron3 | /dev/neuron2 /dev/neuron3",
            "NEURON_RT_VISIBLE_CORES=5-6 | neuron2 neuron3 | /dev/neuron2 /dev/neuron3",
    })
    @SuppressWarnings("unchecked")
    void selectors(String env, String ids, String nodes) throws IOException {
        Result r = plan(env);
        assertEquals(0, r.code(), r.err());
        Map<String, Object> json = r.json();
        assertEquals(ids.isEmpty() ? List.of() : Arrays.asList(ids.split(" ")), json.get("selected"));
        List<Map<String, Object>> deviceNodes = (List<Map<String, Object>>) ((Map<String, Object>)
                json.get("containerEdits")).get("deviceNodes");
        assertEquals(Arrays.asList(nodes.split(" ")), deviceNodes.stream().map(n -> n.get("path")).toList());
    }

    @Test
    @SuppressWarnings("unchecked")
    void neuronNodesKeepTheirHostNamesAndCoresTheirHostIdsByDefault() throws IOException {
        Map<String, Object> edits = (Map<String, Object>) plan("NEURON_RT_VISIBLE_CORES=5-6").json().get("containerEdits");
        assertEquals(null, edits.get("env"));
        assertEquals(Map.of("path", "/dev/neuron2", "hostPath", root + "/dev/neuron2", "type", "c", "major", 240L,
                "minor", 2L), ((List<Object>) edits.get("deviceNodes")).getFirst());
    }

    /** {@code neuron.device-numbering = "from-zero"}: nodes renumbered, the cores rewritten to match. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "NEURON_RT_VISIBLE_CORES=5-6    | /dev/neuron0 /dev/neuron1 | NEURON_RT_VISIBLE_CORES=1-2",
            "AWS_NEURON_VISIBLE_DEVICES=2-3 | /dev/neuron0 /dev/neuron1 | ",
    })
    @SuppressWarnings("unchecked")
    void neuronRenumberingFromZeroIsAConfigurationKey(String env, String nodes, String coresEnv) throws IOException {
        Path config = Files.writeString(dir.resolve("config.toml"), "[neuron]\ndevice-numbering = \"from-zero\"\n");
        Result r = run("plan", "--config", config.toString(), "--inventory", snapshot.toString(), "--host-root",
                root.toString(), "--env", env);
        assertEquals(0, r.code(), r.err());
        Map<String, Object> edits = (Map<String, Object>) r.json().get("containerEdits");
        List<Map<String, Object>> deviceNodes = (List<Map<String, Object>>) edits.get("deviceNodes");
        assertEquals(Arrays.asList(nodes.split(" ")), deviceNodes.stream().map(n -> n.get("path")).toList());
        assertEquals(List.of(root + "/dev/neuron2", root + "/dev/neuron3"),
                deviceNodes.stream().map(n -> n.get("hostPath")).toList());
        assertEquals(coresEnv == null ? null : List.of(coresEnv), edits.get("env"));
    }

    @Test
    void nothingRequestedIsAnEmptyPlan() throws IOException {
        Result r = plan("PATH=/usr/bin", "NVIDIA_VISIBLE_DEVICES=void");
        assertEquals(0, r.code(), r.err());
        assertEquals(Map.of("selected", List.of(), "containerEdits", Map.of()), r.json());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "NVIDIA_VISIBLE_DEVICES=2 | 3 | jaccel: device error: 2: unknown device (from NVIDIA_VISIBLE_DEVICES; this host has 2 GPUs, indices 0-1)",
            "NVIDIA_VISIBLE_DEVICES=GPU-5c2bd5a8 | 3 | jaccel: device error: GPU-5c2bd5a8: unknown device",
            "NVIDIA_REQUIRE_CUDA=cuda>=12.9 | 3 | jaccel: unsatisfied condition: cuda>=12.9, please update your driver to a newer version, or use an earlier cuda container; the host has driver 570.133.20, cuda 12.8, brand Tesla, arch 9.0 (GPU 0 " + GPU0 + ")",
            "NVIDIA_REQUIRE_ARCH=arch<9.0 | 3 | jaccel: unsatisfied condition: arch<9.0; the host has driver 570.133.20, cuda 12.8, brand Tesla, arch 9.0",
            "AWS_NEURON_VISIBLE_DEVICES=4 | 3 | jaccel: AWS_NEURON_VISIBLE_DEVICES='4': neuron4: unknown device (this host has neuron0-neuron3)",
            "NEURON_RT_VISIBLE_CORES=1,3 | 3 | jaccel: NEURON_RT_VISIBLE_CORES='1,3' is not contiguous and increasing",
            "NVIDIA_DRIVER_CAPABILITIES=compute,opengl | 2 | jaccel: NVIDIA_DRIVER_CAPABILITIES='compute,opengl': unknown driver capability 'opengl'",
            "AWS_NEURON_VISIBLE_DEVICES=0,0 | 2 | jaccel: AWS_NEURON_VISIBLE_DEVICES='0,0': device 0 is listed twice",
    })
    void refusalsGoToStderrWithTheirExitCode(String env, int code, String message) {
        Result r = env.startsWith("NVIDIA_REQUIRE") || env.startsWith("NVIDIA_DRIVER")
                ? plan("NVIDIA_VISIBLE_DEVICES=0", env) : plan(env);
        assertEquals(code, r.code(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith(message), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void warningsGoToStderrAndThePlanStillPrints() throws IOException {
        Result r = plan("AWS_NEURON_VISIBLE_DEVICES=0,2");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("neuron0", "neuron2"), r.json().get("selected"));
        assertTrue(r.err().startsWith("jaccel: warning: AWS_NEURON_VISIBLE_DEVICES='0,2' is not a contiguous set"), r.err());
    }

    @Test
    void configAndSpecFiles() throws IOException {
        Path config = Files.writeString(dir.resolve("config.json"),
                "{\"accept-nvidia-visible-devices-envvar-when-unprivileged\": false,"
                        + " \"accept-nvidia-visible-devices-as-volume-mounts\": true}");
        Path spec = Files.writeString(dir.resolve("spec.json"), """
                {"ociVersion": "1.0.2", "process": {"env": ["NVIDIA_VISIBLE_DEVICES=0"]},
                 "mounts": [{"destination": "/var/run/nvidia-container-devices/1:0", "source": "/dev/null"}]}""");
        Result r = run("plan", "--inventory", snapshot.toString(), "--host-root", root.toString(),
                "--config", config.toString(), "--spec", spec.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(MIG10), r.json().get("selected"));
        Result unprivileged = run("plan", "--inventory", snapshot.toString(), "--host-root", root.toString(),
                "--config", config.toString(), "--env", "NVIDIA_VISIBLE_DEVICES=0");
        assertEquals(List.of(), unprivileged.json().get("selected"));
        assertTrue(unprivileged.err().contains("unprivileged"), unprivileged.err());
        Result privileged = run("plan", "--inventory", snapshot.toString(), "--host-root", root.toString(),
                "--config", config.toString(), "--env", "NVIDIA_VISIBLE_DEVICES=0", "--privileged");
        assertEquals(List.of(GPU0), privileged.json().get("selected"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--env NOEQUALS | jaccel: --env 'NOEQUALS': expected KEY=VALUE",
            "--inventory /nonexistent/inventory.json | jaccel: --inventory /nonexistent/inventory.json: no such file",
            "--config /nonexistent/c.json | jaccel: --config /nonexistent/c.json: no such file",
    })
    void badInputIsExit2(String args, String message) {
        Result r = run(("plan " + args).split(" "));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith(message), r.err());
    }

    @Test
    void aBrokenSnapshotIsExit2() throws IOException {
        Files.writeString(snapshot, "{\"nvidia\": 3}");
        Result r = plan("NVIDIA_VISIBLE_DEVICES=0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("jaccel: --inventory " + snapshot + ": not a jaccel inventory document"), r.err());
    }
}
