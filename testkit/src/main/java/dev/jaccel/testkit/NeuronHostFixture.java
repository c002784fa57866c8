package dev.jaccel.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Lays out the Neuron half of a fake host root (testkit/README.md, "Fake host tree") from a small JSON
 * host description. Bundled profiles live in {@code hosts/<profile>/neuron.json} on the class path,
 * each with the matching fake libnrt config in {@code hosts/<profile>/nrt.json}.
 *
 * <h2>Host description ({@code neuron.json})</h2>
 * <pre>{@code
 * {
 *   "description": "free text",
 *   "driver": {                          // absent or null: no neuron driver loaded
 *     "version": "2.24.7.0",             // sys/module/neuron/version (newline-terminated)
 *     "major": 245,                      // "245 neuron" in proc/devices; the major of every node
 *     "kernelRelease": "6.1.0-aws",      // proc/sys/kernel/osrelease (default "6.1.0-jaccel")
 *     "moduleOnDisk": "2.24.7.0"         // optional: lib/modules/<release>/updates/dkms/neuron.ko whose
 *   },                                   //   .modinfo says version=<this>, listed in modules.dep
 *   "logicalNcConfig": "NEURON_LOGICAL_NC_CONFIG=1",  // optional: /opt/aws/neuron/logical_nc_config
 *   "deviceDefaults": {                  // keys any device may override
 *     "coreCount": 2,                    // core_count (physical NCs, no trailing newline, as the driver)
 *     "archType": "NDv2", "instanceType": "Trn1", "deviceName": "Trainium1",  // info/architecture/*
 *     "serial": null                     // info/serial_number; absent/null: no file (Inf1)
 *   },
 *   "devices": [
 *     {"index": 0,                       // /dev/neuron0 and sys/devices/virtual/neuron_device/neuron0
 *      "connected": [12, 3, 4, 1],       // connected_devices "12, 3, 4, 1\n"; absent or []: "\n"
 *      "minor": 0,                       // the node's minor (default: index; differs on a renamed node)
 *      "node": true,                     // false: sysfs only, no /dev node (another container's device)
 *      "unreadable": ["core_count"],     // these files become directories, so reading them fails
 *      "stats": {                        // optional: the driver's sysfs counters (stats/ and neuron_core<K>/stats/)
 *        "hostMemory": {"tensors": 4096},               // stats/memory_usage/host_mem/<category>/{total,present,peak}
 *        "memEccUncorrected": 0, "sramEccUncorrected": 0, // stats/hardware/<name>/{total,present}
 *        "power": "POWER_STATUS_VALID,1700000000,10.00,55.50,22.25",  // stats/power/utilization
 *        "cores": [{"deviceMemory": {"tensors": 1024, "model_code": 512},  // device_mem/<category>
 *                   "success": 10, "failure": 1,                          // status/<name>/{total,present}
 *                   "inferenceCount": 10, "flopCount": 1000, "modelLoadCount": 1, "ncTimeInUse": 250}]}}
 *   ]
 * }
 * }</pre>
 * Device nodes are real character devices when the tests run as root (see {@link HostTree}). An
 * existing {@code proc/devices} (e.g. from the NVIDIA fixture) gets the {@code neuron} line added.
 */
public final class NeuronHostFixture {
    /** The bundled profiles under {@code hosts/}. */
    public static final List<String> PROFILES = List.of("inf1", "inf2", "trn1-32xl", "trn2");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SYSFS = "/sys/devices/virtual/neuron_device/";

    private NeuronHostFixture() {
    }

    /**
     * Lays out a host description: {@code description} is a profile directory (holding
     * {@code neuron.json}) or a JSON file.
     */
    public static JsonNode layOut(Path description, HostTree tree) {
        Path file = Files.isDirectory(description) ? description.resolve("neuron.json") : description;
        try {
            return layOut(Files.readString(file), tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lays out a bundled profile ({@link #PROFILES}). */
    public static JsonNode layOutProfile(String profile, HostTree tree) {
        return layOut(profileResource(profile, "neuron.json"), tree);
    }

    /** The fake libnrt config ({@code FAKE_NRT_CONFIG} format) that goes with a bundled profile. */
    public static String nrtConfig(String profile) {
        return profileResource(profile, "nrt.json");
    }

    public static String profileResource(String profile, String file) {
        String name = "/hosts/" + profile + "/" + file;
        try (InputStream in = NeuronHostFixture.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no bundled host profile resource " + name + "; profiles: " + PROFILES);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lays out the host described by {@code json}; returns the parsed description. */
    public static JsonNode layOut(String json, HostTree tree) {
        JsonNode host;
        try {
            host = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("bad Neuron host description: " + e.getMessage(), e);
        }
        JsonNode driver = host.path("driver");
        int major = driver.path("major").asInt(245);
        if (driver.isObject()) {
            tree.file("/sys/module/neuron/version", driver.path("version").asText() + "\n");
            tree.charMajors(Map.of("neuron", major));
            String release = driver.path("kernelRelease").asText("6.1.0-jaccel");
            tree.file("/proc/sys/kernel/osrelease", release + "\n");
            if (driver.hasNonNull("moduleOnDisk")) {
                writeModule(tree, release, driver.get("moduleOnDisk").asText());
            }
        }
        if (host.hasNonNull("logicalNcConfig")) {
            tree.file("/opt/aws/neuron/logical_nc_config", host.get("logicalNcConfig").asText() + "\n");
        }
        JsonNode defaults = host.path("deviceDefaults");
        for (JsonNode device : host.path("devices")) {
            writeDevice(tree, major, device, defaults);
        }
        return host;
    }

    private static void writeDevice(HostTree tree, int major, JsonNode device, JsonNode defaults) {
        int index = device.path("index").asInt(-1);
        if (index < 0) {
            throw new IllegalArgumentException("every device needs an \"index\" >= 0: " + device);
        }
        int minor = device.path("minor").asInt(index);
        String dir = SYSFS + "neuron" + index + "/";
        tree.file(dir + "dev", major + ":" + minor + "\n");
        tree.file(dir + "core_count", Integer.toString(value(device, defaults, "coreCount").asInt()));
        List<String> connected = new ArrayList<>();
        device.path("connected").forEach(n -> connected.add(n.asText()));
        tree.file(dir + "connected_devices", String.join(", ", connected) + "\n");
        tree.file(dir + "info/architecture/arch_type", value(device, defaults, "archType").asText() + "\n");
        tree.file(dir + "info/architecture/instance_type", value(device, defaults, "instanceType").asText() + "\n");
        tree.file(dir + "info/architecture/device_name", value(device, defaults, "deviceName").asText() + "\n");
        JsonNode serial = value(device, defaults, "serial");
        if (!serial.isMissingNode() && !serial.isNull()) {
            tree.file(dir + "info/serial_number", serial.asText() + "\n");
        }
        tree.file(dir + "info/notify_delay", "-1\n");
        for (JsonNode unreadable : device.path("unreadable")) {
            Path p = tree.path(dir + unreadable.asText());
            try {
                Files.deleteIfExists(p);
                Files.createDirectories(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (device.path("node").asBoolean(true)) {
            tree.charDevice("/dev/neuron" + index, major, minor);
        }
        writeStats(tree, dir, device.path("stats"));
    }

    /**
     * The counters as the driver's sysfs user guide lays them out: a counter is a directory with
     * {@code total} and {@code present} (memory also {@code peak}); an {@code other_info} value is a file.
     */
    private static void writeStats(HostTree tree, String dir, JsonNode stats) {
        if (!stats.isObject()) {
            return;
        }
        stats.path("hostMemory").properties().forEach(c ->
                memoryCounter(tree, dir + "stats/memory_usage/host_mem/" + c.getKey(), c.getValue().asLong()));
        for (String hw : List.of("memEccUncorrected", "sramEccUncorrected")) {
            if (stats.has(hw)) {
                String name = hw.equals("memEccUncorrected") ? "mem_ecc_uncorrected" : "sram_ecc_uncorrected";
                counter(tree, dir + "stats/hardware/" + name, stats.get(hw).asLong());
            }
        }
        if (stats.has("power")) {
            tree.file(dir + "stats/power/utilization", stats.get("power").asText() + "\n");
        }
        int k = 0;
        for (JsonNode core : stats.path("cores")) {
            String c = dir + "neuron_core" + k++ + "/stats/";
            core.path("deviceMemory").properties().forEach(m ->
                    memoryCounter(tree, c + "memory_usage/device_mem/" + m.getKey(), m.getValue().asLong()));
            for (String status : List.of("success", "failure")) {
                if (core.has(status)) {
                    counter(tree, c + "status/" + status, core.get(status).asLong());
                }
            }
            Map<String, String> other = Map.of("inferenceCount", "inference_count", "flopCount", "flop_count",
                    "modelLoadCount", "model_load_count", "ncTimeInUse", "nc_time_in_use");
            other.forEach((key, file) -> {
                if (core.has(key)) {
                    tree.file(c + "other_info/" + file, core.get(key).asLong() + "\n");
                }
            });
        }
    }

    private static void counter(HostTree tree, String dir, long total) {
        tree.file(dir + "/total", total + "\n");
        tree.file(dir + "/present", "0\n");
    }

    private static void memoryCounter(HostTree tree, String dir, long total) {
        counter(tree, dir, total);
        tree.file(dir + "/peak", total + "\n");
    }

    private static JsonNode value(JsonNode device, JsonNode defaults, String key) {
        return device.has(key) ? device.get(key) : defaults.path(key);
    }

    /**
     * A stand-in for the DKMS module: not a real ELF, but it holds the NUL-separated
     * {@code key=value} strings of a .modinfo section, which is what modinfo reports.
     */
    private static void writeModule(HostTree tree, String release, String version) {
        String base = "/lib/modules/" + release + "/";
        tree.file(base + "modules.dep", "kernel/drivers/net/dummy.ko:\nupdates/dkms/neuron.ko:\n");
        byte[] modinfo = ("\0license=GPL\0description=Neuron Driver\0version=" + version
                + "\0srcversion=0123456789ABCDEF0123456\0name=neuron\0").getBytes(StandardCharsets.US_ASCII);
        byte[] elf = new byte[64 + modinfo.length];
        elf[0] = 0x7f;
        elf[1] = 'E';
        elf[2] = 'L';
        elf[3] = 'F';
        System.arraycopy(modinfo, 0, elf, 64, modinfo.length);
        Path ko = tree.path(base + "updates/dkms/neuron.ko");
        try {
            Files.createDirectories(ko.getParent());
            Files.write(ko, elf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
