package dev.jaccel.core.cdi;

import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.edits.MountEdit;
import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.MigDevice;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.model.NeuronInventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.testkit.TinyElf;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CdiGeneratorTest {
    static final String GPU0 = "GPU-00000000-0000-0000-0000-000000000000";
    static final String GPU1 = "GPU-11111111-1111-1111-1111-111111111111";
    static final String MIG10 = "MIG-10101010-1010-1010-1010-101010101010";

    static final NvidiaInventory NVIDIA = new NvidiaInventory("580.95.05", null, "13.0", "580.95.05",
            List.of(gpu(0, GPU0, 0, List.of()),
                    gpu(1, GPU1, 3, List.of(new MigDevice(0, MIG10, 1, 0, null,
                            List.of(DeviceNode.of("/dev/nvidia-caps/nvidia-cap21", 508, 21),
                                    DeviceNode.of("/dev/nvidia-caps/nvidia-cap22", 508, 22)))))),
            List.of(DeviceNode.of("/dev/nvidiactl", 195, 255), DeviceNode.of("/dev/nvidia-uvm", 511, 0)));

    static final NeuronInventory NEURON = new NeuronInventory("2.19.64.0", null,
            List.of(neuron(0, 240, 0), neuron(1, 240, 1)), List.of());

    @TempDir
    Path root;
    final List<String> warnings = new ArrayList<>();

    static GpuDevice gpu(int index, String uuid, int minor, List<MigDevice> migs) {
        return new GpuDevice(index, uuid, "NVIDIA H100", "NVIDIA", "HOPPER", "9.0", minor, null, null,
                !migs.isEmpty(), migs, List.of(new DeviceNode("/dev/nvidia" + minor, "/host/dev/nvidia" + minor, 195, minor)));
    }

    static NeuronDevice neuron(int index, int major, int minor) {
        return new NeuronDevice(index, 2, 2, List.of(2 * index, 2 * index + 1), List.of(), "NCv2", null, "Trainium",
                null, DeviceNode.of("/dev/neuron" + index, major, minor));
    }

    CdiSpec nvidiaSpec() {
        return CdiGenerator.nvidia(NVIDIA, HostContext.ofRoot(root), warnings::add).orElseThrow();
    }

    @Test
    void nvidiaDevicesAreNamedByIndexUuidMigAndAll() {
        CdiSpec spec = nvidiaSpec();
        assertEquals("nvidia.com/gpu", spec.kind());
        assertEquals("0.5.0", spec.cdiVersion());
        assertEquals(List.of("0", GPU0, "1", GPU1, "1:0", MIG10, "all"), List.copyOf(spec.devices().keySet()));
    }

    @ParameterizedTest
    @CsvSource({
            // device name -> the device nodes it injects, ';'-separated
            "0,                                         /dev/nvidia0",
            "GPU-00000000-0000-0000-0000-000000000000,  /dev/nvidia0",
            "1,                                         /dev/nvidia3",
            "1:0,                                       /dev/nvidia3;/dev/nvidia-caps/nvidia-cap21;/dev/nvidia-caps/nvidia-cap22",
            "MIG-10101010-1010-1010-1010-101010101010,  /dev/nvidia3;/dev/nvidia-caps/nvidia-cap21;/dev/nvidia-caps/nvidia-cap22",
            "all,                                       /dev/nvidia0;/dev/nvidia3;/dev/nvidia-caps/nvidia-cap21;/dev/nvidia-caps/nvidia-cap22",
    })
    void eachNvidiaDeviceInjectsExactlyItsNodes(String name, String nodes) {
        ContainerEdits edits = nvidiaSpec().devices().get(name);
        assertEquals(Arrays.asList(nodes.split(";")), edits.deviceNodes().stream().map(DeviceNodeEdit::path).toList());
        assertTrue(edits.env().isEmpty() && edits.mounts().isEmpty() && edits.hooks().isEmpty(), edits.toString());
    }

    @Test
    void deviceNodesKeepHostPathAndNumbers() {
        assertEquals(List.of(new DeviceNodeEdit("/dev/nvidia3", "/host/dev/nvidia3", "c", 195, 3)),
                nvidiaSpec().devices().get("1").deviceNodes());
    }

    @Test
    void commonEditsCarryControlNodesVoidSelectorAndEveryCapabilitysDriverFiles() throws IOException {
        Path lib = root.resolve("usr/lib/x86_64-linux-gnu");
        Files.createDirectories(lib);
        Files.write(lib.resolve("libcuda.so.580.95.05"), TinyElf.sharedObject("libcuda.so.1", ""));
        Files.write(lib.resolve("libnvidia-ml.so.580.95.05"), TinyElf.sharedObject("libnvidia-ml.so.1", ""));
        Files.writeString(lib.resolve("libcuda.so.570.10.01"), "an older driver's leftover");
        Files.createSymbolicLink(lib.resolve("libcuda.so.1"), Path.of("libcuda.so.580.95.05"));
        Files.createSymbolicLink(lib.resolve("libfoo.so.1"), Path.of("/etc/passwd"));
        Files.createDirectories(root.resolve("usr/bin"));
        Files.writeString(root.resolve("usr/bin/nvidia-smi"), "#!");

        ContainerEdits common = nvidiaSpec().common();
        assertEquals(List.of("NVIDIA_VISIBLE_DEVICES=void"), common.env());
        assertEquals(List.of("/dev/nvidiactl", "/dev/nvidia-uvm"),
                common.deviceNodes().stream().map(DeviceNodeEdit::path).toList());
        List<String> options = List.of("ro", "nosuid", "nodev", "bind");
        // libraries by soname in the host's folder: what the loader opens, with no hook to make links
        String cuda = lib.resolve("libcuda.so.580.95.05").toString();
        assertEquals(List.of(
                        new MountEdit(cuda, "/usr/lib/x86_64-linux-gnu/libcuda.so.1", options),
                        new MountEdit(cuda, "/usr/lib/x86_64-linux-gnu/libcuda.so", options),
                        new MountEdit(lib.resolve("libnvidia-ml.so.580.95.05").toString(),
                                "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1", options),
                        new MountEdit(root.resolve("usr/bin/nvidia-smi").toString(), "/usr/bin/nvidia-smi", options)),
                common.mounts());
        assertEquals(List.of(), warnings);
    }

    @ParameterizedTest
    @CsvSource({"0, /dev/neuron0", "1, /dev/neuron1", "all, /dev/neuron0;/dev/neuron1"})
    void neuronDevicesAreNamedByIndexAndAll(String name, String nodes) {
        CdiSpec spec = CdiGenerator.neuron(NEURON).orElseThrow();
        assertEquals("aws.amazon.com/neuron", spec.kind());
        assertEquals(List.of("0", "1", "all"), List.copyOf(spec.devices().keySet()));
        assertEquals(Arrays.asList(nodes.split(";")),
                spec.devices().get(name).deviceNodes().stream().map(DeviceNodeEdit::path).toList());
        assertTrue(spec.common().isEmpty());
    }

    @Test
    void vendorsWithoutDevicesGetNoSpec() {
        NvidiaInventory noGpu = new NvidiaInventory("580.95.05", null, null, null, List.of(), List.of());
        NeuronInventory noNodes = new NeuronInventory(null, null,
                List.of(new NeuronDevice(0, null, null, List.of(), List.of(), null, null, null, null, null)), List.of());
        assertEquals(List.of(), CdiGenerator.generate(new Inventory(noGpu, noNodes, List.of()), HostContext.ofRoot(root), warnings::add));
        assertEquals(List.of(), CdiGenerator.generate(Inventory.empty(), HostContext.ofRoot(root), warnings::add));
    }

    @Test
    void bothVendorsNvidiaFirst() {
        List<CdiSpec> specs = CdiGenerator.generate(new Inventory(NVIDIA, NEURON, List.of()), HostContext.ofRoot(root), warnings::add);
        assertEquals(List.of("nvidia.com/gpu", "aws.amazon.com/neuron"), specs.stream().map(CdiSpec::kind).toList());
    }

    @Test
    void duplicateUuidsAreRefused() {
        NvidiaInventory twice = new NvidiaInventory("1", null, null, null,
                List.of(gpu(0, GPU0, 0, List.of()), gpu(1, GPU0, 1, List.of())), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CdiGenerator.nvidia(twice, HostContext.ofRoot(root), warnings::add));
        assertEquals("two devices named " + GPU0 + " in the inventory", e.getMessage());
    }
}
