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

    /**
     * Checks the type of every part jaccel reads or edits (runtime-spec config.md), naming the field
     * of the first that is wrong. Stricter than skipping: a spec that runc would refuse, or that two
     * readers could read differently, is refused before anything is changed.
     */
    private void validate(String source) {
        if (!(root.get("ociVersion") instanceof JsonValue.Str)) {
            throw bad(source, "'ociVersion' is missing or not a string");
        }
        JsonValue.Obj process = object(source, root, "process", "process");
        if (process != null) {
            JsonValue.Arr env = array(source, process, "env", "process.env");
            if (env != null) {
                for (JsonValue v : env.items()) {
                    if (!(v instanceof JsonValue.Str s)) {
                        throw bad(source, "'process.env' must be an array of strings");
                    }
                    if (s.value().indexOf('=') <= 0) {
                        throw bad(source, "'process.env' entry '" + s.value() + "' is not KEY=VALUE (runc refuses it)");
                    }
                }
            }
            JsonValue caps = process.get("capabilities");
            if (caps instanceof JsonValue.Arr flat) {   // before runtime-spec 1.0.0-rc5: one flat list
                strings(source, flat, "process.capabilities");
            } else if (caps instanceof JsonValue.Obj o) {
                JsonValue.Arr bounding = array(source, o, "bounding", "process.capabilities.bounding");
                if (bounding != null) {
                    strings(source, bounding, "process.capabilities.bounding");
                }
            } else if (caps != null && caps != JsonValue.Lit.NULL) {
                throw bad(source, "'process.capabilities' must be an object");
            }
        }
        JsonValue.Obj rootObj = object(source, root, "root", "root");
        if (rootObj != null && rootObj.get("path") != null && !(rootObj.get("path") instanceof JsonValue.Str)) {
            throw bad(source, "'root.path' must be a string");
        }
        JsonValue.Arr mounts = array(source, root, "mounts", "mounts");
        if (mounts != null) {
            for (JsonValue m : mounts.items()) {
                if (!(m instanceof JsonValue.Obj mount)) {
                    throw bad(source, "'mounts[]' must be an object");
                }
                if (!(mount.get("destination") instanceof JsonValue.Str)) {
                    throw bad(source, "'mounts[].destination' must be a string");
                }
                JsonValue src = mount.get("source");
                if (src != null && src != JsonValue.Lit.NULL && !(src instanceof JsonValue.Str)) {
                    throw bad(source, "'mounts[].source' must be a string");
                }
            }
        }
        JsonValue.Obj annotations = object(source, root, "annotations", "annotations");
        if (annotations != null) {
            for (var e : annotations.members().entrySet()) {
                if (!(e.getValue() instanceof JsonValue.Str)) {
                    throw bad(source, "'annotations." + e.getKey() + "' must be a string");
                }
            }
        }
        JsonValue.Obj hooks = object(source, root, "hooks", "hooks");
        if (hooks != null) {
            for (String stage : hooks.members().keySet()) {
                array(source, hooks, stage, "hooks." + stage);
            }
        }
        JsonValue.Obj linux = object(source, root, "linux", "linux");
        if (linux != null) {
            array(source, linux, "devices", "linux.devices");
            JsonValue.Obj resources = object(source, linux, "resources", "linux.resources");
            if (resources != null) {
                array(source, resources, "devices", "linux.resources.devices");
            }
        }
    }

    /** The object under {@code key}; null when absent or JSON null; refused when something else. */
    private static JsonValue.Obj object(String source, JsonValue.Obj parent, String key, String field) {
        return member(source, parent, key, field, JsonValue.Obj.class, "an object");
    }

    /** The array under {@code key}; null when absent or JSON null; refused when something else. */
    private static JsonValue.Arr array(String source, JsonValue.Obj parent, String key, String field) {
        return member(source, parent, key, field, JsonValue.Arr.class, "an array");
    }

    private static <T extends JsonValue> T member(String source, JsonValue.Obj parent, String key, String field,
                                                  Class<T> type, String what) {
        JsonValue v = parent.get(key);
        if (v == null || v == JsonValue.Lit.NULL) {
            return null;
        }
        if (type.isInstance(v)) {
            return type.cast(v);
        }
        throw bad(source, "'" + field + "' must be " + what);
    }

    private static void strings(String source, JsonValue.Arr array, String field) {
        for (JsonValue v : array.items()) {
            if (!(v instanceof JsonValue.Str)) {
                throw bad(source, "'" + field + "' must be an array of strings");
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
                int eq = kv.indexOf('=');   // validate() refused entries without one
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
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
            for (JsonValue v : a.items()) {
                if (v instanceof JsonValue.Str s && s.value().equals("CAP_SYS_ADMIN")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** What the container asks for, for the planner. */
    public ContainerRequest request() {
        return new ContainerRequest(env(), annotations(), devNullMountDestinations(), privileged());
    }

    /** {@code linux.cgroupsPath}, or null when the spec leaves it to the runtime. */
    public String cgroupsPath() {
        if (root.get("linux") instanceof JsonValue.Obj linux && linux.get("cgroupsPath") instanceof JsonValue.Str s
                && !s.value().isEmpty()) {
            return s.value();
        }
        return null;
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
