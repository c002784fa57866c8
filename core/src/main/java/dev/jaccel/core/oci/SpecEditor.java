package dev.jaccel.core.oci;

import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.edits.HookEdit;
import dev.jaccel.core.edits.MountEdit;
import dev.jaccel.core.json.JsonValue;

import java.util.List;

/**
 * Applies {@link ContainerEdits} to an OCI spec the way the runc shim needs them (docs/design.md
 * §3.1): the runtime itself then creates the nodes, sets the cgroup device rules
 * and does the mounts, so nothing runs inside the container.
 *
 * <ul>
 *   <li>device nodes → {@code linux.devices} (same path replaced) and a
 *       {@code linux.resources.devices} allow rule {@code c MAJ:MIN rwm} after any deny-all;</li>
 *   <li>mounts → {@code mounts} bind entries (same destination replaced);</li>
 *   <li>env → {@code process.env} (same key replaced);</li>
 *   <li>hooks → {@code hooks.<stage>}, always with an explicit, non-empty {@code env}: runc runs a
 *       hook whose env is empty with the runtime's environment (Go's {@code exec.Cmd} with a nil
 *       Env), and NVIDIAScape (CVE-2025-23266) was exactly a hook inheriting an environment.</li>
 * </ul>
 * Applying the same edits twice gives the same spec as applying them once.
 */
public final class SpecEditor {
    /** File mode jaccel gives the nodes it adds: what the NVIDIA and Neuron drivers' udev rules set. */
    public static final int DEVICE_FILE_MODE = 0666;
    /** The env a hook gets when its edit carries none (never inherit, never empty). */
    public static final String HOOK_DEFAULT_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private SpecEditor() {
    }

    public static void apply(OciSpec spec, ContainerEdits edits) {
        if (edits.isEmpty()) {
            return;
        }
        JsonValue.Obj root = spec.tree();
        boolean changed = false;
        for (String kv : edits.env()) {
            changed |= setEnv(root.object("process").array("env"), kv);
        }
        for (DeviceNodeEdit node : edits.deviceNodes()) {
            JsonValue.Obj linux = root.object("linux");
            changed |= addDevice(linux.array("devices"), node);
            changed |= allowDevice(linux.object("resources").array("devices"), node);
        }
        for (MountEdit mount : edits.mounts()) {
            changed |= addMount(root.array("mounts"), mount);
        }
        for (HookEdit hook : edits.hooks()) {
            changed |= addHook(root.object("hooks").array(hook.hookName()), hook);
        }
        if (changed) {
            spec.markChanged();
        }
    }

    private static boolean setEnv(JsonValue.Arr env, String kv) {
        int eq = kv.indexOf('=');
        String prefix = (eq < 0 ? kv : kv.substring(0, eq)) + "=";
        List<JsonValue> items = env.items();
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof JsonValue.Str s && (s.value().startsWith(prefix) || s.value().equals(kv))) {
                if (s.value().equals(kv)) {
                    return false;
                }
                items.set(i, JsonValue.Str.of(kv));
                return true;
            }
        }
        env.add(kv);
        return true;
    }

    private static boolean addDevice(JsonValue.Arr devices, DeviceNodeEdit node) {
        JsonValue.Obj entry = new JsonValue.Obj()
                .put("path", node.path())
                .put("type", node.type())
                .put("major", node.major())
                .put("minor", node.minor())
                .put("fileMode", DEVICE_FILE_MODE)
                .put("uid", 0)
                .put("gid", 0);
        List<JsonValue> items = devices.items();
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof JsonValue.Obj o && node.path().equals(o.string("path"))) {
                if (sameDevice(o, node)) {
                    return false;
                }
                items.set(i, entry);
                return true;
            }
        }
        devices.add(entry);
        return true;
    }

    private static boolean sameDevice(JsonValue.Obj o, DeviceNodeEdit node) {
        return node.type().equals(o.string("type"))
                && o.get("major") instanceof JsonValue.Num ma && ma.asLong().orElse(-1) == node.major()
                && o.get("minor") instanceof JsonValue.Num mi && mi.asLong().orElse(-1) == node.minor();
    }

    private static boolean allowDevice(JsonValue.Arr rules, DeviceNodeEdit node) {
        for (JsonValue v : rules.items()) {
            if (v instanceof JsonValue.Obj o && o.get("allow") == JsonValue.Lit.TRUE && sameDevice(o, node)
                    && "rwm".equals(o.string("access"))) {
                return false;
            }
        }
        rules.add(new JsonValue.Obj()
                .put("allow", true)
                .put("type", node.type())
                .put("major", node.major())
                .put("minor", node.minor())
                .put("access", "rwm"));
        return true;
    }

    private static boolean addMount(JsonValue.Arr mounts, MountEdit mount) {
        JsonValue.Arr options = new JsonValue.Arr();
        mount.options().forEach(options::add);
        JsonValue.Obj entry = new JsonValue.Obj()
                .put("destination", mount.containerPath())
                .put("type", "bind")
                .put("source", mount.hostPath())
                .put("options", options);
        List<JsonValue> items = mounts.items();
        for (int i = 0; i < items.size(); i++) {
            JsonValue.Obj o = (JsonValue.Obj) items.get(i);
            if (mount.containerPath().equals(o.string("destination"))) {
                if (mount.hostPath().equals(o.string("source")) && options.items().equals(optionsOf(o))) {
                    return false;
                }
                items.set(i, entry);
                return true;
            }
        }
        mounts.add(entry);
        return true;
    }

    private static List<JsonValue> optionsOf(JsonValue.Obj mount) {
        return mount.get("options") instanceof JsonValue.Arr a ? a.items() : List.of();
    }

    private static boolean addHook(JsonValue.Arr stage, HookEdit hook) {
        JsonValue.Arr args = new JsonValue.Arr();
        hook.args().forEach(args::add);
        JsonValue.Arr env = new JsonValue.Arr();
        (hook.env().isEmpty() ? List.of(HOOK_DEFAULT_ENV) : hook.env()).forEach(env::add);
        for (JsonValue v : stage.items()) {
            if (v instanceof JsonValue.Obj o && hook.path().equals(o.string("path"))
                    && o.get("args") instanceof JsonValue.Arr a && a.items().equals(args.items())) {
                return false;
            }
        }
        stage.add(new JsonValue.Obj().put("path", hook.path()).put("args", args).put("env", env));
        return true;
    }
}
