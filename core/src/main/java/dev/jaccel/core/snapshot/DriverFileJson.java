package dev.jaccel.core.snapshot;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jaccel.core.caps.DriverFileIndex;
import dev.jaccel.core.json.JsonTree;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The snapshot's {@code driverFiles} object: {@code {hostRoot, driverVersion, files: [{kind, path,
 * hostPath, soname}], notes: []}}.
 */
final class DriverFileJson {
    private DriverFileJson() {
    }

    static void write(DriverFileIndex index, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("hostRoot", index.hostRoot());
        g.writeStringField("driverVersion", index.driverVersion());
        g.writeArrayFieldStart("files");
        for (DriverFileIndex.DriverFile f : index.files()) {
            g.writeStartObject();
            g.writeStringField("kind", f.kind().jsonName());
            g.writeStringField("path", f.path());
            g.writeStringField("hostPath", f.hostPath());
            if (f.soname() != null) {
                g.writeStringField("soname", f.soname());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        JsonTree.writeStrings(g, "notes", index.notes());
        g.writeEndObject();
    }

    static DriverFileIndex fromTree(Object tree) throws IOException {
        if (!(tree instanceof Map<?, ?> o) || !(o.get("hostRoot") instanceof String root)
                || !(o.get("files") instanceof List<?> files)) {
            throw new IOException("driverFiles: expected {hostRoot, driverVersion, files, notes}");
        }
        List<DriverFileIndex.DriverFile> out = new ArrayList<>(files.size());
        for (Object f : files) {
            if (!(f instanceof Map<?, ?> file) || !(file.get("kind") instanceof String kind)
                    || !(file.get("path") instanceof String path) || !(file.get("hostPath") instanceof String hostPath)) {
                throw new IOException("driverFiles: a file needs kind, path and hostPath");
            }
            Object soname = file.get("soname");
            if (soname != null && !(soname instanceof String)) {
                throw new IOException("driverFiles: soname must be a string");
            }
            try {
                out.add(new DriverFileIndex.DriverFile(DriverFileIndex.Kind.ofJsonName(kind), path, hostPath,
                        (String) soname));
            } catch (IllegalArgumentException e) {
                throw new IOException("driverFiles: " + e.getMessage());
            }
        }
        List<String> notes = new ArrayList<>();
        if (o.get("notes") instanceof List<?> list) {
            for (Object n : list) {
                notes.add(String.valueOf(n));
            }
        }
        Object version = o.get("driverVersion");
        return new DriverFileIndex(root, version instanceof String v ? v : null, out, notes);
    }
}
