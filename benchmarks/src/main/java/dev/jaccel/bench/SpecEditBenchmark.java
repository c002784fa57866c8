package dev.jaccel.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.edits.MountEdit;
import dev.jaccel.core.json.JacksonStreams;
import dev.jaccel.core.json.JsonTree;
import dev.jaccel.core.oci.OciSpec;
import dev.jaccel.core.oci.SpecEditor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Editing a realistic container spec (podman's 12 KB config.json of a CUDA image): parse, add the
 * devices, device-cgroup rules, driver mounts and env jaccel plans for all 8 GPUs, write it back.
 * jaccel's editor ({@link OciSpec}/{@link SpecEditor} on a {@code JsonDocument}, which writes back
 * untouched bytes as they were) against jackson-core streaming into plain maps ({@link JsonTree})
 * and a databind {@code JsonNode} tree. All three keep every field they do not understand.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class SpecEditBenchmark {
    byte[] config;
    ContainerEdits edits;
    ObjectMapper mapper;

    @Setup
    public void setUp() {
        config = Workloads.podmanCudaConfig();
        edits = Workloads.cudaImageEdits(BenchHost.discover(), BenchHost.context());
        mapper = new ObjectMapper();
    }

    @Benchmark
    public byte[] jaccelSpecEditor() {
        OciSpec spec = OciSpec.parse(config, "config.json");
        SpecEditor.apply(spec, edits);
        return spec.toBytes();
    }

    @Benchmark
    public byte[] streamingMaps() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) JsonTree.read(config);
        MapSpecEditor.apply(spec, edits);
        ByteArrayOutputStream out = new ByteArrayOutputStream(config.length + 4096);
        try (JsonGenerator g = JacksonStreams.FACTORY.createGenerator(out)) {
            MapSpecEditor.write(g, spec);
        }
        return out.toByteArray();
    }

    @Benchmark
    public byte[] databindTree() throws IOException {
        ObjectNode spec = (ObjectNode) mapper.readTree(config);
        NodeSpecEditor.apply(spec, edits);
        return mapper.writeValueAsBytes(spec);
    }

    /** The OCI edits on a {@code Map}/{@code List} tree (runtime-spec config.md field names). */
    static final class MapSpecEditor {
        @SuppressWarnings("unchecked")
        static void apply(Map<String, Object> spec, ContainerEdits edits) {
            Map<String, Object> process = (Map<String, Object>) spec.computeIfAbsent("process", k -> new LinkedHashMap<>());
            List<Object> env = (List<Object>) process.computeIfAbsent("env", k -> new ArrayList<>());
            env.addAll(edits.env());
            Map<String, Object> linux = (Map<String, Object>) spec.computeIfAbsent("linux", k -> new LinkedHashMap<>());
            List<Object> devices = (List<Object>) linux.computeIfAbsent("devices", k -> new ArrayList<>());
            Map<String, Object> resources = (Map<String, Object>) linux.computeIfAbsent("resources", k -> new LinkedHashMap<>());
            List<Object> allow = (List<Object>) resources.computeIfAbsent("devices", k -> new ArrayList<>());
            for (DeviceNodeEdit node : edits.deviceNodes()) {
                Map<String, Object> device = new LinkedHashMap<>();
                device.put("path", node.path());
                device.put("type", node.type());
                device.put("major", (long) node.major());
                device.put("minor", (long) node.minor());
                device.put("fileMode", 0666L);
                device.put("uid", 0L);
                device.put("gid", 0L);
                devices.add(device);
                Map<String, Object> rule = new LinkedHashMap<>();
                rule.put("allow", Boolean.TRUE);
                rule.put("type", node.type());
                rule.put("major", (long) node.major());
                rule.put("minor", (long) node.minor());
                rule.put("access", "rwm");
                allow.add(rule);
            }
            List<Object> mounts = (List<Object>) spec.computeIfAbsent("mounts", k -> new ArrayList<>());
            for (MountEdit m : edits.mounts()) {
                Map<String, Object> mount = new LinkedHashMap<>();
                mount.put("destination", m.containerPath());
                mount.put("type", "bind");
                mount.put("source", m.hostPath());
                mount.put("options", new ArrayList<Object>(m.options()));
                mounts.add(mount);
            }
        }

        static void write(JsonGenerator g, Object value) throws IOException {
            switch (value) {
                case null -> g.writeNull();
                case Map<?, ?> map -> {
                    g.writeStartObject();
                    for (Map.Entry<?, ?> e : map.entrySet()) {
                        g.writeFieldName((String) e.getKey());
                        write(g, e.getValue());
                    }
                    g.writeEndObject();
                }
                case List<?> list -> {
                    g.writeStartArray();
                    for (Object item : list) {
                        write(g, item);
                    }
                    g.writeEndArray();
                }
                case String s -> g.writeString(s);
                case Long l -> g.writeNumber(l);
                case Double d -> g.writeNumber(d);
                case Boolean b -> g.writeBoolean(b);
                default -> throw new IOException("not a JSON value: " + value.getClass());
            }
        }
    }

    /** The same edits on a databind {@code ObjectNode}. */
    static final class NodeSpecEditor {
        static void apply(ObjectNode spec, ContainerEdits edits) {
            ArrayNode env = objectAt(spec, "process").withArrayProperty("env");
            edits.env().forEach(env::add);
            ObjectNode linux = objectAt(spec, "linux");
            ArrayNode devices = linux.withArrayProperty("devices");
            ArrayNode allow = objectAt(linux, "resources").withArrayProperty("devices");
            for (DeviceNodeEdit node : edits.deviceNodes()) {
                devices.addObject().put("path", node.path()).put("type", node.type())
                        .put("major", node.major()).put("minor", node.minor())
                        .put("fileMode", 0666).put("uid", 0).put("gid", 0);
                allow.addObject().put("allow", true).put("type", node.type())
                        .put("major", node.major()).put("minor", node.minor()).put("access", "rwm");
            }
            ArrayNode mounts = spec.withArrayProperty("mounts");
            for (MountEdit m : edits.mounts()) {
                ObjectNode mount = mounts.addObject().put("destination", m.containerPath()).put("type", "bind")
                        .put("source", m.hostPath());
                ArrayNode options = mount.putArray("options");
                m.options().forEach(options::add);
            }
        }

        private static ObjectNode objectAt(ObjectNode parent, String name) {
            JsonNode child = parent.get(name);
            return child instanceof ObjectNode o ? o : parent.putObject(name);
        }
    }
}
