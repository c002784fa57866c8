package dev.jaccel.core.require;

import java.util.Locale;
import java.util.Optional;

/** What an {@code NVIDIA_REQUIRE_*} factor can test (libnvidia-container {@code src/cli/dsl.c}; docs/nvidia-container-semantics.md §2.2). */
public enum Property {
    /** The host driver's CUDA version ({@code nvmlSystemGetCudaDriverVersion}), not the image's. */
    CUDA(true, false),
    /** The host driver version ({@code nvmlSystemGetDriverVersion}). */
    DRIVER(true, false),
    /** A selected GPU's compute capability, {@code major.minor}. */
    ARCH(true, true),
    /** A selected GPU's brand, compared case-insensitively with {@code =} and {@code !=} only. */
    BRAND(false, true);

    private final boolean version;
    private final boolean perDevice;

    Property(boolean version, boolean perDevice) {
        this.version = version;
        this.perDevice = perDevice;
    }

    /** Values are dotted numbers compared per component. */
    public boolean isVersion() {
        return version;
    }

    /** Evaluates to true when no GPU is selected or the GPU's value is unknown. */
    public boolean isPerDevice() {
        return perDevice;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Property names are matched case-insensitively, like libnvidia-container's {@code strcasecmp}. */
    public static Optional<Property> of(String name) {
        for (Property p : values()) {
            if (p.name().equalsIgnoreCase(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
