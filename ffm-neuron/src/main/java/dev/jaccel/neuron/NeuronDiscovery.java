package dev.jaccel.neuron;

import dev.jaccel.core.host.DeviceNodes;
import dev.jaccel.core.host.ProcDevices;
import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.spi.BackendUnavailableException;
import dev.jaccel.core.spi.HostContext;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Finds Neuron devices without the runtime: {@code /dev/neuron<N>} first, because sysfs is not
 * namespaced and lists every host device even inside a container (optimum-neuron#544, docs/neuron-semantics.md §2.3),
 * then each node joined to {@code /sys/devices/virtual/neuron_device/neuron<minor>}; the driver
 * version from {@code /sys/module/neuron/version}, the major from {@code /proc/devices}.
 */
final class NeuronDiscovery {
    static final String SYSFS = "/sys/devices/virtual/neuron_device/";
    static final String DRIVER_VERSION = "/sys/module/neuron/version";
    private static final Pattern NODE = Pattern.compile("neuron(\\d+)");

    /**
     * Physical NeuronCores per device by generation, for when {@code core_count} is unreadable
     * (aws-neuron-driver v1/v2/v3 address_map.h; aws-neuron-sdk trainium3.rst; docs/neuron-semantics.md §2.2).
     */
    private static final Map<String, Integer> CORES_BY_DEVICE_NAME = Map.of(
            "Inferentia", 4, "Inferentia2", 2, "Trainium1", 2, "Trainium2", 8, "Trainium3", 8);

    /** What discovery found; {@code notes} explain anything left {@code null}. */
    record Found(String driverVersion, List<NeuronDevice> devices, LogicalCoreConfig lnc, List<String> notes) {
    }

    private NeuronDiscovery() {
    }

    static Found discover(HostContext host) throws BackendUnavailableException {
        HostFiles files = new HostFiles(host);
        String driverVersion = files.read(DRIVER_VERSION);
        Map<Integer, Path> nodes = deviceNodes(host.host("/dev"));
        if (nodes.isEmpty() && driverVersion == null) {
            throw new BackendUnavailableException("no /dev/neuron* device and no neuron driver ("
                    + DRIVER_VERSION + ") under " + host.hostRoot()
                    + ": not a Neuron host, or aws-neuronx-dkms is not installed and loaded");
        }
        if (driverVersion == null) {
            files.note(DRIVER_VERSION + " is absent: driver version unknown (a container without /sys/module?)");
        }
        if (nodes.isEmpty()) {
            files.note("the neuron driver " + driverVersion + " is loaded but no /dev/neuron* node is visible here");
        }
        Integer procMajor = procDevicesMajor(files);
        LogicalCoreConfig coreConfig = LogicalCoreConfig.resolve(host.env(), files);
        List<NeuronDevice> devices = new ArrayList<>();
        for (Map.Entry<Integer, Path> node : nodes.entrySet()) {
            devices.add(device(node.getKey(), node.getValue(), procMajor, coreConfig, files));
        }
        return new Found(driverVersion, devices, coreConfig, files.notes());
    }

    /** {@code /dev/neuron<N>} by N, in numeric order. */
    private static Map<Integer, Path> deviceNodes(Path dev) throws BackendUnavailableException {
        Map<Integer, Path> nodes = new TreeMap<>();
        if (!Files.isDirectory(dev)) {
            return nodes;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dev, "neuron*")) {
            for (Path p : entries) {
                Matcher m = NODE.matcher(p.getFileName().toString());
                // the driver makes at most 64 devices; the length check only keeps parseInt safe
                if (m.matches() && m.group(1).length() <= 3) {
                    nodes.put(Integer.parseInt(m.group(1)), p);
                }
            }
        } catch (IOException e) {
            throw new BackendUnavailableException("cannot list " + dev + ": " + e.getMessage(), e);
        }
        return nodes;
    }

    private static NeuronDevice device(int index, Path node, Integer procMajor, LogicalCoreConfig coreConfig,
                                       HostFiles files) {
        String name = "neuron" + index;
        Optional<DeviceNode> stat = DeviceNodes.stat("/dev/neuron" + index, node.toAbsolutePath());
        // a renamed node (/dev/neuron0 for host device 5) is found in sysfs by its minor: the host index
        String dir = SYSFS + "neuron" + stat.map(DeviceNode::minor).orElse(index) + "/";
        if (!Files.isDirectory(files.path(dir))) {
            files.note(name + ": no " + dir + " (sysfs of another host, or driver not loaded)");
        }
        DeviceNode deviceNode = stat.isPresent() ? checkedMajor(stat.get(), procMajor, files)
                : withoutNode(index, node, dir, procMajor, files);

        String coreText = files.readExpected(dir + "core_count");
        Integer coreCount = parseInt(coreText, dir + "core_count", files);
        String archType = files.read(dir + "info/architecture/arch_type");
        String instanceType = files.read(dir + "info/architecture/instance_type");
        String deviceName = files.read(dir + "info/architecture/device_name");
        String serial = files.read(dir + "info/serial_number");   // v2/v3 only; empty on a read failure
        if (serial != null && serial.isEmpty()) {
            serial = null;
        }
        List<Integer> connected = connected(files.readExpected(dir + "connected_devices"), dir, files);

        Integer physical = coreCount;
        if (physical == null && deviceName != null && CORES_BY_DEVICE_NAME.containsKey(deviceName)) {
            physical = CORES_BY_DEVICE_NAME.get(deviceName);
            files.note(name + ": logical cores from the " + deviceName + " core count (" + physical
                    + "), core_count being unreadable");
        }
        Integer logical = null;
        List<Integer> coreIds = List.of();
        if (physical != null) {
            int factor = coreConfig.factorFor(instanceType, deviceName);
            if (physical % factor != 0) {
                files.note(name + ": " + physical + " physical cores do not split into LNC=" + factor + " logical cores");
                factor = 1;
            }
            int perDevice = physical / factor;
            logical = perDevice;
            // global logical ids: device x logical cores per device + local (docs/neuron-semantics.md §3.2)
            coreIds = IntStream.range(0, perDevice).map(local -> index * perDevice + local).boxed().toList();
        }
        return new NeuronDevice(index, coreCount, logical, coreIds, connected, archType, instanceType,
                deviceName, serial, deviceNode);
    }

    private static DeviceNode checkedMajor(DeviceNode node, Integer procMajor, HostFiles files) {
        if (procMajor != null && node.major() != procMajor) {
            files.note(node.path() + " has major " + node.major() + " but /proc/devices gives neuron " + procMajor
                    + ": a stale node from an earlier driver load?");
        }
        return node;
    }

    private static DeviceNode withoutNode(int index, Path node, String dir, Integer procMajor, HostFiles files) {
        String path = "/dev/neuron" + index;
        String hostPath = node.toAbsolutePath().toString();
        // not a real node (a fake tree without root): sysfs dev, else the /proc/devices major and minor = N
        String dev = files.read(dir + "dev");
        if (dev != null && dev.matches("\\d+:\\d+")) {
            files.note(path + " is not a character device; major:minor " + dev + " from sysfs");
            String[] mm = dev.split(":");
            return new DeviceNode(path, hostPath, Integer.parseInt(mm[0]), Integer.parseInt(mm[1]));
        }
        if (procMajor != null) {
            files.note(path + " is not a character device; major from /proc/devices, minor = index");
            return new DeviceNode(path, hostPath, procMajor, index);
        }
        files.note(path + " is not a character device and no major is known; major:minor 0:" + index);
        return new DeviceNode(path, hostPath, 0, index);
    }

    /** The dynamic major of "neuron" in the character section of /proc/devices (docs/neuron-semantics.md §2.1). */
    static Integer procDevicesMajor(HostFiles files) {
        String text = files.read("/proc/devices");
        if (text == null) {
            return null;
        }
        OptionalInt major = ProcDevices.parse(text).major("neuron");
        return major.isPresent() ? major.getAsInt() : null;
    }

    /** {@code "12, 3, 4, 1"} or {@code ""} (docs/neuron-semantics.md §2.3). */
    static List<Integer> connected(String text, String dir, HostFiles files) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<Integer> ids = new ArrayList<>();
        for (String part : text.split(",")) {
            Integer id = parseInt(part.strip(), dir + "connected_devices", files);
            if (id == null) {
                return List.of();
            }
            ids.add(id);
        }
        return ids;
    }

    private static Integer parseInt(String text, String what, HostFiles files) {
        if (text == null) {
            return null;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            files.note(what + ": \"" + text + "\" is not a number");
            return null;
        }
    }

}
