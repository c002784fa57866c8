package dev.jaccel.core.cdi;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.edits.HookEdit;
import dev.jaccel.core.edits.MountEdit;
import dev.jaccel.core.json.JsonTree;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Writes a {@link CdiSpec} as CDI JSON (cdi-schema/schema.json) with jackson-core streaming. */
public final class CdiSpecJson {
    private CdiSpecJson() {
    }

    public static byte[] toBytes(CdiSpec spec) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try (JsonGenerator g = JsonTree.FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            write(spec, g);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    public static void write(CdiSpec spec, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("cdiVersion", spec.cdiVersion());
        g.writeStringField("kind", spec.kind());
        g.writeArrayFieldStart("devices");
        for (Map.Entry<String, ContainerEdits> d : spec.devices().entrySet()) {
            g.writeStartObject();
            g.writeStringField("name", d.getKey());
            g.writeFieldName("containerEdits");
            writeEdits(d.getValue(), g);
            g.writeEndObject();
        }
        g.writeEndArray();
        if (!spec.common().isEmpty()) {
            g.writeFieldName("containerEdits");
            writeEdits(spec.common(), g);
        }
        g.writeEndObject();
    }

    /** The CDI {@code containerEdits} object; empty lists are left out. */
    public static void writeEdits(ContainerEdits edits, JsonGenerator g) throws IOException {
        g.writeStartObject();
        if (!edits.env().isEmpty()) {
            writeStrings(g, "env", edits.env());
        }
        if (!edits.deviceNodes().isEmpty()) {
            g.writeArrayFieldStart("deviceNodes");
            for (DeviceNodeEdit n : edits.deviceNodes()) {
                g.writeStartObject();
                g.writeStringField("path", n.path());
                if (n.hostPath() != null) {
                    g.writeStringField("hostPath", n.hostPath());
                }
                g.writeStringField("type", n.type());
                g.writeNumberField("major", n.major());
                g.writeNumberField("minor", n.minor());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (!edits.mounts().isEmpty()) {
            g.writeArrayFieldStart("mounts");
            for (MountEdit m : edits.mounts()) {
                g.writeStartObject();
                g.writeStringField("hostPath", m.hostPath());
                g.writeStringField("containerPath", m.containerPath());
                writeStrings(g, "options", m.options());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (!edits.hooks().isEmpty()) {
            g.writeArrayFieldStart("hooks");
            for (HookEdit h : edits.hooks()) {
                g.writeStartObject();
                g.writeStringField("hookName", h.hookName());
                g.writeStringField("path", h.path());
                writeStrings(g, "args", h.args());
                writeStrings(g, "env", h.env());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
