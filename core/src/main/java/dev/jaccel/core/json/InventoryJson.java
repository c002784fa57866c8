package dev.jaccel.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.MigDevice;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.model.NeuronInventory;
import dev.jaccel.core.model.NvLinkPeer;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.model.UnavailableGpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code jaccel devices --json} document (docs/design.md §2.3) and the inventory snapshot,
 * written and read with jackson-core streaming. Unknown fields stay {@code null}, never invented.
 * A device node's {@code hostPath} is written only where it differs from {@code path}. The optional
 * facts added later ({@code numaNode} and {@code nvLinkPeers} on GPUs, {@code profile} on MIG
 * devices) are always written and may be absent when read: a document from an older jaccel reads
 * with them {@code null}.
 */
public final class InventoryJson {
    private InventoryJson() {
    }

    public static String toJson(Inventory inventory, boolean pretty) {
        return JsonTree.writeToString(out -> write(inventory, out, pretty));
    }

    public static void write(Inventory inventory, Writer out, boolean pretty) throws IOException {
        try (JsonGenerator g = JacksonStreams.FACTORY.createGenerator(out)) {
            write(inventory, g, pretty);
        }
    }

    public static void write(Inventory inventory, OutputStream out, boolean pretty) throws IOException {
        try (JsonGenerator g = JacksonStreams.FACTORY.createGenerator(out)) {
            write(inventory, g, pretty);
        }
    }

    private static void write(Inventory inventory, JsonGenerator g, boolean pretty) throws IOException {
        if (pretty) {
            g.useDefaultPrettyPrinter();
        }
        g.writeStartObject();
        writeFields(inventory, g);
        g.writeEndObject();
        g.flush();
    }

    /**
     * Writes the document's fields into an object the caller has started, so a caller can add
     * fields of its own (the snapshot adds its host fingerprint).
     */
    public static void writeFields(Inventory inventory, JsonGenerator g) throws IOException {
        g.writeFieldName("nvidia");
        writeNvidia(inventory.nvidia(), g);
        g.writeFieldName("neuron");
        writeNeuron(inventory.neuron(), g);
        JsonTree.writeStrings(g, "errors", inventory.errors());
    }

    private static void writeNvidia(NvidiaInventory n, JsonGenerator g) throws IOException {
        if (n == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("driverVersion", n.driverVersion());
        g.writeStringField("nvmlVersion", n.nvmlVersion());
        g.writeStringField("cudaDriverVersion", n.cudaDriverVersion());
        g.writeStringField("kernelModuleVersion", n.kernelModuleVersion());
        g.writeArrayFieldStart("devices");
        for (GpuDevice d : n.devices()) {
            g.writeStartObject();
            g.writeNumberField("index", d.index());
            g.writeStringField("uuid", d.uuid());
            g.writeStringField("name", d.name());
            g.writeStringField("brand", d.brand());
            g.writeStringField("architecture", d.architecture());
            g.writeStringField("computeCapability", d.computeCapability());
            writeNumber(g, "minor", d.minor());
            g.writeStringField("pciBusId", d.pciBusId());
            writeNumber(g, "memoryTotalBytes", d.memoryTotalBytes());
            writeBoolean(g, "migEnabled", d.migEnabled());
            g.writeArrayFieldStart("migDevices");
            for (MigDevice m : d.migDevices()) {
                g.writeStartObject();
                g.writeNumberField("index", m.index());
                g.writeStringField("uuid", m.uuid());
                writeNumber(g, "gpuInstanceId", m.gpuInstanceId());
                writeNumber(g, "computeInstanceId", m.computeInstanceId());
                writeNumber(g, "memoryTotalBytes", m.memoryTotalBytes());
                writeNodes(g, "capabilityNodes", m.capabilityNodes());
                g.writeStringField("profile", m.profile());
                g.writeEndObject();
            }
            g.writeEndArray();
            writeNodes(g, "deviceNodes", d.deviceNodes());
            writeNumber(g, "numaNode", d.numaNode());
            writePeers(g, d.nvLinkPeers());
            g.writeEndObject();
        }
        g.writeEndArray();
        writeNodes(g, "controlDeviceNodes", n.controlNodes());
        JsonTree.writeStrings(g, "notes", n.notes());
        g.writeArrayFieldStart("unavailableDevices");
        for (UnavailableGpu u : n.unavailableGpus()) {
            g.writeStartObject();
            g.writeNumberField("index", u.index());
            g.writeStringField("reason", u.reason());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeNeuron(NeuronInventory n, JsonGenerator g) throws IOException {
        if (n == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("driverVersion", n.driverVersion());
        g.writeStringField("runtimeVersion", n.runtimeVersion());
        g.writeArrayFieldStart("devices");
        for (NeuronDevice d : n.devices()) {
            g.writeStartObject();
            g.writeNumberField("index", d.index());
            writeNumber(g, "coreCount", d.coreCount());
            writeNumber(g, "logicalCoreCount", d.logicalCoreCount());
            writeInts(g, "coreIds", d.coreIds());
            writeInts(g, "connectedTo", d.connectedTo());
            g.writeStringField("architecture", d.architecture());
            g.writeStringField("instanceType", d.instanceType());
            g.writeStringField("deviceName", d.deviceName());
            g.writeStringField("serial", d.serial());
            g.writeFieldName("deviceNode");
            if (d.deviceNode() == null) {
                g.writeNull();
            } else {
                writeNode(g, d.deviceNode());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        JsonTree.writeStrings(g, "notes", n.notes());
        g.writeEndObject();
    }

    private static void writePeers(JsonGenerator g, List<NvLinkPeer> peers) throws IOException {
        if (peers == null) {
            g.writeNullField("nvLinkPeers");
            return;
        }
        g.writeArrayFieldStart("nvLinkPeers");
        for (NvLinkPeer p : peers) {
            g.writeStartObject();
            g.writeStringField("uuid", p.uuid());
            g.writeStringField("pciBusId", p.pciBusId());
            g.writeNumberField("links", p.links());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeNodes(JsonGenerator g, String field, List<DeviceNode> nodes) throws IOException {
        g.writeArrayFieldStart(field);
        for (DeviceNode node : nodes) {
            writeNode(g, node);
        }
        g.writeEndArray();
    }

    private static void writeNode(JsonGenerator g, DeviceNode node) throws IOException {
        g.writeStartObject();
        g.writeStringField("path", node.path());
        if (!node.hostPath().equals(node.path())) {
            g.writeStringField("hostPath", node.hostPath());
        }
        g.writeNumberField("major", node.major());
        g.writeNumberField("minor", node.minor());
        g.writeEndObject();
    }

    private static void writeInts(JsonGenerator g, String field, List<Integer> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (int v : values) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }

    private static void writeNumber(JsonGenerator g, String field, Number value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, value.longValue());
        }
    }

    private static void writeBoolean(JsonGenerator g, String field, Boolean value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeBooleanField(field, value);
        }
    }

    // ---- reading (the inventory snapshot) ----

    /** Reads a document written by {@link #write}; a wrong shape is an {@link IOException} naming the field. */
    public static Inventory read(InputStream in) throws IOException {
        return fromTree(JsonTree.read(in));
    }

    public static Inventory read(String json) throws IOException {
        return fromTree(JsonTree.read(json));
    }

    /** Reads a document already parsed with {@link JsonTree}; fields it does not know are ignored. */
    public static Inventory fromTree(Object root) throws IOException {
        Map<String, Object> o = object(root, "document");
        return new Inventory(nvidia(o.get("nvidia")), neuron(o.get("neuron")), strings(o.get("errors"), "errors"));
    }

    private static NvidiaInventory nvidia(Object value) throws IOException {
        if (value == null) {
            return null;
        }
        Map<String, Object> o = object(value, "nvidia");
        List<GpuDevice> devices = new ArrayList<>();
        for (Object item : list(o.get("devices"), "nvidia.devices")) {
            Map<String, Object> d = object(item, "nvidia.devices[]");
            List<MigDevice> migs = new ArrayList<>();
            for (Object mi : list(d.get("migDevices"), "migDevices")) {
                Map<String, Object> m = object(mi, "migDevices[]");
                migs.add(new MigDevice(intValue(m.get("index"), "migDevices[].index"), uuid(m.get("uuid"), "migDevices[].uuid"),
                        integer(m.get("gpuInstanceId")), integer(m.get("computeInstanceId")),
                        longValue(m.get("memoryTotalBytes")), nodes(m.get("capabilityNodes")),
                        string(m.get("profile"))));
            }
            devices.add(new GpuDevice(intValue(d.get("index"), "devices[].index"), uuid(d.get("uuid"), "devices[].uuid"),
                    string(d.get("name")), string(d.get("brand")), string(d.get("architecture")),
                    string(d.get("computeCapability")), integer(d.get("minor")), string(d.get("pciBusId")),
                    longValue(d.get("memoryTotalBytes")), (Boolean) d.get("migEnabled"), migs,
                    nodes(d.get("deviceNodes")), integer(d.get("numaNode")), peers(d.get("nvLinkPeers"))));
        }
        List<UnavailableGpu> unavailable = new ArrayList<>();
        for (Object item : list(o.get("unavailableDevices"), "nvidia.unavailableDevices")) {
            Map<String, Object> u = object(item, "nvidia.unavailableDevices[]");
            unavailable.add(new UnavailableGpu(intValue(u.get("index"), "unavailableDevices[].index"),
                    String.valueOf(u.get("reason"))));
        }
        return new NvidiaInventory(string(o.get("driverVersion")), string(o.get("nvmlVersion")),
                string(o.get("cudaDriverVersion")), string(o.get("kernelModuleVersion")), devices,
                nodes(o.get("controlDeviceNodes")), strings(o.get("notes"), "nvidia.notes"), null, unavailable);
    }

    private static NeuronInventory neuron(Object value) throws IOException {
        if (value == null) {
            return null;
        }
        Map<String, Object> o = object(value, "neuron");
        List<NeuronDevice> devices = new ArrayList<>();
        for (Object item : list(o.get("devices"), "neuron.devices")) {
            Map<String, Object> d = object(item, "neuron.devices[]");
            devices.add(new NeuronDevice(intValue(d.get("index"), "neuron.devices[].index"),
                    integer(d.get("coreCount")), integer(d.get("logicalCoreCount")), ints(d.get("coreIds")),
                    ints(d.get("connectedTo")), string(d.get("architecture")), string(d.get("instanceType")),
                    string(d.get("deviceName")), string(d.get("serial")),
                    d.get("deviceNode") == null ? null : node(d.get("deviceNode"))));
        }
        return new NeuronInventory(string(o.get("driverVersion")), string(o.get("runtimeVersion")), devices,
                strings(o.get("notes"), "neuron.notes"));
    }

    /** {@code null} stays null (unknown); an array is the peers. */
    private static List<NvLinkPeer> peers(Object value) throws IOException {
        if (value == null) {
            return null;
        }
        List<NvLinkPeer> peers = new ArrayList<>();
        for (Object item : list(value, "nvLinkPeers")) {
            Map<String, Object> p = object(item, "nvLinkPeers[]");
            peers.add(new NvLinkPeer(string(p.get("uuid")), string(p.get("pciBusId")),
                    intValue(p.get("links"), "nvLinkPeers[].links")));
        }
        return peers;
    }

    private static List<DeviceNode> nodes(Object value) throws IOException {
        List<DeviceNode> nodes = new ArrayList<>();
        for (Object item : list(value, "device nodes")) {
            nodes.add(node(item));
        }
        return nodes;
    }

    private static DeviceNode node(Object value) throws IOException {
        Map<String, Object> n = object(value, "device node");
        String path = string(n.get("path"));
        if (path == null) {
            throw new IOException("device node without a path");
        }
        String hostPath = n.get("hostPath") == null ? path : string(n.get("hostPath"));
        return new DeviceNode(path, hostPath, intValue(n.get("major"), "major"), intValue(n.get("minor"), "minor"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value, String what) throws IOException {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IOException(what + ": expected an object");
    }

    private static List<?> list(Object value, String what) throws IOException {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> l) {
            return l;
        }
        throw new IOException(what + ": expected an array");
    }

    private static List<String> strings(Object value, String what) throws IOException {
        List<String> out = new ArrayList<>();
        for (Object item : list(value, what)) {
            out.add(String.valueOf(item));
        }
        return out;
    }

    private static List<Integer> ints(Object value) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (Object item : list(value, "integer array")) {
            out.add(intValue(item, "integer array item"));
        }
        return out;
    }

    private static String string(Object value) throws IOException {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new IOException("expected a string, got " + value);
    }

    /** A device's UUID: required, because a device is named by it everywhere (no null id). */
    private static String uuid(Object value, String what) throws IOException {
        String s = string(value);
        if (s == null || s.isBlank()) {
            throw new IOException(what + ": missing (a device without its UUID cannot be selected or described)");
        }
        return s;
    }

    private static Integer integer(Object value) throws IOException {
        return value == null ? null : intValue(value, "integer");
    }

    private static Long longValue(Object value) throws IOException {
        if (value == null) {
            return null;
        }
        if (value instanceof Long l) {
            return l;
        }
        throw new IOException("expected an integer, got " + value);
    }

    private static int intValue(Object value, String what) throws IOException {
        if (value instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
            return l.intValue();
        }
        throw new IOException(what + ": expected an integer, got " + value);
    }
}
