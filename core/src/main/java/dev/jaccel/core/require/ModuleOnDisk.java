package dev.jaccel.core.require;

/**
 * The neuron kernel module installed on disk for the running kernel. After an upgrade that could not
 * reload the module (a process still held it) it is newer than the loaded driver's
 * {@code /sys/module/neuron/version} (aws-neuron-sdk neuron-runtime/nrt-troubleshoot.rst;
 * docs/neuron-semantics.md §5.1): the {@code stale-module} rule of {@link NeuronRules}.
 *
 * @param path    host path of the module file
 * @param version its {@code version=}, or {@code null} when it cannot be read (see {@code note})
 * @param note    why the version is unknown, or {@code null}
 */
public record ModuleOnDisk(String path, NeuronVersion version, String note) {
}
