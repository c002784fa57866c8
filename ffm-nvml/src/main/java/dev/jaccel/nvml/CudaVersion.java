package dev.jaccel.nvml;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CUDA driver API version, e.g. 12.8. NVML reports it encoded as {@code 1000 * major + 10 * minor}
 * (nvml.h macros {@code NVML_CUDA_DRIVER_VERSION_MAJOR/MINOR}): 13000 is 13.0, 12080 is 12.8.
 * Ordered by major, then minor, as the {@code cuda>=12.5} requirements of CUDA images compare them.
 */
public record CudaVersion(int major, int minor) implements Comparable<CudaVersion> {
    private static final Pattern TEXT = Pattern.compile("(\\d{1,4})(?:\\.(\\d{1,2}))?(?:\\.0+)?");

    public CudaVersion {
        if (major < 0 || minor < 0 || minor > 99) {
            throw new IllegalArgumentException("not a CUDA version: " + major + "." + minor);
        }
    }

    /** Decodes NVML's integer, e.g. 12080 as 12.8. */
    public static CudaVersion ofEncoded(int encoded) {
        return new CudaVersion(encoded / 1000, (encoded % 1000) / 10);
    }

    /**
     * Parses {@code "12.8"}, {@code "12"} (12.0) or {@code "12.8.0"}.
     *
     * @throws IllegalArgumentException naming the text when it is not a version
     */
    public static CudaVersion parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a CUDA version: \"" + text + "\" (expected MAJOR.MINOR, e.g. 12.8)");
        }
        return new CudaVersion(Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
    }

    /** NVML's encoding, {@code 1000 * major + 10 * minor}. */
    public int encoded() {
        return major * 1000 + minor * 10;
    }

    public boolean atLeast(CudaVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(CudaVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
