package dev.jaccel.core.require;

import java.util.Map;
import java.util.Optional;

/**
 * CUDA minor-version compatibility (opt-in): an application built with CUDA {@code X.y} runs on any
 * driver of the same CUDA major that is at least that major's minimum driver, even when the
 * driver's own CUDA version is older than {@code X.y}. NVIDIA's requirement check ignores this,
 * which is why NVIDIA advises {@code NVIDIA_DISABLE_REQUIRE} for such images
 * (docs.nvidia.com/deploy/cuda-compatibility/minor-version-compatibility.html; docs/nvidia-container-semantics.md §5).
 */
public final class CudaMinorVersionCompatibility {
    /** Minimum Linux driver branch per CUDA major (same source). */
    private static final Map<Integer, String> MINIMUM_DRIVER = Map.of(11, "450", 12, "525", 13, "580");

    private CudaMinorVersionCompatibility() {
    }

    /**
     * Whether a failed {@code cuda>=wanted} factor is covered: same major as the host's CUDA and a
     * driver at least the major's minimum. Returns the explanation when it is.
     */
    public static Optional<String> covers(String wanted, DeviceFacts facts) {
        Optional<NumericVersion> want = NumericVersion.parse(wanted);
        Optional<NumericVersion> hostCuda = NumericVersion.parse(facts.cuda() == null ? "" : facts.cuda());
        Optional<NumericVersion> driver = NumericVersion.parse(facts.driver() == null ? "" : facts.driver());
        if (want.isEmpty() || hostCuda.isEmpty() || driver.isEmpty()
                || !want.get().major().equals(hostCuda.get().major())
                || want.get().major().bitLength() > 31) {
            return Optional.empty();
        }
        String minimum = MINIMUM_DRIVER.get(want.get().major().intValue());
        if (minimum == null || driver.get().compareTo(NumericVersion.parse(minimum).orElseThrow()) < 0) {
            return Optional.empty();
        }
        return Optional.of("cuda>=" + wanted + " accepted through CUDA minor-version compatibility: driver "
                + facts.driver() + " (CUDA " + facts.cuda() + ") is at least " + minimum + ", the minimum for CUDA "
                + want.get().major() + ".x");
    }
}
