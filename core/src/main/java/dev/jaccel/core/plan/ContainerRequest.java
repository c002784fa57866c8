package dev.jaccel.core.plan;

import dev.jaccel.core.JaccelException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a container asks for, taken from its OCI spec (or from {@code jaccel plan --env}): the
 * selectors live in {@code env} ({@code NVIDIA_VISIBLE_DEVICES}, ...), in {@code annotations}
 * (CDI {@code cdi.k8s.io/...}) and in {@code /dev/null} mounts under
 * {@code /var/run/nvidia-container-devices/}.
 *
 * @param env               the process environment of the container, {@code KEY -> VALUE}
 * @param annotations       spec annotations
 * @param mountDestinations destinations of the spec's mounts whose source is {@code /dev/null}
 * @param privileged        {@code CAP_SYS_ADMIN} in the bounding set (NVIDIA's definition)
 */
public record ContainerRequest(Map<String, String> env, Map<String, String> annotations,
                               List<String> mountDestinations, boolean privileged) {
    public ContainerRequest {
        env = Map.copyOf(env);
        annotations = Map.copyOf(annotations);
        mountDestinations = List.copyOf(mountDestinations);
    }

    public static ContainerRequest ofEnv(Map<String, String> env) {
        return new ContainerRequest(env, Map.of(), List.of(), false);
    }

    /**
     * Reads a request from an OCI runtime spec tree ({@code config.json} read with
     * {@link dev.jaccel.core.json.JsonTree}): env from {@code process.env} (an entry without
     * {@code =} is skipped, the last of duplicate keys wins), {@code annotations}, the
     * destinations of {@code mounts} whose source is {@code /dev/null}, and {@code CAP_SYS_ADMIN}
     * in {@code process.capabilities.bounding} (or in the flat pre-1.0.0-rc5 capability array, as
     * NVIDIA's hook also accepts). Absent sections are empty.
     *
     * @throws JaccelException exit 2 naming the field when a section has the wrong shape
     */
    public static ContainerRequest fromSpec(Map<String, Object> spec) {
        Map<String, Object> process = object(spec.get("process"), "process");
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : strings(process.get("env"), "process.env")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : object(spec.get("annotations"), "annotations").entrySet()) {
            if (!(e.getValue() instanceof String v)) {
                throw specError("annotations." + e.getKey(), "a string");
            }
            annotations.put(e.getKey(), v);
        }
        List<String> devNull = new ArrayList<>();
        for (Object m : list(spec.get("mounts"), "mounts")) {
            Map<String, Object> mount = object(m, "mounts[]");
            Object source = mount.get("source");
            Object destination = mount.get("destination");
            if (!(destination instanceof String d)) {
                throw specError("mounts[].destination", "a string");
            }
            if (source != null && !(source instanceof String)) {
                throw specError("mounts[].source", "a string");
            }
            if ("/dev/null".equals(source)) {
                devNull.add(d);
            }
        }
        Object caps = process.get("capabilities");
        List<String> bounding = caps instanceof List<?> ? strings(caps, "process.capabilities")
                : strings(object(caps, "process.capabilities").get("bounding"), "process.capabilities.bounding");
        return new ContainerRequest(env, annotations, devNull, bounding.contains("CAP_SYS_ADMIN"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value, String field) {
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw specError(field, "an object");
    }

    private static List<?> list(Object value, String field) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> l) {
            return l;
        }
        throw specError(field, "an array");
    }

    private static List<String> strings(Object value, String field) {
        List<String> out = new ArrayList<>();
        for (Object item : list(value, field)) {
            if (!(item instanceof String s)) {
                throw specError(field, "an array of strings");
            }
            out.add(s);
        }
        return out;
    }

    private static JaccelException specError(String field, String expected) {
        return JaccelException.badInput("OCI spec: '" + field + "' must be " + expected
                + " (see the OCI runtime spec, config.md)");
    }
}
