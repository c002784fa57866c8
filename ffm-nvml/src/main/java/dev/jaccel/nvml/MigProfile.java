package dev.jaccel.nvml;

import java.util.Optional;

/**
 * The MIG profile in a MIG device's name: the driver names a MIG device
 * {@code "<GPU name> MIG <profile>"} ({@code NVIDIA A100-SXM4-40GB MIG 1g.5gb}, as CUDA and
 * HTCondor's {@code condor_gpu_discovery} report it), where the profile is
 * {@code <slices>g.<memory>gb}, with a {@code <n>c.} prefix for a compute instance smaller than its
 * GPU instance and a {@code +me}-style suffix for media extensions.
 */
final class MigProfile {
    private static final String MARK = " MIG ";

    private MigProfile() {
    }

    static Optional<String> fromName(String name) {
        int at = name == null ? -1 : name.lastIndexOf(MARK);
        if (at < 0) {
            return Optional.empty();
        }
        String profile = name.substring(at + MARK.length()).strip();
        return profile.isEmpty() || profile.contains(" ") ? Optional.empty() : Optional.of(profile);
    }
}
