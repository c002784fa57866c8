package dev.jaccel.core.oci;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.json.JsonTree;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OCI container state a runtime passes to a hook on stdin (runtime-spec runtime.md "State"):
 * {@code ociVersion, id, status, pid, bundle, annotations}. Pre-17.06 Docker wrote {@code bundlePath}
 * (accepted, as NVIDIA's hook does: docs/nvidia-container-semantics.md §3 step 1); unknown properties
 * are ignored.
 *
 * @param pid the container process as the runtime sees it, 0 when the state has none
 */
public record OciState(String id, String status, int pid, Path bundle, Map<String, String> annotations) {

    public static OciState parse(byte[] json) {
        Object tree;
        try {
            tree = JsonTree.read(json);
        } catch (IOException e) {
            throw bad("not JSON (" + oneLine(e) + ")");
        }
        if (!(tree instanceof Map<?, ?> m)) {
            throw bad("expected a JSON object");
        }
        String id = m.get("id") instanceof String s ? s : null;
        if (id == null || id.isEmpty()) {
            throw bad("\"id\" is missing or not a string");
        }
        Object bundleValue = m.containsKey("bundle") ? m.get("bundle") : m.get("bundlePath");
        if (!(bundleValue instanceof String bundle) || !bundle.startsWith("/")) {
            throw bad("\"bundle\" must be an absolute path, got " + bundleValue);
        }
        int pid = 0;
        Object pidValue = m.get("pid");
        if (pidValue instanceof Long l && l > 0 && l <= Integer.MAX_VALUE) {
            pid = l.intValue();
        } else if (pidValue != null && !(pidValue instanceof Long l2 && l2 == 0)) {
            throw bad("\"pid\" must be a positive integer, got " + pidValue);
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        if (m.get("annotations") instanceof Map<?, ?> a) {
            a.forEach((k, v) -> {
                if (v instanceof String s) {
                    annotations.put((String) k, s);
                }
            });
        }
        String status = m.get("status") instanceof String s ? s : "";
        return new OciState(id, status, pid, Path.of(bundle), Map.copyOf(annotations));
    }

    private static JaccelException bad(String what) {
        return JaccelException.badInput("OCI state on stdin: " + what
                + "; a hook must be run by an OCI runtime, which writes the container state to its stdin");
    }

    static String oneLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
