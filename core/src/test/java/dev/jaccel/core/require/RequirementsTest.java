package dev.jaccel.core.require;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** TestGetRequirements and TestGetNvidiaConfig's requirement rows (docs/nvidia-container-semantics.md §1.3, §2.1). */
class RequirementsTest {
    static Stream<Arguments> vectors() {
        return Stream.of(
                arguments(Map.of("NVIDIA_REQUIRE_JETPACK", "csv-mounts=all"), false, List.of()),
                arguments(Map.of("NVIDIA_REQUIRE_JETPACK_L4T", "x"), false, List.of()),
                arguments(Map.of("NVIDIA_REQUIRE_CUDA", "cuda>=11.6", "NVIDIA_REQUIRE_BRAND", "brand=tesla"), false,
                        List.of("brand=tesla", "cuda>=11.6")),  // name order, ANDed
                arguments(Map.of("CUDA_VERSION", "11.6"), true, List.of("cuda>=11.6")),
                arguments(Map.of("CUDA_VERSION", "9.0"), true, List.of("cuda>=9.0")),
                arguments(Map.of("CUDA_VERSION", "9.0", "NVIDIA_REQUIRE_REQ0", "cuda>=8", "NVIDIA_REQUIRE_REQ1",
                        "driver>=1"), true, List.of("cuda>=8", "driver>=1", "cuda>=9.0")),
                arguments(Map.of("CUDA_VERSION", "9.0", "NVIDIA_REQUIRE_REQ0", "cuda>=8",
                        "NVIDIA_DISABLE_REQUIRE", "true"), true, List.of()),
                arguments(Map.of("NVIDIA_REQUIRE_CUDA", "cuda>=11.6", "NVIDIA_DISABLE_REQUIRE", "1"), false, List.of()),
                arguments(Map.of("NVIDIA_REQUIRE_CUDA", "cuda>=11.6", "NVIDIA_DISABLE_REQUIRE", "T"), false, List.of()),
                arguments(Map.of("NVIDIA_REQUIRE_CUDA", "cuda>=11.6", "NVIDIA_DISABLE_REQUIRE", "false"), false,
                        List.of("cuda>=11.6")),
                // Go's ParseBool error counts as false
                arguments(Map.of("NVIDIA_REQUIRE_CUDA", "cuda>=11.6", "NVIDIA_DISABLE_REQUIRE", "yes"), false,
                        List.of("cuda>=11.6")),
                arguments(Map.of("NVIDIA_REQUIRE_CUDA", ""), false, List.of()));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void collects(Map<String, String> env, boolean legacy, List<String> expected) {
        assertEquals(expected, Requirements.fromEnv(env, legacy, false).stream().map(Requirement::text).toList());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void disableRequireSettingSkipsEverything(Map<String, String> env, boolean legacy, List<String> ignored) {
        assertEquals(List.of(), Requirements.fromEnv(env, legacy, true));
    }
}
