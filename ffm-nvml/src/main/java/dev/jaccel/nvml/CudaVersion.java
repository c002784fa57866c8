package dev.jaccel.nvml;

/**
 * The CUDA driver API version NVML reports, encoded {@code 1000 * major + 10 * minor}
 * (header macros {@code NVML_CUDA_DRIVER_VERSION_MAJOR/MINOR}): 13000 is 13.0, 12080 is 12.8.
 */
public record CudaVersion(int encoded) {
    public int major() {
        return encoded / 1000;
    }

    public int minor() {
        return (encoded % 1000) / 10;
    }

    @Override
    public String toString() {
        return major() + "." + minor();
    }
}
