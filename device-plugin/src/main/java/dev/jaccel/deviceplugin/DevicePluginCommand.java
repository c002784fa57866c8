package dev.jaccel.deviceplugin;

import dev.jaccel.core.Invocation;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.config.JaccelConfig;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.deviceplugin.resources.DeviceListStrategy;
import dev.jaccel.deviceplugin.resources.MigStrategy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jaccel device-plugin}: the Kubernetes device plugin. Everything it loads (gRPC, Netty,
 * protobuf) lives in this module, so the container path never sees it.
 */
@Command(name = "device-plugin", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Kubernetes device plugin (kubelet API v1beta1) for the NVIDIA GPUs and AWS",
                "Neuron devices of this host. Registers one endpoint per resource with",
                "<plugin-dir>/kubelet.sock:",
                "  nvidia.com/gpu             GPU UUIDs (MIG devices with --mig-strategy single)",
                "  nvidia.com/mig-<profile>   MIG devices (--mig-strategy mixed)",
                "  aws.amazon.com/neuron      neuron<N>",
                "  aws.amazon.com/neuroncore  neuroncore<global core id>",
                "Streams device health and NUMA nodes, prefers topology-aware sets (NVLink,",
                "PCIe, NUMA; contiguous linked Neuron devices and cores) and registers again",
                "whenever the kubelet restarts. Runs until SIGTERM or SIGINT, then removes its",
                "sockets and exits 0.",
                "",
                "Health: a critical XID marks a GPU (or one MIG device) Unhealthy with a file",
                "in --health-dir naming the XID. It stays so, across restarts of the plugin,",
                "until the file is removed (after a GPU reset): the device is Healthy again at",
                "once. XIDs 13, 31, 43, 45, 68 and 109 (application errors) do not count;",
                "DP_DISABLE_HEALTHCHECKS and DP_ENABLE_HEALTHCHECKS tune that as for NVIDIA's",
                "plugin. A lost GPU, or a device whose node or sysfs entry is gone, is",
                "Unhealthy until it is back.",
                ""},
        footer = {"", "Exit codes: 0 stopped by a signal; 2 bad usage; 3 the MIG layout does not fit --mig-strategy;",
                "            4 no accelerator on this host (nothing is registered); 1 internal error."})
public final class DevicePluginCommand implements Callable<Integer> {
    private final Invocation invocation;

    /** {@code jaccel device-plugin}: reads the daemon's environment from {@code invocation}. */
    public DevicePluginCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--plugin-dir", paramLabel = "DIR",
            description = "The kubelet's device plugin directory, holding kubelet.sock (default: ${DEFAULT-VALUE}).")
    Path pluginDir = PluginOptions.DEFAULT_PLUGIN_DIR;

    @Option(names = "--mig-strategy", paramLabel = "STRATEGY", converter = MigStrategyConverter.class,
            description = "none, single or mixed, as NVIDIA's plugin defines them (default: ${DEFAULT-VALUE}).")
    MigStrategy migStrategy = MigStrategy.none;

    @Option(names = "--device-list-strategy", paramLabel = "STRATEGY", converter = ListStrategyConverter.class,
            description = {"envvar (default): Allocate sets the visible-device variables for jaccel's runtime shim or hooks;",
                    "cdi-cri: Allocate names jaccel's CDI devices for a CDI-enabled containerd or CRI-O and keeps the specs in --cdi-dir fresh."})
    DeviceListStrategy listStrategy = DeviceListStrategy.envvar;

    @Option(names = "--cdi-dir", paramLabel = "DIR",
            description = "Where cdi-cri keeps jaccel-nvidia.json and jaccel-neuron.json (default: the configuration's cdi output folder, /etc/cdi).")
    Path cdiDir;

    @Option(names = "--health-dir", paramLabel = "DIR",
            description = "Where unhealthy marks are kept, one file per device (default: ${DEFAULT-VALUE}).")
    Path healthDir = PluginOptions.DEFAULT_HEALTH_DIR;

    @Option(names = "--ready-file", paramLabel = "FILE",
            description = "Exists while every resource is registered with the kubelet, for a readiness probe (default: ${DEFAULT-VALUE}).")
    Path readyFile = PluginOptions.DEFAULT_READY_FILE;

    @Option(names = "--health-interval", paramLabel = "SECONDS",
            description = "How often device nodes, sysfs entries and lost GPUs are checked (default: ${DEFAULT-VALUE}).")
    double healthIntervalSeconds = 5;

    @Option(names = "--nvml-library", paramLabel = "PATH",
            description = "NVML library to load (default: libnvidia-ml.so.1 via the system search; env JACCEL_NVML_LIBRARY).")
    String nvmlLibrary;

    @Option(names = "--nrt-library", paramLabel = "PATH",
            description = "Neuron runtime library (default: /opt/aws/neuron/lib/libnrt.so.1, then the system search; env JACCEL_NRT_LIBRARY).")
    String nrtLibrary;

    @Option(names = "--host-root", paramLabel = "DIR",
            description = "Where /proc, /sys, /dev and driver files are read (default: /; env JACCEL_HOST_ROOT).")
    String hostRoot;

    @Option(names = "--config", paramLabel = "FILE",
            description = "jaccel's configuration file (default: $JACCEL_CONFIG, else /etc/jaccel/config.toml when it exists): "
                    + "the planner's settings Allocate uses, the [host] defaults, the CDI output folder.")
    Path configFile;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!(healthIntervalSeconds >= 0.05 && healthIntervalSeconds <= 3600)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--health-interval " + healthIntervalSeconds + ": give a number of seconds from 0.05 to 3600");
        }
        PrintWriter err = spec.commandLine().getErr();
        // a daemon's own environment (the DaemonSet's), never a container's
        Map<String, String> env = invocation.env();
        JaccelConfig config = configFile == null ? JaccelConfig.load(env) : JaccelConfig.load(configFile, "--config " + configFile);
        HostContext host = config.host().resolve(env, hostRoot, nvmlLibrary, nrtLibrary);
        PluginOptions options = new PluginOptions(pluginDir.toAbsolutePath(), migStrategy, listStrategy,
                (cdiDir != null ? cdiDir : config.cdiOutputDir()).toAbsolutePath(), healthDir.toAbsolutePath(),
                Duration.ofMillis((long) (healthIntervalSeconds * 1000)), readyFile.toAbsolutePath(), config.plan(), host);
        java.util.function.Consumer<String> log = line -> {
            synchronized (err) {
                err.println(Instant.now() + " jaccel device-plugin: " + line);
                err.flush();
            }
        };
        try (DevicePlugin plugin = DevicePlugin.prepare(options, log)) {
            Signal.handle(new Signal("TERM"), s -> plugin.stop());
            Signal.handle(new Signal("INT"), s -> plugin.stop());
            plugin.run();
        }
        return 0;
    }

    /**
     * Runs the plugin without the rest of the {@code jaccel} command line (the DaemonSet image runs
     * {@code jaccel device-plugin}, which lands in {@link #call()} the same way): bad usage exits 2,
     * a {@link JaccelException} its own code with one line on stderr.
     */
    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new DevicePluginCommand(new Invocation(System.in, System.getenv())));
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof JaccelException je) {
                commandLine.getErr().println("jaccel: " + je.getMessage());
                return je.exitCode().code();
            }
            throw ex;
        });
        System.exit(cli.execute(args));
    }

    /** Accepts an enum's values as the help writes them ({@code toString}), and names them all otherwise. */
    abstract static class NamedValues<E extends Enum<E>> implements CommandLine.ITypeConverter<E> {
        private final E[] values;
        private final String what;

        NamedValues(E[] values, String what) {
            this.values = values;
            this.what = what;
        }

        @Override
        public E convert(String value) {
            for (E v : values) {
                if (v.toString().equals(value)) {
                    return v;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not " + what + " ("
                    + String.join(", ", java.util.Arrays.stream(values).map(Object::toString).toList()) + ")");
        }
    }

    static final class MigStrategyConverter extends NamedValues<MigStrategy> {
        MigStrategyConverter() {
            super(MigStrategy.values(), "a MIG strategy");
        }
    }

    static final class ListStrategyConverter extends NamedValues<DeviceListStrategy> {
        ListStrategyConverter() {
            super(DeviceListStrategy.values(), "a device list strategy");
        }
    }
}
