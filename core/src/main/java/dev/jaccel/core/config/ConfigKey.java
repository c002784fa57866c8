package dev.jaccel.core.config;

import dev.jaccel.core.caps.DriverCapability;
import dev.jaccel.core.plan.NeuronDeviceNames;
import dev.jaccel.core.plan.PlanConfig;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Every key of {@code config.toml}: its table, name, kind of value, where it lands in
 * {@link JaccelConfig}, and whether it is nvidia-container-toolkit's (same name, same meaning:
 * {@code api/config/v1/config.go} Config, {@code runtime.go} cdiModeConfig, {@code features.go}).
 * The schema is data so that reading, {@code jaccel config show} and the documentation agree.
 */
public enum ConfigKey {
    ACCEPT_ENVVAR_WHEN_UNPRIVILEGED("", "accept-nvidia-visible-devices-envvar-when-unprivileged", Kind.BOOLEAN, true,
            "honour NVIDIA_VISIBLE_DEVICES from a container without CAP_SYS_ADMIN",
            c -> c.plan().acceptEnvvarWhenUnprivileged(), (b, v) -> b.acceptEnvvar = (Boolean) v),
    ACCEPT_VOLUME_MOUNTS("", "accept-nvidia-visible-devices-as-volume-mounts", Kind.BOOLEAN, true,
            "read device ids from /dev/null mounts under /var/run/nvidia-container-devices/",
            c -> c.plan().acceptVolumeMounts(), (b, v) -> b.acceptMounts = (Boolean) v),
    SUPPORTED_DRIVER_CAPABILITIES("", "supported-driver-capabilities", Kind.CAPABILITIES, true,
            "the NVIDIA_DRIVER_CAPABILITIES a container may ask for",
            c -> DriverCapability.join(c.plan().supportedDriverCapabilities()),
            (b, v) -> b.capabilities = DriverCapability.parseSupported((String) v, "")),
    DISABLE_REQUIRE("", "disable-require", Kind.BOOLEAN, true,
            "skip every NVIDIA_REQUIRE_* check",
            c -> c.plan().disableRequire(), (b, v) -> b.disableRequire = (Boolean) v),
    SWARM_RESOURCE("", "swarm-resource", Kind.NAME_LIST, true,
            "variables read instead of NVIDIA_VISIBLE_DEVICES when present (comma list)",
            c -> String.join(",", c.plan().swarmResource()), (b, v) -> b.swarm = ConfigKey.split((String) v)),
    ALLOW_CUDA_COMPAT_LIBS("features", "allow-cuda-compat-libs-from-container", Kind.BOOLEAN, true,
            "let the image's CUDA forward-compatibility libcuda be used",
            c -> c.plan().allowCudaCompatLibsFromContainer(), (b, v) -> b.compatLibs = (Boolean) v),
    CDI_ANNOTATION_PREFIXES("nvidia-container-runtime.modes.cdi", "annotation-prefixes", Kind.STRING_ARRAY, true,
            "annotation key prefixes whose values name CDI devices",
            c -> c.plan().cdiAnnotationPrefixes(), (b, v) -> b.prefixes = ConfigKey.strings(v)),
    CDI_SPEC_DIRS("nvidia-container-runtime.modes.cdi", "spec-dirs", Kind.PATH_ARRAY, true,
            "folders that hold CDI specs (checked for jaccel's own and for conflicts)",
            c -> c.cdiSpecDirs().stream().map(Path::toString).toList(),
            (b, v) -> b.specDirs = ConfigKey.strings(v).stream().map(Path::of).toList()),
    CUDA_MINOR_VERSION_COMPATIBILITY("cuda", "minor-version-compatibility", Kind.BOOLEAN, false,
            "accept cuda>=X.Y under CUDA minor-version compatibility (same major as the driver's CUDA)",
            c -> c.plan().cudaMinorVersionCompatibility(), (b, v) -> b.minorCompat = (Boolean) v),
    NEURON_DEVICE_NUMBERING("neuron", "device-numbering", Kind.NEURON_NUMBERING, false,
            "host: /dev/neuron12 stays /dev/neuron12 and NEURON_RT_VISIBLE_CORES keeps host ids; "
                    + "from-zero: the container sees /dev/neuron0.. and its cores from 0",
            c -> c.plan().neuronDeviceNames().key(),
            (b, v) -> b.neuronNames = NeuronDeviceNames.of((String) v).orElseThrow()),
    CDI_OUTPUT_DIR("cdi", "output-dir", Kind.PATH, false,
            "where jaccel cdi generate writes jaccel-nvidia.json and jaccel-neuron.json",
            c -> c.cdiOutputDir().toString(), (b, v) -> b.cdiOutputDir = Path.of((String) v)),
    SNAPSHOT("inventory", "snapshot", Kind.PATH, false,
            "the inventory snapshot container starts read (JACCEL_SNAPSHOT overrides it)",
            c -> c.snapshot().toString(), (b, v) -> b.snapshot = Path.of((String) v)),
    HOST_ROOT("host", "root", Kind.PATH, false,
            "where /proc, /sys, /dev and driver files are read (JACCEL_HOST_ROOT, --host-root override it)",
            c -> c.host().root(), (b, v) -> b.hostRoot = (String) v),
    NVML_LIBRARY("host", "nvml-library", Kind.LIBRARY, false,
            "NVML to load; empty: libnvidia-ml.so.1 through the system search (JACCEL_NVML_LIBRARY overrides it)",
            c -> c.host().nvmlLibrary().orElse(""), (b, v) -> b.nvml = ConfigKey.optional((String) v)),
    NRT_LIBRARY("host", "nrt-library", Kind.LIBRARY, false,
            "libnrt to load; empty: /opt/aws/neuron/lib/libnrt.so.1, then the system search (JACCEL_NRT_LIBRARY overrides it)",
            c -> c.host().nrtLibrary().orElse(""), (b, v) -> b.nrt = ConfigKey.optional((String) v));

    /** The kinds of value; each is checked with a message that says what is expected. */
    enum Kind {
        BOOLEAN("true or false"),
        /** A comma list in one string, NVIDIA's style; an array of strings is accepted too. */
        CAPABILITIES("a comma list of compat32, compute, display, graphics, ngx, utility, video, or all"),
        NAME_LIST("a comma list of variable names"),
        STRING_ARRAY("an array of strings"),
        PATH_ARRAY("an array of absolute paths"),
        PATH("an absolute path"),
        LIBRARY("a library name or an absolute path (empty: the default)"),
        NEURON_NUMBERING("\"host\" or \"from-zero\"");

        final String expected;

        Kind(String expected) {
            this.expected = expected;
        }
    }

    /** The values being assembled while a file is read; starts from the defaults. */
    static final class Builder {
        boolean acceptEnvvar, acceptMounts, disableRequire, compatLibs, minorCompat;
        Set<DriverCapability> capabilities;
        List<String> swarm, prefixes;
        List<Path> specDirs;
        NeuronDeviceNames neuronNames;
        Path cdiOutputDir, snapshot;
        String hostRoot;
        Optional<String> nvml, nrt;

        Builder(JaccelConfig from) {
            for (ConfigKey k : values()) {
                k.set(this, k.valueIn(from));
            }
        }

        JaccelConfig build(Optional<Path> source) {
            return new JaccelConfig(source,
                    new PlanConfig(acceptEnvvar, acceptMounts, prefixes, swarm, capabilities,
                            disableRequire, minorCompat, compatLibs, neuronNames),
                    specDirs, cdiOutputDir, snapshot, new HostSettings(hostRoot, nvml, nrt));
        }
    }

    private final String table;
    private final String name;
    private final Kind kind;
    private final boolean nvidias;
    private final String description;
    private final Function<JaccelConfig, Object> getter;
    private final BiConsumer<Builder, Object> setter;

    ConfigKey(String table, String name, Kind kind, boolean nvidias, String description,
              Function<JaccelConfig, Object> getter, BiConsumer<Builder, Object> setter) {
        this.table = table;
        this.name = name;
        this.kind = kind;
        this.nvidias = nvidias;
        this.description = description;
        this.getter = getter;
        this.setter = setter;
    }

    /** The table ({@code ""} for the top level), e.g. {@code nvidia-container-runtime.modes.cdi}. */
    public String table() {
        return table;
    }

    public String keyName() {
        return name;
    }

    /** {@code table.name}, or the name alone at the top level: how messages name the key. */
    public String dotted() {
        return table.isEmpty() ? name : table + "." + name;
    }

    /** Whether nvidia-container-toolkit's config.toml has this key with the same meaning. */
    public boolean isNvidias() {
        return nvidias;
    }

    public String description() {
        return description;
    }

    public String expected() {
        return kind.expected;
    }

    Kind kind() {
        return kind;
    }

    /** The value as it is written in the file: a Boolean, a String or a List of Strings. */
    public Object valueIn(JaccelConfig config) {
        return getter.apply(config);
    }

    void set(Builder b, Object checked) {
        setter.accept(b, checked);
    }

    static List<String> split(String commaList) {
        return Arrays.stream(commaList.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object v) {
        return List.copyOf((List<String>) v);
    }

    private static Optional<String> optional(String v) {
        return v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }
}
