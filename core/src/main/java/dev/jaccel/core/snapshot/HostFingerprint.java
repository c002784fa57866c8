package dev.jaccel.core.snapshot;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jaccel.core.json.JsonTree;
import dev.jaccel.core.spi.HostContext;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an inventory snapshot was taken against, cheap enough to recompute on every container
 * start: no NVML, no libnrt, two small reads and one {@code /dev} listing with {@code lstat}.
 * A driver upgrade changes the version lines; a GPU or Neuron device appearing, disappearing or
 * being renumbered changes the node list.
 *
 * @param hostRoot      the host root the inventory was read under
 * @param nvidiaVersion first line of {@code /proc/driver/nvidia/version}, or {@code null} when absent
 * @param neuronVersion content of {@code /sys/module/neuron/version}, or {@code null} when absent
 * @param deviceNodes   sorted {@code /dev/nvidia*}, {@code /dev/nvidia-caps/*} and {@code /dev/neuron*}
 *                      entries as {@code name major:minor} for device nodes and {@code name/} for
 *                      directories (names relative to {@code /dev})
 */
public record HostFingerprint(String hostRoot, String nvidiaVersion, String neuronVersion,
                              List<String> deviceNodes) {
    static final String NVIDIA_VERSION_FILE = "/proc/driver/nvidia/version";
    static final String NEURON_VERSION_FILE = "/sys/module/neuron/version";
    /** MIG capability nodes ({@code /dev/nvidia-caps/nvidia-cap<N>}) come and go with MIG instances. */
    static final String NVIDIA_CAPS = "nvidia-caps";

    public HostFingerprint {
        Objects.requireNonNull(hostRoot, "hostRoot");
        deviceNodes = List.copyOf(deviceNodes);
    }

    // equals and hashCode written out: a record's generated ones bootstrap through invokedynamic
    // (java.lang.runtime.ObjectMethods), tens of ms on first use in a short-lived JVM (docs/perf/README.md)
    @Override
    public boolean equals(Object o) {
        return o instanceof HostFingerprint f && hostRoot.equals(f.hostRoot) && Objects.equals(nvidiaVersion, f.nvidiaVersion)
                && Objects.equals(neuronVersion, f.neuronVersion) && deviceNodes.equals(f.deviceNodes);
    }

    @Override
    public int hashCode() {
        return hostRoot.hashCode() * 31 + deviceNodes.hashCode();
    }

    public static HostFingerprint of(HostContext host) throws IOException {
        return new HostFingerprint(host.hostRoot().toString(),
                firstLine(host.host(NVIDIA_VERSION_FILE)),
                firstLine(host.host(NEURON_VERSION_FILE)),
                deviceNodes(host.host("/dev")));
    }

    void write(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("hostRoot", hostRoot);
        g.writeStringField("nvidiaVersion", nvidiaVersion);
        g.writeStringField("neuronVersion", neuronVersion);
        JsonTree.writeStrings(g, "deviceNodes", deviceNodes);
        g.writeEndObject();
    }

    /** Reads what {@link #write} wrote; a wrong shape is an {@link IOException}. */
    static HostFingerprint fromTree(Object tree) throws IOException {
        if (!(tree instanceof Map<?, ?> o) || !(o.get("hostRoot") instanceof String root)
                || !(o.get("deviceNodes") instanceof List<?> nodes)) {
            throw new IOException("host fingerprint: expected {hostRoot, nvidiaVersion, neuronVersion, deviceNodes}");
        }
        List<String> names = new ArrayList<>();
        for (Object n : nodes) {
            if (!(n instanceof String s)) {
                throw new IOException("host fingerprint: deviceNodes holds a non-string " + n);
            }
            names.add(s);
        }
        return new HostFingerprint(root, optionalString(o.get("nvidiaVersion")),
                optionalString(o.get("neuronVersion")), names);
    }

    private static String optionalString(Object value) throws IOException {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new IOException("host fingerprint: expected a string, got " + value);
    }

    private static String firstLine(Path file) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = r.readLine();
            return line == null ? "" : line.strip();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static List<String> deviceNodes(Path dev) throws IOException {
        List<String> nodes = new ArrayList<>();
        if (!Files.isDirectory(dev)) {
            return nodes;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dev,
                p -> {
                    String name = p.getFileName().toString();
                    return name.startsWith("nvidia") || name.startsWith("neuron");
                })) {
            for (Path p : entries) {
                String described = describe(p, "");
                nodes.add(described);
                if (described.equals(NVIDIA_CAPS + "/")) {
                    try (DirectoryStream<Path> caps = Files.newDirectoryStream(p)) {
                        for (Path cap : caps) {
                            nodes.add(describe(cap, NVIDIA_CAPS + "/"));
                        }
                    }
                }
            }
        }
        nodes.sort(null);
        return nodes;
    }

    private static String describe(Path node, String prefix) throws IOException {
        String name = prefix + node.getFileName();
        // one lstat for both facts (each Files call is one; this runs cold on every container start)
        Map<String, Object> attributes = Files.readAttributes(node, "unix:isDirectory,rdev", LinkOption.NOFOLLOW_LINKS);
        if ((Boolean) attributes.get("isDirectory")) {
            return name + "/";
        }
        long rdev = (Long) attributes.get("rdev");
        return name + " " + major(rdev) + ":" + minor(rdev);
    }

    /** glibc's {@code gnu_dev_major}. */
    static long major(long rdev) {
        return ((rdev >>> 8) & 0xfffL) | ((rdev >>> 32) & ~0xfffL);
    }

    /** glibc's {@code gnu_dev_minor}. */
    static long minor(long rdev) {
        return (rdev & 0xffL) | ((rdev >>> 12) & ~0xffL);
    }
}
