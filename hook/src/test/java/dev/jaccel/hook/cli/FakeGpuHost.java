package dev.jaccel.hook.cli;

import dev.jaccel.core.json.InventoryJson;
import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.MigDevice;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.model.NeuronInventory;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.testkit.HostTree;
import dev.jaccel.testkit.TinyElf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A fake host with two GPUs (the second one MIG-enabled with one MIG device), two Neuron devices,
 * driver files, and the inventory a backend would report for it. The device nodes point at
 * harmless real devices (1:3 null, 1:5 zero, 1:7 full, 1:8 random, 1:9 urandom) so a container
 * can open them.
 */
final class FakeGpuHost {
    static final String DRIVER = "580.95.05";
    static final String GPU0 = "GPU-5c2bd5a8-7a0e-4b5c-9d34-0b3c6f3f1a01";
    static final String GPU1 = "GPU-7d3ce6b9-8b1f-4c6d-8e45-1c4d7a4a2b02";
    static final String MIG = "MIG-0f7c8e4e-52a6-5d43-8b8a-3a4c1d2e9f10";
    static final String LIBCUDA = "/usr/lib/x86_64-linux-gnu/libcuda.so." + DRIVER;

    final HostTree tree;
    final Inventory inventory;

    FakeGpuHost(Path root) throws IOException {
        tree = HostTree.at(root)
                .file("/proc/driver/nvidia/version", "NVRM version: NVIDIA UNIX x86_64 Kernel Module  " + DRIVER
                        + "  Tue Sep 23 10:07:47 UTC 2025\n")
                .file("/sys/module/neuron/version", "2.19.64.0\n")
                .charDevice("/dev/nvidia0", 1, 3)
                .charDevice("/dev/nvidia1", 1, 5)
                .charDevice("/dev/nvidiactl", 1, 7)
                .charDevice("/dev/nvidia-uvm", 1, 9)
                .charDevice("/dev/nvidia-caps/nvidia-cap21", 1, 8)
                .charDevice("/dev/nvidia-caps/nvidia-cap22", 1, 9)
                .charDevice("/dev/neuron0", 1, 3)
                .charDevice("/dev/neuron1", 1, 5)
                .file(LIBCUDA, TinyElf.sharedObject("libcuda.so.1", "libcuda " + DRIVER + "\n"))
                .symlink("/usr/lib/x86_64-linux-gnu/libcuda.so.1", "libcuda.so." + DRIVER)
                .file("/usr/bin/nvidia-smi", "#!/bin/sh\necho fake nvidia-smi\n");
        Files.setPosixFilePermissions(tree.path("/usr/bin/nvidia-smi"), PosixFilePermissions.fromString("rwxr-xr-x"));
        inventory = new Inventory(
                new NvidiaInventory(DRIVER, "13." + DRIVER, "13.0", DRIVER,
                        List.of(new GpuDevice(0, GPU0, "NVIDIA H100 80GB HBM3", "NVIDIA", "HOPPER", "9.0", 0,
                                        "00000000:18:00.0", 85520809984L, false, List.of(), List.of(node("/dev/nvidia0", 1, 3))),
                                new GpuDevice(1, GPU1, "NVIDIA H100 80GB HBM3", "NVIDIA", "HOPPER", "9.0", 1,
                                        "00000000:2a:00.0", 85520809984L, true,
                                        List.of(new MigDevice(0, MIG, 1, 0, 10200547328L,
                                                List.of(node("/dev/nvidia-caps/nvidia-cap21", 1, 8),
                                                        node("/dev/nvidia-caps/nvidia-cap22", 1, 9)))),
                                        List.of(node("/dev/nvidia1", 1, 5)))),
                        List.of(node("/dev/nvidiactl", 1, 7), node("/dev/nvidia-uvm", 1, 9))),
                new NeuronInventory("2.19.64.0", null,
                        List.of(neuron(0, 1, 3), neuron(1, 1, 5)), List.of()),
                List.of());
    }

    private DeviceNode node(String path, int major, int minor) {
        return new DeviceNode(path, tree.path(path).toString(), major, minor);
    }

    private NeuronDevice neuron(int index, int major, int minor) {
        return new NeuronDevice(index, 2, 2, List.of(2 * index, 2 * index + 1), List.of(), "NCv2", "trn1.2xlarge",
                "Trainium", null, node("/dev/neuron" + index, major, minor));
    }

    /** Writes the inventory as a {@code devices --json} document for {@code cdi generate --inventory}. */
    Path writeInventory(Path file) throws IOException {
        Files.writeString(file, InventoryJson.toJson(inventory, true));
        return file;
    }
}
