package dev.jaccel.core.plan;

import java.util.List;
import java.util.Map;

/**
 * What a container asks for, read from its OCI spec by {@link dev.jaccel.core.oci.OciSpec#request()} (or
 * given by {@code jaccel plan --env}): the
 * selectors live in {@code env} ({@code NVIDIA_VISIBLE_DEVICES}, ...), in {@code annotations}
 * (CDI {@code cdi.k8s.io/...}) and in {@code /dev/null} mounts under
 * {@code /var/run/nvidia-container-devices/}.
 *
 * @param env               the process environment of the container, {@code KEY -> VALUE}
 * @param annotations       spec annotations
 * @param mountDestinations destinations of the spec's mounts whose source is {@code /dev/null}
 * @param privileged        {@code CAP_SYS_ADMIN} in the bounding set (NVIDIA's definition)
 * @param libraryDirectory  the image's folder for driver libraries (one its dynamic loader searches by
 *                          default, see {@code ImageLibraryDirectory}), or null when the image is not
 *                          known (CDI specs, {@code jaccel plan}): the host's own folders are used
 */
public record ContainerRequest(Map<String, String> env, Map<String, String> annotations,
                               List<String> mountDestinations, boolean privileged, String libraryDirectory) {
    public ContainerRequest {
        env = Map.copyOf(env);
        annotations = Map.copyOf(annotations);
        mountDestinations = List.copyOf(mountDestinations);
    }

    /** A request whose image is not known. */
    public ContainerRequest(Map<String, String> env, Map<String, String> annotations, List<String> mountDestinations,
                            boolean privileged) {
        this(env, annotations, mountDestinations, privileged, null);
    }

    /** The same request for an image whose driver-library folder is {@code directory}. */
    public ContainerRequest withLibraryDirectory(String directory) {
        return new ContainerRequest(env, annotations, mountDestinations, privileged, directory);
    }

    public static ContainerRequest ofEnv(Map<String, String> env) {
        return new ContainerRequest(env, Map.of(), List.of(), false);
    }
}
