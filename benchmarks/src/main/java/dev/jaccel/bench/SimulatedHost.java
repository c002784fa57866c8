package dev.jaccel.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.jaccel.testkit.HostTree;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The machine every benchmark and the latency harness run against: a DGX H100 as the fakes see it
 * (8 x H100 80GB HBM3, driver 580.95.05, CUDA 13.0), with MIG enabled on three GPUs (7 x 1g.10gb on
 * GPUs 0 and 1, 2 x 3g.40gb + 1 x 1g.10gb on GPU 2: 17 MIG devices), written in testkit.md's formats.
 *
 * <p>Device index and minor number differ on purpose (as on real DGX boards). PCI bus ids are the
 * DGX H100's eight GPU slots. UUIDs are fixed (name-based), so runs are comparable.
 */
public final class SimulatedHost {
    public static final String DRIVER_VERSION = "580.95.05";
    public static final int GPU_COUNT = 8;
    /** MIG devices per GPU index: sizes in the profile's memory (bytes as NVML reports them). */
    private static final long MIG_1G = 10_200_547_328L;
    private static final long MIG_3G = 42_346_610_688L;
    private static final long[][] MIG_LAYOUT = {
            {MIG_1G, MIG_1G, MIG_1G, MIG_1G, MIG_1G, MIG_1G, MIG_1G},
            {MIG_1G, MIG_1G, MIG_1G, MIG_1G, MIG_1G, MIG_1G, MIG_1G},
            {MIG_3G, MIG_3G, MIG_1G},
    };
    private static final String[] PCI_BUS = {"18", "2A", "3A", "5D", "9A", "AB", "BA", "DB"};
    private static final int[] MINOR = {2, 3, 0, 1, 6, 7, 4, 5};
    private static final int NVIDIA_MAJOR = 195;
    private static final int UVM_MAJOR = 509;
    private static final int CAPS_MAJOR = 511;

    private SimulatedHost() {
    }

    public static String gpuUuid(int index) {
        return "GPU-" + UUID.nameUUIDFromBytes(("jaccel-dgx-h100/gpu/" + index).getBytes(StandardCharsets.UTF_8));
    }

    public static String migUuid(int gpu, int mig) {
        return "MIG-" + UUID.nameUUIDFromBytes(("jaccel-dgx-h100/gpu/" + gpu + "/mig/" + mig)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The minor of {@code /dev/nvidia<minor>} of the GPU at NVML index {@code gpu}. */
    public static int minor(int gpu) {
        return MINOR[gpu];
    }

    public static int migCount(int gpu) {
        return gpu < MIG_LAYOUT.length ? MIG_LAYOUT[gpu].length : 0;
    }

    /** GPU instance ids in the order nvidia-smi hands them out: 3g.40gb from 1, 1g.10gb from 7. */
    static int gpuInstanceId(int gpu, int mig) {
        return MIG_LAYOUT[gpu][mig] == MIG_3G ? 1 + mig : 7 + mig;
    }

    /** Every MIG UUID of the host, in GPU then MIG index order. */
    public static List<String> migUuids() {
        List<String> all = new ArrayList<>();
        for (int gpu = 0; gpu < GPU_COUNT; gpu++) {
            for (int mig = 0; mig < migCount(gpu); mig++) {
                all.add(migUuid(gpu, mig));
            }
        }
        return all;
    }

    /** The fake NVML's config (testkit.md) for this host. */
    public static String nvmlConfig() {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out).useDefaultPrettyPrinter()) {
            g.writeStartObject();
            g.writeStringField("driverVersion", DRIVER_VERSION);
            g.writeStringField("nvmlVersion", "13." + DRIVER_VERSION);
            g.writeNumberField("cudaDriverVersion", 13000);
            g.writeStringField("init", "SUCCESS");
            g.writeArrayFieldStart("devices");
            for (int i = 0; i < GPU_COUNT; i++) {
                g.writeStartObject();
                g.writeStringField("uuid", gpuUuid(i));
                g.writeStringField("name", "NVIDIA H100 80GB HBM3");
                g.writeStringField("brand", "NVIDIA");
                g.writeStringField("architecture", "HOPPER");
                g.writeStringField("computeCapability", "9.0");
                g.writeStringField("pciBusId", "00000000:" + PCI_BUS[i] + ":00.0");
                g.writeStringField("pciDeviceId", "0x233010DE");
                g.writeNumberField("minor", MINOR[i]);
                g.writeNumberField("memoryTotal", 85_520_809_984L);
                g.writeNumberField("memoryUsed", 0);
                g.writeStringField("serial", Long.toString(1_650_924_060_001L + i));
                g.writeBooleanField("persistenceMode", true);
                g.writeStringField("migMode", migCount(i) > 0 ? "enabled" : "disabled");
                g.writeArrayFieldStart("migDevices");
                for (int m = 0; m < migCount(i); m++) {
                    g.writeStartObject();
                    g.writeStringField("uuid", migUuid(i, m));
                    g.writeNumberField("gpuInstanceId", gpuInstanceId(i, m));
                    g.writeNumberField("computeInstanceId", 0);
                    g.writeNumberField("memoryTotal", MIG_LAYOUT[i][m]);
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Writes the fake NVML config to {@code file} atomically (the fake reads it at its first init,
     * possibly in another process that is starting).
     */
    public static void writeNvmlConfig(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".fake-nvml", ".json");
            Files.writeString(tmp, nvmlConfig());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lays out the host root (testkit.md, "Fake host tree"): proc files, device nodes, driver files. */
    public static HostTree writeHostTree(Path root) {
        HostTree tree = HostTree.at(root)
                .file("/proc/driver/nvidia/version",
                        "NVRM version: NVIDIA UNIX x86_64 Kernel Module  " + DRIVER_VERSION
                                + "  Tue Sep 30 19:42:36 UTC 2025\nGCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n")
                .file("/proc/devices", "Character devices:\n  1 mem\n  4 /dev/vc/0\n  5 /dev/tty\n"
                        + NVIDIA_MAJOR + " nvidia\n" + UVM_MAJOR + " nvidia-uvm\n" + CAPS_MAJOR + " nvidia-caps\n"
                        + "\nBlock devices:\n  8 sd\n");
        for (int i = 0; i < GPU_COUNT; i++) {
            String bus = "0000:" + PCI_BUS[i].toLowerCase() + ":00.0";
            tree.file("/proc/driver/nvidia/gpus/" + bus + "/information",
                    "Model: \t\t NVIDIA H100 80GB HBM3\nIRQ:   \t\t 0\nGPU UUID: \t " + gpuUuid(i)
                            + "\nBus Location: \t " + bus + "\nDevice Minor: \t " + MINOR[i] + "\n");
            tree.charDevice("/dev/nvidia" + MINOR[i], NVIDIA_MAJOR, MINOR[i]);
        }
        tree.charDevice("/dev/nvidiactl", NVIDIA_MAJOR, 255)
                .charDevice("/dev/nvidia-modeset", NVIDIA_MAJOR, 254)
                .charDevice("/dev/nvidia-uvm", UVM_MAJOR, 0)
                .charDevice("/dev/nvidia-uvm-tools", UVM_MAJOR, 1)
                .charDevice("/dev/nvidia-caps/nvidia-cap1", CAPS_MAJOR, 1)
                .charDevice("/dev/nvidia-caps/nvidia-cap2", CAPS_MAJOR, 2);
        StringBuilder migMinors = new StringBuilder("config 1\nmonitor 2\n");
        int capMinor = 3;
        for (int gpu = 0; gpu < GPU_COUNT; gpu++) {
            for (int mig = 0; mig < migCount(gpu); mig++) {
                String prefix = "gpu" + MINOR[gpu] + "/gi" + gpuInstanceId(gpu, mig);
                migMinors.append(prefix).append("/access ").append(capMinor).append('\n');
                tree.charDevice("/dev/nvidia-caps/nvidia-cap" + capMinor, CAPS_MAJOR, capMinor++);
                migMinors.append(prefix).append("/ci0/access ").append(capMinor).append('\n');
                tree.charDevice("/dev/nvidia-caps/nvidia-cap" + capMinor, CAPS_MAJOR, capMinor++);
            }
        }
        tree.file("/proc/driver/nvidia-caps/mig-minors", migMinors.toString());
        for (String lib : List.of("libcuda.so", "libnvidia-ml.so", "libnvidia-ptxjitcompiler.so",
                "libnvidia-nvvm.so", "libnvidia-cfg.so", "libnvidia-gpucomp.so", "libcudadebugger.so",
                "libnvidia-opencl.so", "libnvidia-allocator.so")) {
            tree.file("/usr/lib/x86_64-linux-gnu/" + lib + "." + DRIVER_VERSION, "simulated driver file\n")
                    .symlink("/usr/lib/x86_64-linux-gnu/" + lib + ".1", lib + "." + DRIVER_VERSION);
        }
        for (String bin : List.of("nvidia-smi", "nvidia-debugdump", "nvidia-persistenced",
                "nvidia-cuda-mps-control", "nvidia-cuda-mps-server")) {
            tree.file("/usr/bin/" + bin, "#!/bin/sh\nexit 0\n");
        }
        tree.file("/lib/firmware/nvidia/" + DRIVER_VERSION + "/gsp_ga10x.bin", "simulated firmware\n");
        return tree;
    }

    /**
     * {@code SimulatedHost DIR}: writes {@code DIR/fake-nvml.json} and the host root
     * {@code DIR/root}, then prints the environment that points jaccel and the fake at them.
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: SimulatedHost DIR (writes DIR/fake-nvml.json and the host root DIR/root)");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        writeNvmlConfig(dir.resolve("fake-nvml.json"));
        HostTree tree = writeHostTree(dir.resolve("root"));
        System.out.println("FAKE_NVML_CONFIG=" + dir.resolve("fake-nvml.json"));
        System.out.println("JACCEL_HOST_ROOT=" + tree.root());
        if (!tree.realDeviceNodes()) {
            System.err.println("SimulatedHost: not root, device nodes are regular files");
        }
    }
}
