package dev.jaccel.core.plan;

import dev.jaccel.core.caps.DriverCapabilities;
import dev.jaccel.core.caps.DriverCapability;
import dev.jaccel.core.require.Requirement;
import dev.jaccel.core.require.Requirements;
import dev.jaccel.core.select.GpuRequest;
import dev.jaccel.core.select.NvidiaRequestSources;
import dev.jaccel.core.select.NvidiaVisibleDevices;
import dev.jaccel.core.select.VisibleDeviceList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * nvidia-container-toolkit's TestGetNvidiaConfig rows end to end through jaccel's pieces
 * (docs/nvidia-container-semantics.md §1.3): env -> device request, capabilities, requirements. {@code ~} = nil config
 * (not a GPU container); in env, {@code ;} separates assignments.
 */
class NvidiaHookConfigVectorsTest {
    static final String S = "compat32,compute,display,graphics,ngx,utility,video";
    static final String D = "compute,utility";

    @ParameterizedTest(name = "{0} privileged={1}")
    @CsvSource(delimiter = '|', value = {
            "'' | false | ~ | - | -",
            "'' | true | ~ | - | -",
            "CUDA_VERSION=9.0 | false | all | " + S + " | cuda>=9.0",
            "CUDA_VERSION=9.0;NVIDIA_VISIBLE_DEVICES= | false | ~ | - | -",
            "CUDA_VERSION=9.0;NVIDIA_VISIBLE_DEVICES=void | false | ~ | - | -",
            "CUDA_VERSION=9.0;NVIDIA_VISIBLE_DEVICES=none | false | none | " + S + " | cuda>=9.0",
            "CUDA_VERSION=9.0;NVIDIA_DRIVER_CAPABILITIES= | false | all | " + D + " | cuda>=9.0",
            "CUDA_VERSION=9.0;NVIDIA_DRIVER_CAPABILITIES=all | false | all | " + S + " | cuda>=9.0",
            "CUDA_VERSION=9.0;NVIDIA_DRIVER_CAPABILITIES=video,display | false | all | display,video | cuda>=9.0",
            "CUDA_VERSION=9.0;NVIDIA_REQUIRE_REQ0=cuda>=8.0;NVIDIA_REQUIRE_REQ1=driver>=400 | false | all | " + S
                    + " | cuda>=8.0 driver>=400 cuda>=9.0",
            "CUDA_VERSION=9.0;NVIDIA_REQUIRE_REQ0=cuda>=8.0;NVIDIA_DISABLE_REQUIRE=true | false | all | " + S + " | ''",
            "NVIDIA_REQUIRE_CUDA=cuda>=9.0 | false | ~ | - | -",
            "NVIDIA_REQUIRE_CUDA=cuda>=9.0;CUDA_VERSION=9.0 | false | ~ | - | -",
            "NVIDIA_REQUIRE_CUDA=cuda>=9.0;NVIDIA_VISIBLE_DEVICES=all | false | all | " + D + " | cuda>=9.0",
            "NVIDIA_VISIBLE_DEVICES=all | false | all | " + D + " | ''",
            "NVIDIA_VISIBLE_DEVICES=all | true | all | " + D + " | ''",
    })
    void matchesNvidia(String assignments, boolean privileged, String devices, String caps, String requirements) {
        Map<String, String> env = new HashMap<>();
        for (String kv : assignments.split(";")) {
            if (!kv.isEmpty()) {
                env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        ContainerRequest request = new ContainerRequest(env, Map.of(), java.util.List.of(), privileged);
        VisibleDeviceList list = NvidiaRequestSources.visibleDevices(request, PlanConfig.DEFAULTS, w -> { });
        GpuRequest r = NvidiaVisibleDevices.interpret(list == null ? null : list.entries());
        if (devices.equals("~")) {
            assertEquals(GpuRequest.NOT_REQUESTED, r);
            return;
        }
        assertEquals(devices.equals("all") ? GpuRequest.ALL : GpuRequest.NO_GPU, r);
        boolean legacy = NvidiaRequestSources.isLegacyImage(env);
        assertEquals(caps, DriverCapability.join(DriverCapabilities.fromEnv(env, legacy,
                EnumSet.allOf(DriverCapability.class))));
        assertEquals(requirements, Requirements.fromEnv(env, legacy, false).stream().map(Requirement::text)
                .collect(Collectors.joining(" ")));
    }
}
