package dev.jaccel.core.oci;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.json.JsonDocument;
import dev.jaccel.core.json.JsonValue;
import dev.jaccel.core.plan.ContainerRequest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OCI runtime spec ({@code <bundle>/config.json}) as an editable {@link JsonDocument}: every
 * field jaccel does not know is kept, and {@link #toBytes()} differs from the bytes read only by
 * the edits made. The parts jaccel reads or edits are type-checked up front, so a malformed spec
 * is refused before anything is changed.
 */
public final class OciSpec {
    private final byte[] original;
    private final JsonDocument document;
    private final JsonValue.Obj root;
    private boolean changed;

    private OciSpec(byte[] original, JsonDocument document, JsonValue.Obj root) {
        this.original = original.clone();
        this.document = document;
        this.root = root;
    }

    /**
     * @param source names the input in messages (usually the file path)
     * @throws JaccelException exit 2 when the bytes are not a spec jaccel can edit safely
     */
    public static OciSpec parse(byte[] json, String source) {
        JsonDocument doc;
        JsonValue.Obj root;
        try {
            doc = JsonDocument.parse(json);
            root = doc.rootObject();
        } catch (IOException e) {
            throw bad(source, "not valid JSON (" + OciState.oneLine(e) + ")");
        }
        OciSpec spec = new OciSpec(json, doc, root);
        spec.validate(source);
        return spec;
    }

    private void validate(String source) {
        if (!(root.get("ociVersion") instanceof JsonValue.Str)) {
            throw bad(source, "\"ociVersion\" is missing or not a string");
        }
        expect(source, root, "process", JsonValue.Obj.class);
        expect(source, root, "root", JsonValue.Obj.class);
        expect(source, root, "mounts", JsonValue.Arr.class);
        expect(source, root, "annotations", JsonValue.Obj.class);
        expect(source, root, "hooks", JsonValue.Obj.class);
        expect(source, root, "linux", JsonValue.Obj.class);
        if (root.get("process") instanceof JsonValue.Obj process) {
            expect(source, process, "env", JsonValue.Arr.class);
            strings(source, process, "env");
        }
        if (root.get("linux") instanceof JsonValue.Obj linux) {
            expect(source, linux, "devices", JsonValue.Arr.class);
            expect(source, linux, "resources", JsonValue.Obj.class);
            if (linux.get("resources") instanceof JsonValue.Obj resources) {
                expect(source, resources, "devices", JsonValue.Arr.class);
            }
        }
        if (root.get("hooks") instanceof JsonValue.Obj hooks) {
            for (String stage : hooks.members().keySet()) {
                expect(source, hooks, stage, JsonValue.Arr.class);
            }
        }
        if (root.get("mounts") instanceof JsonValue.Arr mounts) {
            for (JsonValue m : mounts.items()) {
                if (!(m instanceof JsonValue.Obj)) {
                    throw bad(source, "\"mounts\" holds a non-object entry");
                }
            }
        }
    }

    private static void expect(String source, JsonValue.Obj parent, String key, Class<? extends JsonValue> type) {
        JsonValue v = parent.get(key);
        if (v != null && v != JsonValue.Lit.NULL && !type.isInstance(v)) {
            throw bad(source, "\"" + key + "\" must be " + (type == JsonValue.Arr.class ? "an array" : "an object"));
        }
    }

    private static void strings(String source, JsonValue.Obj parent, String key) {
        if (parent.get(key) instanceof JsonValue.Arr a) {
            for (JsonValue v : a.items()) {
                if (!(v instanceof JsonValue.Str)) {
                    throw bad(source, "\"" + key + "\" must hold strings only");
                }
            }
        }
    }

    static JaccelException bad(String source, String what) {
        return JaccelException.badInput(source + ": " + what + "; fix the OCI runtime spec (it was left unchanged)");
    }

    /** The root of the spec tree, for {@link SpecEditor}. */
    JsonValue.Obj tree() {
        return root;
    }

    void markChanged() {
        changed = true;
    }

    /** Whether an edit changed the tree; an unchanged spec is never rewritten. */
    public boolean changed() {
        return changed;
    }

    /** The spec as bytes: the bytes read when nothing changed, else the tree in the source's layout. */
    public byte[] toBytes() {
        return changed ? document.toBytes() : original.clone();
    }

    /** {@code process.env} as {@code KEY -> VALUE}; a later duplicate wins, as in a shell. */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        if (root.get("process") instanceof JsonValue.Obj p && p.get("env") instanceof JsonValue.Arr a) {
            for (JsonValue v : a.items()) {
                String kv = ((JsonValue.Str) v).value();
                int eq = kv.indexOf('=');
                if (eq > 0) { // an entry without '=' is skipped, as ContainerRequest.fromSpec does
                    env.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        }
        return env;
    }

    public Map<String, String> annotations() {
        Map<String, String> out = new LinkedHashMap<>();
        if (root.get("annotations") instanceof JsonValue.Obj a) {
            a.members().forEach((k, v) -> {
                if (v instanceof JsonValue.Str s) {
                    out.put(k, s.value());
                }
            });
        }
        return out;
    }

    /** Destinations of the mounts whose source is {@code /dev/null} (NVIDIA's volume-mount selector). */
    public List<String> devNullMountDestinations() {
        List<String> out = new ArrayList<>();
        if (root.get("mounts") instanceof JsonValue.Arr mounts) {
            for (JsonValue v : mounts.items()) {
                JsonValue.Obj m = (JsonValue.Obj) v;
                if ("/dev/null".equals(m.string("source")) && m.string("destination") != null) {
                    out.add(m.string("destination"));
                }
            }
        }
        return out;
    }

    /**
     * {@code CAP_SYS_ADMIN} in {@code process.capabilities.bounding}, or in a flat capabilities
     * list (pre-rc5 specs): NVIDIA's definition of privileged (docs/nvidia-container-semantics.md §1.1).
     */
    public boolean privileged() {
        if (!(root.get("process") instanceof JsonValue.Obj p)) {
            return false;
        }
        JsonValue caps = p.get("capabilities");
        JsonValue bounding = caps instanceof JsonValue.Obj o ? o.get("bounding") : caps;
        if (bounding instanceof JsonValue.Arr a) {
            return a.items().contains(JsonValue.Str.of("CAP_SYS_ADMIN"));
        }
        return false;
    }

    /** What the container asks for, for the planner. */
    public ContainerRequest request() {
        return new ContainerRequest(env(), annotations(), devNullMountDestinations(), privileged());
    }

    /** {@code root.path} resolved against the bundle (a relative path is relative to the bundle). */
    public Path rootfs(Path bundle) {
        String path = root.get("root") instanceof JsonValue.Obj r ? r.string("path") : null;
        if (path == null || path.isEmpty()) {
            throw bad(bundle.resolve("config.json").toString(), "\"root.path\" is missing");
        }
        return bundle.resolve(path).normalize();
    }
}
