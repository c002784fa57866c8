package dev.jaccel.hook.cli;

import dev.jaccel.core.config.HostSettings;
import dev.jaccel.core.config.JaccelConfig;
import dev.jaccel.core.spi.HostContext;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;

/**
 * The library and host locations every command shares (docs/design.md §2.2), and the
 * configuration file they default from: a flag wins over its environment variable, which wins
 * over the file's {@code [host]} table.
 */
public final class HostOptions {
    @Option(names = "--nvml-library", paramLabel = "PATH",
            description = "NVML library to load (default: libnvidia-ml.so.1 via the system search; env JACCEL_NVML_LIBRARY).")
    String nvmlLibrary;

    @Option(names = "--nrt-library", paramLabel = "PATH",
            description = "Neuron runtime library (default: /opt/aws/neuron/lib/libnrt.so.1, then the system search; env JACCEL_NRT_LIBRARY).")
    String nrtLibrary;

    @Option(names = "--host-root", paramLabel = "DIR",
            description = "Where /proc, /sys, /dev and driver files are read (default: /; env JACCEL_HOST_ROOT).")
    String hostRoot;

    @Mixin
    ConfigOption config;

    public HostContext resolve(Map<String, String> env) {
        return config(env).host().resolve(env, hostRoot, nvmlLibrary, nrtLibrary);
    }

    /** The configuration ({@code --config}, {@code JACCEL_CONFIG} or {@code /etc/jaccel/config.toml}). */
    public JaccelConfig config(Map<String, String> env) {
        return config.load(env);
    }
}
