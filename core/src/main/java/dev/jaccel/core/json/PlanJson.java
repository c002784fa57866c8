package dev.jaccel.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.edits.HookEdit;
import dev.jaccel.core.edits.MountEdit;
import dev.jaccel.core.edits.Plan;

import java.io.IOException;
import java.io.Writer;

/**
 * The {@code jaccel plan} document (docs/design.md §2.4): {@code {"selected": [...],
 * "containerEdits": {...}}}, where {@code containerEdits} has CDI's field names and, like CDI's
 * own encoding, leaves out empty lists. Warnings are not part of it (they go to stderr).
 */
public final class PlanJson {
    private PlanJson() {
    }

    public static String toJson(Plan plan, boolean pretty) {
        return JsonTree.writeToString(out -> write(plan, out, pretty));
    }

    public static void write(Plan plan, Writer out, boolean pretty) throws IOException {
        try (JsonGenerator g = JacksonStreams.FACTORY.createGenerator(out)) {
            if (pretty) {
                g.useDefaultPrettyPrinter();
            }
            g.writeStartObject();
            JsonTree.writeStrings(g, "selected", plan.selected());
            g.writeFieldName("containerEdits");
            writeEdits(plan.edits(), g);
            g.writeEndObject();
            g.flush();
        }
    }

    /** A CDI {@code containerEdits} object; reusable for CDI spec generation. */
    public static void writeEdits(ContainerEdits edits, JsonGenerator g) throws IOException {
        g.writeStartObject();
        if (!edits.env().isEmpty()) {
            JsonTree.writeStrings(g, "env", edits.env());
        }
        if (!edits.deviceNodes().isEmpty()) {
            g.writeArrayFieldStart("deviceNodes");
            for (DeviceNodeEdit n : edits.deviceNodes()) {
                g.writeStartObject();
                g.writeStringField("path", n.path());
                if (n.hostPath() != null) { // CDI: a hostPath is a string or absent (cdi-schema/defs.json)
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
                JsonTree.writeStrings(g, "options", m.options());
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
                JsonTree.writeStrings(g, "args", h.args());
                JsonTree.writeStrings(g, "env", h.env());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }
}
