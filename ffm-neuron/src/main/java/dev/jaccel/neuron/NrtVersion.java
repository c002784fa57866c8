package dev.jaccel.neuron;

/**
 * The runtime's {@code nrt_version_t}. The four numbers match the package version
 * (e.g. {@code aws-neuronx-runtime-lib 2.28.23.0}; docs/neuron-semantics.md §5.2, inferred from logs).
 */
public record NrtVersion(long major, long minor, long patch, long maintenance, String detail, String gitHash) {
    /** {@code major.minor.patch.maintenance}. */
    @Override
    public String toString() {
        return major + "." + minor + "." + patch + "." + maintenance;
    }
}
