package dev.jaccel.core.select;

import dev.jaccel.core.plan.ContainerRequest;
import dev.jaccel.core.plan.PlanConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Where a container's NVIDIA device list comes from, in NVIDIA's order of precedence
 * (nvidia-container-toolkit {@code internal/config/image/cuda_image.go} VisibleDevices;
 * docs/nvidia-container-semantics.md §1.1, vectors §1.2): CDI annotations with the configured prefixes,
 * then {@code /dev/null} mounts under {@code /var/run/nvidia-container-devices/} (when accepted),
 * then the swarm-resource variables or {@code NVIDIA_VISIBLE_DEVICES} (only from a privileged
 * container unless accepted from unprivileged ones). A legacy CUDA image without the variable means {@code all}.
 */
public final class NvidiaRequestSources {
    public static final String DEVICE_MOUNT_ROOT = "/var/run/nvidia-container-devices";

    private NvidiaRequestSources() {
    }

    /** A legacy image: {@code CUDA_VERSION} set, {@code NVIDIA_REQUIRE_CUDA} unset or empty. */
    public static boolean isLegacyImage(Map<String, String> env) {
        String cuda = env.get("CUDA_VERSION");
        String require = env.get("NVIDIA_REQUIRE_CUDA");
        return cuda != null && !cuda.isEmpty() && (require == null || require.isEmpty());
    }

    /** The CDI device names in annotations whose key has one of the prefixes: keys sorted, values comma-split. */
    public static List<String> annotationDevices(Map<String, String> annotations, List<String> prefixes) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(annotations).entrySet()) {
            if (prefixes.stream().anyMatch(e.getKey()::startsWith)) {
                out.addAll(NvidiaVisibleDevices.split(e.getValue()));
            }
        }
        return out;
    }

    /**
     * The ids named by {@code /dev/null} mounts under the device root: the rest of the path;
     * {@code cdi/<vendor>/<class>/<dev>} and {@code cdi/<vendor>/<class>=<dev>} become CDI names;
     * {@code imex/<n>} (IMEX channels) and the root itself are left out.
     */
    public static List<String> mountDevices(List<String> devNullDestinations) {
        List<String> out = new ArrayList<>();
        for (String dest : devNullDestinations) {
            String d = dest.replaceAll("/+", "/");
            if (!d.startsWith(DEVICE_MOUNT_ROOT + "/")) {
                continue;
            }
            String id = d.substring(DEVICE_MOUNT_ROOT.length() + 1);
            while (id.endsWith("/")) {
                id = id.substring(0, id.length() - 1);
            }
            if (id.isEmpty() || id.startsWith("imex/")) {
                continue;
            }
            if (id.startsWith("cdi/")) {
                String[] parts = id.substring(4).split("/", 3);
                if (parts.length == 3) {
                    id = parts[0] + "/" + parts[1] + "=" + parts[2];
                } else if (parts.length == 2 && parts[1].contains("=")) {
                    id = parts[0] + "/" + parts[1];
                }
            }
            out.add(id);
        }
        return out;
    }

    /**
     * The list that decides, or {@code null} when the container asks for no NVIDIA device.
     *
     * @param warnings receives the reason when an unprivileged container's variable is ignored
     */
    public static VisibleDeviceList visibleDevices(ContainerRequest request, PlanConfig config,
                                                   Consumer<String> warnings) {
        List<String> annotated = CdiNames.nvidia(annotationDevices(request.annotations(),
                config.cdiAnnotationPrefixes()));
        if (!annotated.isEmpty()) {
            return new VisibleDeviceList("annotations", annotated);
        }
        if (config.acceptVolumeMounts()) {
            List<String> mounted = CdiNames.nvidia(mountDevices(request.mountDestinations()));
            if (!mounted.isEmpty()) {
                return new VisibleDeviceList("volume mounts under " + DEVICE_MOUNT_ROOT, mounted);
            }
        }
        VisibleDeviceList fromEnv = fromEnv(request.env(), config.swarmResource());
        if (fromEnv == null) {
            return null;
        }
        if (!request.privileged() && !config.acceptEnvvarWhenUnprivileged()) {
            warnings.accept("ignoring " + fromEnv.origin() + " from an unprivileged container "
                    + "(accept-nvidia-visible-devices-envvar-when-unprivileged is false)");
            return null;
        }
        return fromEnv;
    }

    private static VisibleDeviceList fromEnv(Map<String, String> env, List<String> swarmResource) {
        List<String> swarm = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String name : swarmResource) {
            String v = env.get(name);
            if (v != null) {
                swarm.addAll(NvidiaVisibleDevices.split(v));
                names.add(name);
            }
        }
        if (!names.isEmpty()) {
            return new VisibleDeviceList(String.join(",", names), swarm);
        }
        String value = env.get(NvidiaVisibleDevices.VARIABLE);
        if (value == null) {
            return isLegacyImage(env) ? new VisibleDeviceList("CUDA_VERSION (legacy image)", List.of("all")) : null;
        }
        // NVIDIA's runtime also takes fully qualified CDI names here; other vendors' names stay as
        // they are and are refused by the resolver
        List<String> entries = new ArrayList<>();
        for (String e : NvidiaVisibleDevices.split(value)) {
            entries.add(CdiNames.isQualified(e) && !CdiNames.nvidia(List.of(e)).isEmpty()
                    ? CdiNames.nvidia(List.of(e)).getFirst() : e);
        }
        return new VisibleDeviceList(NvidiaVisibleDevices.VARIABLE, entries);
    }
}
