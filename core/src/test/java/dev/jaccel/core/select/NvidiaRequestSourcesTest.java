package dev.jaccel.core.select;

import dev.jaccel.core.caps.DriverCapability;
import dev.jaccel.core.plan.ContainerRequest;
import dev.jaccel.core.plan.PlanConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** TestGetDevicesFromEnvvar / TestVisibleDevices and the hook-config rows (docs/nvidia-container-semantics.md §1.2, §1.3). */
class NvidiaRequestSourcesTest {
    static final String ROOT = NvidiaRequestSources.DEVICE_MOUNT_ROOT + "/";

    static PlanConfig config(boolean acceptUnprivileged, boolean acceptMounts, List<String> swarm) {
        return new PlanConfig(acceptUnprivileged, acceptMounts, List.of("cdi.k8s.io/"), swarm,
                EnumSet.allOf(DriverCapability.class), false, false, false);
    }

    static ContainerRequest env(Map<String, String> env) {
        return ContainerRequest.ofEnv(env);
    }

    static Stream<Arguments> vectors() {
        PlanConfig d = PlanConfig.DEFAULTS;
        List<String> gpu01 = List.of(ROOT + "GPU0", ROOT + "GPU1");
        return Stream.of(
                arguments(env(Map.of()), d, null),
                arguments(env(Map.of("NVIDIA_VISIBLE_DEVICES", "")), d, List.of()),
                arguments(env(Map.of("NVIDIA_VISIBLE_DEVICES", "void")), d, List.of("void")),
                arguments(env(Map.of("NVIDIA_VISIBLE_DEVICES", "none")), d, List.of("none")),
                arguments(env(Map.of("NVIDIA_VISIBLE_DEVICES", "GPU-12345")), d, List.of("GPU-12345")),
                arguments(env(Map.of("CUDA_VERSION", "legacy")), d, List.of("all")),
                arguments(env(Map.of("CUDA_VERSION", "legacy", "NVIDIA_VISIBLE_DEVICES", "GPU-12345")), d,
                        List.of("GPU-12345")),
                // CUDA_VERSION with NVIDIA_REQUIRE_CUDA is not a legacy image
                arguments(env(Map.of("CUDA_VERSION", "9.0", "NVIDIA_REQUIRE_CUDA", "cuda>=9.0")), d, null),
                arguments(env(Map.of("CUDA_VERSION", "9.0", "NVIDIA_VISIBLE_DEVICES", "")), d, List.of()),
                arguments(env(Map.of("NVIDIA_VISIBLE_DEVICES", "GPU-12345", "DOCKER_RESOURCE_GPUS", "GPU-67890")),
                        config(true, false, List.of("DOCKER_RESOURCE_GPUS")), List.of("GPU-67890")),
                arguments(env(Map.of("DOCKER_RESOURCE_GPUS", "MIG-12345", "DOCKER_RESOURCE_GPUS_ADDITIONAL", "GPU-67890")),
                        config(true, false, List.of("DOCKER_RESOURCE_GPUS", "DOCKER_RESOURCE_GPUS_ADDITIONAL")),
                        List.of("MIG-12345", "GPU-67890")),
                arguments(env(Map.of("NVIDIA_VISIBLE_DEVICES", "GPU-12345")),
                        config(true, false, List.of("DOCKER_RESOURCE_GPUS")), List.of("GPU-12345")),
                arguments(env(Map.of("DOCKER_SWARM_RESOURCE", "GPU1,GPU2")),
                        config(true, false, List.of("NOT_DOCKER_SWARM_RESOURCE", "DOCKER_SWARM_RESOURCE")),
                        List.of("GPU1", "GPU2")),
                arguments(new ContainerRequest(Map.of("NVIDIA_VISIBLE_DEVICES", "GPU2,GPU3"), Map.of(), gpu01, false),
                        config(false, true, List.of()), List.of("GPU0", "GPU1")),
                arguments(new ContainerRequest(Map.of("NVIDIA_VISIBLE_DEVICES", "GPU0,GPU1"), Map.of(), List.of(), false),
                        config(false, true, List.of()), null),
                arguments(new ContainerRequest(Map.of("NVIDIA_VISIBLE_DEVICES", "GPU0,GPU1"), Map.of(), List.of(), true),
                        config(false, true, List.of()), List.of("GPU0", "GPU1")),
                arguments(new ContainerRequest(Map.of("NVIDIA_VISIBLE_DEVICES", "GPU2,GPU3"), Map.of(), gpu01, false),
                        config(true, false, List.of()), List.of("GPU2", "GPU3")),
                arguments(new ContainerRequest(Map.of(), Map.of(), List.of(ROOT + "GPU0-MIG0/0/1"), false),
                        config(true, true, List.of()), List.of("GPU0-MIG0/0/1")),
                arguments(new ContainerRequest(Map.of(), Map.of(), List.of(ROOT + "cdi/nvidia.com/gpu/all",
                        ROOT + "cdi/nvidia.com/gpu=1", ROOT + "imex/0", ROOT, NvidiaRequestSources.DEVICE_MOUNT_ROOT),
                        false), config(true, true, List.of()), List.of("all", "1")),
                arguments(new ContainerRequest(Map.of(), Map.of(), List.of(ROOT + "imex/0"), false),
                        config(true, true, List.of()), null),
                // annotations win over mounts and env; keys sorted, values comma-split, NVIDIA kinds unqualified
                arguments(new ContainerRequest(Map.of("NVIDIA_VISIBLE_DEVICES", "3"),
                        Map.of("cdi.k8s.io/b", "nvidia.com/gpu=1", "cdi.k8s.io/a", "nvidia.com/gpu=0,nvidia.com/gpu=0",
                                "other/x", "nvidia.com/gpu=7"), gpu01, true),
                        config(true, true, List.of()), List.of("0", "0", "1")),
                arguments(new ContainerRequest(Map.of("NVIDIA_VISIBLE_DEVICES", "3"),
                        Map.of("cdi.k8s.io/x", "runtime.nvidia.com/gpu=none"), List.of(), false), d, List.of("none")),
                arguments(env(Map.of("NVIDIA_VISIBLE_DEVICES", "nvidia.com/gpu=0, runtime.nvidia.com/gpu=all,x.com/y=1")),
                        d, List.of("0", "all", "x.com/y=1")),
                // only another vendor's names: NVIDIA falls through to its own variable
                arguments(new ContainerRequest(Map.of("NVIDIA_VISIBLE_DEVICES", "3"),
                        Map.of("cdi.k8s.io/x", "aws.amazon.com/neuron=0"), List.of(), false), d, List.of("3")));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void picksTheListByPrecedence(ContainerRequest request, PlanConfig config, List<String> expected) {
        List<String> warnings = new ArrayList<>();
        VisibleDeviceList list = NvidiaRequestSources.visibleDevices(request, config, warnings::add);
        assertEquals(expected, list == null ? null : list.entries());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void ignoringAnUnprivilegedVariableIsAWarning(ContainerRequest request, PlanConfig config, List<String> expected) {
        List<String> warnings = new ArrayList<>();
        NvidiaRequestSources.visibleDevices(request, config, warnings::add);
        boolean ignored = !config.acceptEnvvarWhenUnprivileged() && !request.privileged() && expected == null;
        assertEquals(ignored, !warnings.isEmpty(), warnings.toString());
        warnings.forEach(w -> assertTrue(w.contains("unprivileged"), w));
    }

    @ParameterizedTest
    @MethodSource("annotationVectors")
    void annotationNamesAreKeptAsIs(Map<String, String> annotations, List<String> prefixes, List<String> expected) {
        assertEquals(expected, NvidiaRequestSources.annotationDevices(annotations, prefixes));
    }

    static Stream<Arguments> annotationVectors() {
        return Stream.of(
                arguments(Map.of("prefix/foo", "example.com/device=bar"), List.of("prefix/"),
                        List.of("example.com/device=bar")),
                arguments(Map.of("prefix/foo", "example.com/device=bar", "prefix/bar", "example.com/device=bar"),
                        List.of("prefix/"), List.of("example.com/device=bar", "example.com/device=bar")),
                arguments(Map.of("prefix/foo", "not a name"), List.of("prefix/"), List.of("not a name")),
                arguments(Map.of("other/foo", "example.com/device=bar"), List.of("prefix/"), List.of()));
    }
}
