package dev.jaccel.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes the host tree that matches a fake-NVML config (testkit/README.md): what the kernel module and
 * the driver package would put on a machine with those GPUs, so the NVML answers and the files
 * agree. Facts follow docs/nvml.md §5.4 and §9:
 * <ul>
 * <li>{@code proc/driver/nvidia/version} (proprietary-module line) and
 *     {@code proc/driver/nvidia/gpus/<0000:bb:dd.f>/information};</li>
 * <li>{@code proc/devices} with {@code 195 nvidia}, {@code nvidia-uvm} and {@code nvidia-caps}
 *     (merged into an existing file, so another fixture's majors stay);</li>
 * <li>{@code dev/nvidia<minor>}, {@code nvidiactl} (195:255), {@code nvidia-modeset} (195:254),
 *     {@code nvidia-uvm} (uvm:0), {@code nvidia-uvm-tools} (uvm:1);</li>
 * <li>for MIG: {@code proc/driver/nvidia-caps/mig-minors} (the static table of every cap of every
 *     GPU, like the driver's), the capability files of the configured instances under
 *     {@code proc/driver/nvidia/capabilities}, and {@code dev/nvidia-caps/nvidia-cap<M>};</li>
 * <li>driver files: {@code usr/lib/x86_64-linux-gnu/lib*.so.<version>} (small ELF shared objects whose
 *     {@code DT_SONAME} is {@code lib*.so.1}, see {@link TinyElf}) with {@code .so.1} links, and
 *     {@code usr/bin/nvidia-*}: small regular files;</li>
 * <li>for a GPU with {@code numaNode}: {@code sys/bus/pci/devices/<0000:bb:dd.f>/numa_node}, as the
 *     kernel publishes it.</li>
 * </ul>
 * Optional extra config keys read here (the fake ignores them): {@code kernelModuleVersion}
 * (default: {@code driverVersion}), to build a driver/library mismatch.
 */
public final class NvidiaHostFixture {
    public static final int NVIDIA_MAJOR = 195;
    public static final int UVM_MAJOR = 510;   // dynamic on a real host; the value of CTK's fixtures
    public static final int CAPS_MAJOR = 509;
    public static final int MAX_GPU_INSTANCES = 15;
    public static final int MAX_COMPUTE_INSTANCES = 8;

    static final List<String> LIBRARIES = List.of("libcuda.so", "libnvidia-ml.so", "libnvidia-ptxjitcompiler.so",
            "libnvidia-nvvm.so", "libcudadebugger.so", "libnvidia-opencl.so", "libnvidia-cfg.so",
            "libnvidia-allocator.so", "libnvidia-gpucomp.so");
    static final List<String> BINARIES = List.of("nvidia-smi", "nvidia-debugdump", "nvidia-persistenced",
            "nvidia-cuda-mps-control", "nvidia-cuda-mps-server");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode config;

    private NvidiaHostFixture(JsonNode config) {
        this.config = config;
    }

    public static NvidiaHostFixture fromJson(String json) {
        try {
            return new NvidiaHostFixture(JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a fake-NVML config: " + e.getMessage(), e);
        }
    }

    public static NvidiaHostFixture fromFile(Path nvmlJson) {
        try {
            return fromJson(Files.readString(nvmlJson));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode config() {
        return config;
    }

    public String driverVersion() {
        return config.path("driverVersion").asText();
    }

    public String kernelModuleVersion() {
        return config.path("kernelModuleVersion").asText(driverVersion());
    }

    /** Writes everything into the tree and returns it. */
    public HostTree writeTo(HostTree tree) {
        String module = kernelModuleVersion();
        tree.file("/proc/driver/nvidia/version",
                "NVRM version: NVIDIA UNIX x86_64 Kernel Module  " + module + "  Tue Sep 23 09:45:42 UTC 2025\n"
                        + "GCC version:  gcc version 12.2.0 (Debian 12.2.0-14+deb12u1)\n");
        tree.file("/proc/driver/nvidia/params", "ModifyDeviceFiles: 1\nDeviceFileUID: 0\nDeviceFileGID: 0\n"
                + "DeviceFileMode: 438\n");
        mergeProcDevices(tree, Map.of("nvidia", NVIDIA_MAJOR, "nvidia-uvm", UVM_MAJOR, "nvidia-caps", CAPS_MAJOR));
        tree.charDevice("/dev/nvidiactl", NVIDIA_MAJOR, 255);
        tree.charDevice("/dev/nvidia-modeset", NVIDIA_MAJOR, 254);
        tree.charDevice("/dev/nvidia-uvm", UVM_MAJOR, 0);
        tree.charDevice("/dev/nvidia-uvm-tools", UVM_MAJOR, 1);

        List<Integer> minors = new ArrayList<>();
        for (JsonNode gpu : config.path("devices")) {
            if (gpu.has("minor")) {
                int minor = gpu.get("minor").asInt();
                minors.add(minor);
                tree.charDevice("/dev/nvidia" + minor, NVIDIA_MAJOR, minor);
            }
            writeInformation(tree, gpu);
            writeNumaNode(tree, gpu);
        }
        Map<String, Integer> caps = migMinors(minors);
        if (!minors.isEmpty()) {
            StringBuilder table = new StringBuilder();
            caps.forEach((cap, minor) -> table.append(cap).append(' ').append(minor).append('\n'));
            tree.file("/proc/driver/nvidia-caps/mig-minors", table.toString());
            writeCapability(tree, "mig/config", caps.get("config"), 256);
            writeCapability(tree, "mig/monitor", caps.get("monitor"), 292);
        }
        for (JsonNode gpu : config.path("devices")) {
            if (!"enabled".equals(gpu.path("migMode").asText()) || !gpu.has("minor")) {
                continue;
            }
            int minor = gpu.get("minor").asInt();
            for (JsonNode mig : gpu.path("migDevices")) {
                int gi = mig.path("gpuInstanceId").asInt();
                int ci = mig.path("computeInstanceId").asInt();
                String giCap = "gpu" + minor + "/gi" + gi + "/access";
                String ciCap = "gpu" + minor + "/gi" + gi + "/ci" + ci + "/access";
                writeCapability(tree, "gpu" + minor + "/mig/gi" + gi + "/access", caps.get(giCap), 292);
                writeCapability(tree, "gpu" + minor + "/mig/gi" + gi + "/ci" + ci + "/access", caps.get(ciCap), 292);
            }
        }
        writeDriverFiles(tree, driverVersion());
        return tree;
    }

    /**
     * The mig-minors table: {@code config 1}, {@code monitor 2}, then for each GPU minor every GI
     * and every CI of it, numbered in order, as the driver's static table (values of CTK's fixtures
     * for gpu0: gi0 access 3, gi0/ci0 access 4).
     */
    public static Map<String, Integer> migMinors(List<Integer> gpuMinors) {
        Map<String, Integer> out = new LinkedHashMap<>();
        out.put("config", 1);
        out.put("monitor", 2);
        int next = 3;
        for (int minor : new TreeSet<>(gpuMinors)) {
            for (int gi = 0; gi < MAX_GPU_INSTANCES; gi++) {
                out.put("gpu" + minor + "/gi" + gi + "/access", next++);
                for (int ci = 0; ci < MAX_COMPUTE_INSTANCES; ci++) {
                    out.put("gpu" + minor + "/gi" + gi + "/ci" + ci + "/access", next++);
                }
            }
        }
        return out;
    }

    private static void writeCapability(HostTree tree, String file, int minor, int mode) {
        tree.file("/proc/driver/nvidia/capabilities/" + file,
                "DeviceFileMinor: " + minor + "\nDeviceFileMode: " + mode + "\nDeviceFileModify: 1\n");
        tree.charDevice("/dev/nvidia-caps/nvidia-cap" + minor, CAPS_MAJOR, minor);
    }

    /** The sysfs and {@code /proc/driver/nvidia/gpus} spelling of the GPU's bus id ({@code 0000:3b:00.0}), or null. */
    private static String sysfsBusId(JsonNode gpu) {
        String[] p = gpu.path("pciBusId").asText().split("[:.]");
        if (p.length != 4) {
            return null;
        }
        return String.format(Locale.ROOT, "%04x:%s:%s.%s", Long.parseLong(p[0], 16), p[1], p[2], p[3])
                .toLowerCase(Locale.ROOT);
    }

    private static void writeNumaNode(HostTree tree, JsonNode gpu) {
        String dir = sysfsBusId(gpu);
        if (dir != null && gpu.has("numaNode")) {
            tree.file("/sys/bus/pci/devices/" + dir + "/numa_node", gpu.get("numaNode").asInt() + "\n");
        }
    }

    private static void writeInformation(HostTree tree, JsonNode gpu) {
        String dir = sysfsBusId(gpu);
        if (dir == null) {
            return;
        }
        StringBuilder s = new StringBuilder();
        s.append("Model: \t\t ").append(gpu.path("name").asText("Unknown")).append('\n');
        s.append("IRQ:   \t\t 0\n");
        s.append("GPU UUID: \t ").append(gpu.path("uuid").asText()).append('\n');
        s.append("Video BIOS: \t 96.00.99.00.01\n");
        s.append("Bus Type: \t PCIe\n");
        s.append("DMA Size: \t 52 bits\n");
        s.append("DMA Mask: \t 0xfffffffffffff\n");
        s.append("Bus Location: \t ").append(dir).append('\n');
        if (gpu.has("minor")) {
            s.append("Device Minor: \t ").append(gpu.get("minor").asInt()).append('\n');
        }
        s.append("GPU Firmware: \t 580.95.05\n");
        s.append("GPU Excluded:\t No\n");
        tree.file("/proc/driver/nvidia/gpus/" + dir + "/information", s.toString());
    }

    private static void writeDriverFiles(HostTree tree, String version) {
        for (String lib : LIBRARIES) {
            String dir = "/usr/lib/x86_64-linux-gnu/";
            // a real ELF header with the soname the driver's libraries have (lib*.so.1), as ldconfig reads it
            tree.file(dir + lib + "." + version, TinyElf.sharedObject(lib + ".1", "fake " + lib + " " + version + "\n"));
            tree.symlink(dir + lib + ".1", lib + "." + version);
        }
        for (String bin : BINARIES) {
            tree.file("/usr/bin/" + bin, "#!/bin/sh\necho 'fake " + bin + "' >&2\nexit 1\n");
        }
        tree.file("/usr/share/nvidia/nvoptix.bin", "fake\n");
        tree.file("/lib/firmware/nvidia/" + version + "/gsp_ga10x.bin", "fake firmware\n");
    }

    /** Adds char-device lines to {@code proc/devices}, keeping what is there (other fixtures' majors). */
    static void mergeProcDevices(HostTree tree, Map<String, Integer> majors) {
        tree.charMajors(majors);
    }
}
