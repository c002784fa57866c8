package dev.jaccel.core.require;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.Messages;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code MAJOR.MINOR} of a legacy image's {@code CUDA_VERSION}, which becomes the implicit
 * requirement {@code cuda>=MAJOR.MINOR}. Accepts what the toolkit's semver parse accepts: an
 * optional {@code v}, one to three unsigned 32-bit components (nvidia-container-toolkit
 * {@code internal/config/image/cuda_image.go}, TestParseMajorMinorVersion; docs/nvidia-container-semantics.md §2.1).
 */
public final class CudaImageVersion {
    private static final Pattern SHAPE = Pattern.compile("v?(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");
    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    private CudaImageVersion() {
    }

    /**
     * @return {@code "MAJOR.MINOR"}
     * @throws JaccelException exit 2 naming the value when it is not a version
     */
    public static String majorMinor(String cudaVersion) {
        Matcher m = SHAPE.matcher(cudaVersion);
        if (!m.matches() || !fitsUint32(m.group(1)) || !fitsUint32(m.group(2)) || !fitsUint32(m.group(3))) {
            throw JaccelException.badInput("CUDA_VERSION=" + Messages.quote(cudaVersion)
                    + " is not a version (expected MAJOR[.MINOR[.PATCH]], e.g. 12.4.1)");
        }
        return Long.parseLong(m.group(1)) + "." + (m.group(2) == null ? 0 : Long.parseLong(m.group(2)));
    }

    private static boolean fitsUint32(String digits) {
        if (digits == null) {
            return true;
        }
        String trimmed = digits.replaceFirst("^0+(?=.)", "");
        return trimmed.length() <= 10 && Long.parseLong(trimmed) <= UINT32_MAX;
    }
}
