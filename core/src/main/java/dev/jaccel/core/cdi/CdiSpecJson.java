package dev.jaccel.core.cdi;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.json.JacksonStreams;
import dev.jaccel.core.json.JsonTree;
import dev.jaccel.core.json.PlanJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes a {@link CdiSpec} as CDI JSON (cdi-schema/schema.json) with jackson-core streaming; the
 * {@code containerEdits} objects are {@code jaccel plan}'s ({@link PlanJson#writeEdits}).
 */
public final class CdiSpecJson {
    private CdiSpecJson() {
    }

    public static byte[] toBytes(CdiSpec spec) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try (JsonGenerator g = JacksonStreams.FACTORY.createGenerator(out)) {
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
            PlanJson.writeEdits(d.getValue(), g);
            g.writeEndObject();
        }
        g.writeEndArray();
        if (!spec.common().isEmpty()) {
            g.writeFieldName("containerEdits");
            PlanJson.writeEdits(spec.common(), g);
        }
        g.writeEndObject();
    }
}
