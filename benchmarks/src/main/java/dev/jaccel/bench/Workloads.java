package dev.jaccel.bench;

import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.json.JsonTree;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.plan.ContainerRequest;
import dev.jaccel.core.plan.DefaultPlanner;
import dev.jaccel.core.spi.HostContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Realistic inputs shared by the suites: a CUDA image's spec and env, and the edits jaccel plans for it. */
public final class Workloads {
    /**
     * {@code NVIDIA_REQUIRE_CUDA} of the {@code nvidia/cuda:12.4.1} images, verbatim from
     * gitlab.com/nvidia/container-images/cuda, {@code dist/12.4.1/ubuntu2204/base/Dockerfile}.
     */
    public static final String REQUIRE_CUDA_12_4 = "cuda>=12.4 brand=tesla,driver>=470,driver<471 brand=unknown,driver>=470,driver<471 brand=nvidia,driver>=470,driver<471 brand=nvidiartx,driver>=470,driver<471 brand=geforce,driver>=470,driver<471 brand=geforcertx,driver>=470,driver<471 brand=quadro,driver>=470,driver<471 brand=quadrortx,driver>=470,driver<471 brand=titan,driver>=470,driver<471 brand=titanrtx,driver>=470,driver<471 brand=tesla,driver>=525,driver<526 brand=unknown,driver>=525,driver<526 brand=nvidia,driver>=525,driver<526 brand=nvidiartx,driver>=525,driver<526 brand=geforce,driver>=525,driver<526 brand=geforcertx,driver>=525,driver<526 brand=quadro,driver>=525,driver<526 brand=quadrortx,driver>=525,driver<526 brand=titan,driver>=525,driver<526 brand=titanrtx,driver>=525,driver<526 brand=tesla,driver>=535,driver<536 brand=unknown,driver>=535,driver<536 brand=nvidia,driver>=535,driver<536 brand=nvidiartx,driver>=535,driver<536 brand=geforce,driver>=535,driver<536 brand=geforcertx,driver>=535,driver<536 brand=quadro,driver>=535,driver<536 brand=quadrortx,driver>=535,driver<536 brand=titan,driver>=535,driver<536 brand=titanrtx,driver>=535,driver<536";

    /**
     * {@code NVIDIA_REQUIRE_CUDA} of the {@code nvidia/cuda:12.9.1} images, as the environment of a
     * vLLM image built on them prints it ({@code CUDA_VERSION=12.9.1}): the cuda term and 60 brand/driver
     * alternatives (12 brands x 5 driver branches).
     */
    public static final String REQUIRE_CUDA_12_9 = "cuda>=12.9 brand=unknown,driver>=535,driver<536 brand=grid,driver>=535,driver<536 brand=tesla,driver>=535,driver<536 brand=nvidia,driver>=535,driver<536 brand=quadro,driver>=535,driver<536 brand=quadrortx,driver>=535,driver<536 brand=nvidiartx,driver>=535,driver<536 brand=vapps,driver>=535,driver<536 brand=vpc,driver>=535,driver<536 brand=vcs,driver>=535,driver<536 brand=vws,driver>=535,driver<536 brand=cloudgaming,driver>=535,driver<536 brand=unknown,driver>=550,driver<551 brand=grid,driver>=550,driver<551 brand=tesla,driver>=550,driver<551 brand=nvidia,driver>=550,driver<551 brand=quadro,driver>=550,driver<551 brand=quadrortx,driver>=550,driver<551 brand=nvidiartx,driver>=550,driver<551 brand=vapps,driver>=550,driver<551 brand=vpc,driver>=550,driver<551 brand=vcs,driver>=550,driver<551 brand=vws,driver>=550,driver<551 brand=cloudgaming,driver>=550,driver<551 brand=unknown,driver>=560,driver<561 brand=grid,driver>=560,driver<561 brand=tesla,driver>=560,driver<561 brand=nvidia,driver>=560,driver<561 brand=quadro,driver>=560,driver<561 brand=quadrortx,driver>=560,driver<561 brand=nvidiartx,driver>=560,driver<561 brand=vapps,driver>=560,driver<561 brand=vpc,driver>=560,driver<561 brand=vcs,driver>=560,driver<561 brand=vws,driver>=560,driver<561 brand=cloudgaming,driver>=560,driver<561 brand=unknown,driver>=565,driver<566 brand=grid,driver>=565,driver<566 brand=tesla,driver>=565,driver<566 brand=nvidia,driver>=565,driver<566 brand=quadro,driver>=565,driver<566 brand=quadrortx,driver>=565,driver<566 brand=nvidiartx,driver>=565,driver<566 brand=vapps,driver>=565,driver<566 brand=vpc,driver>=565,driver<566 brand=vcs,driver>=565,driver<566 brand=vws,driver>=565,driver<566 brand=cloudgaming,driver>=565,driver<566 brand=unknown,driver>=570,driver<571 brand=grid,driver>=570,driver<571 brand=tesla,driver>=570,driver<571 brand=nvidia,driver>=570,driver<571 brand=quadro,driver>=570,driver<571 brand=quadrortx,driver>=570,driver<571 brand=nvidiartx,driver>=570,driver<571 brand=vapps,driver>=570,driver<571 brand=vpc,driver>=570,driver<571 brand=vcs,driver>=570,driver<571 brand=vws,driver>=570,driver<571 brand=cloudgaming,driver>=570,driver<571";

    /**
     * A container spec as podman 4.3.1 writes it (`podman create --rootfs ... && podman init`, with
     * its default seccomp profile: 12 KB, compact), whose process env is that of an
     * {@code nvidia/cuda:12.4.1} runtime image.
     */
    public static byte[] podmanCudaConfig() {
        try (InputStream in = Workloads.class.getResourceAsStream("podman-cuda-config.json")) {
            if (in == null) {
                throw new IllegalStateException("resource podman-cuda-config.json is missing from the benchmarks jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The process env of the spec above ({@code KEY=VALUE} split at the first {@code =}), in order. */
    @SuppressWarnings("unchecked")
    public static Map<String, String> cudaImageEnv() {
        try {
            Map<String, Object> spec = (Map<String, Object>) JsonTree.read(podmanCudaConfig());
            Map<String, String> env = new LinkedHashMap<>();
            for (Object entry : (List<Object>) ((Map<String, Object>) spec.get("process")).get("env")) {
                String kv = (String) entry;
                int eq = kv.indexOf('=');
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            return env;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The edits jaccel plans for that image (all GPUs, compute,utility) on this inventory: device
     * nodes, driver-file mounts and env. Hooks are left out so the JSON comparators apply the same
     * edits as the product's editor.
     */
    public static ContainerEdits cudaImageEdits(Inventory inventory, HostContext host) {
        ContainerEdits planned = new DefaultPlanner().plan(ContainerRequest.ofEnv(cudaImageEnv()), inventory, host).edits();
        if (planned.deviceNodes().isEmpty()) {
            throw new IllegalStateException("the plan for the CUDA image injects no device: " + planned);
        }
        return new ContainerEdits(planned.env(), planned.deviceNodes(), planned.mounts(), List.of());
    }

    private Workloads() {
    }
}
