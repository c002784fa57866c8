package dev.jaccel.core.require;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects a container's requirements from its environment (nvidia-container-toolkit
 * {@code internal/config/image/cuda_image.go} GetRequirements; docs/nvidia-container-semantics.md §2.1): every
 * {@code NVIDIA_REQUIRE_*} but {@code NVIDIA_REQUIRE_JETPACK*}, in name order, plus
 * {@code cuda>=MAJOR.MINOR} from {@code CUDA_VERSION} for a legacy image; none at all when
 * {@code NVIDIA_DISABLE_REQUIRE} is true (Go {@code strconv.ParseBool}) or the configuration
 * disables requirements.
 */
public final class Requirements {
    public static final String PREFIX = "NVIDIA_REQUIRE_";
    public static final String DISABLE = "NVIDIA_DISABLE_REQUIRE";

    private Requirements() {
    }

    /** The requirements to check; a malformed one is an exit-2 {@link dev.jaccel.core.JaccelException}. */
    public static List<Requirement> fromEnv(Map<String, String> env, boolean legacyImage, boolean disabledByConfig) {
        if (disabledByConfig || isTrue(env.get(DISABLE))) {
            return List.of();
        }
        List<Requirement> out = new ArrayList<>();
        TreeMap<String, String> required = new TreeMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith(PREFIX) && !e.getKey().startsWith(PREFIX + "JETPACK")) {
                required.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, String> e : required.entrySet()) {
            RequirementParser.parse(e.getKey(), e.getValue()).ifPresent(out::add);
        }
        if (legacyImage) {
            String cuda = "cuda>=" + CudaImageVersion.majorMinor(env.get("CUDA_VERSION"));
            RequirementParser.parse("CUDA_VERSION", cuda).ifPresent(out::add);
        }
        return out;
    }

    /** Go's {@code strconv.ParseBool} true spellings; everything else (errors included) is false. */
    public static boolean isTrue(String value) {
        return value != null && switch (value) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            default -> false;
        };
    }
}
