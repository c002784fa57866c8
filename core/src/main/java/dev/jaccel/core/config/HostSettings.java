package dev.jaccel.core.config;

import java.util.Optional;

/**
 * The {@code [host]} table: defaults for {@code --host-root}, {@code --nvml-library} and
 * {@code --nrt-library}. A flag wins over its environment variable, which wins over these.
 *
 * @param root        where {@code /proc}, {@code /sys}, {@code /dev} and driver files are read
 * @param nvmlLibrary NVML to load; empty: {@code libnvidia-ml.so.1} through the system search
 * @param nrtLibrary  libnrt to load; empty: {@code /opt/aws/neuron/lib/libnrt.so.1}, then the system search
 */
public record HostSettings(String root, Optional<String> nvmlLibrary, Optional<String> nrtLibrary) {
    public static final HostSettings DEFAULTS = new HostSettings("/", Optional.empty(), Optional.empty());
}
