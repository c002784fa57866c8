package dev.jaccel.core.plan;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.caps.DriverCapability;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The settings that change how a request is read, with NVIDIA's defaults
 * (nvidia-container-toolkit {@code api/config/v1/config.go} GetDefault; docs/nvidia-container-semantics.md §1.1). The JSON
 * form ({@code jaccel plan --config}) uses NVIDIA's key names.
 *
 * @param acceptEnvvarWhenUnprivileged       honour {@code NVIDIA_VISIBLE_DEVICES} from a container without CAP_SYS_ADMIN
 * @param acceptVolumeMounts                 read device ids from {@code /dev/null} mounts under {@code /var/run/nvidia-container-devices/}
 * @param cdiAnnotationPrefixes              annotation key prefixes that carry CDI device names
 * @param swarmResource                      variables read instead of {@code NVIDIA_VISIBLE_DEVICES} when present
 * @param supportedDriverCapabilities        capabilities a container may ask for
 * @param disableRequire                     skip every {@code NVIDIA_REQUIRE_*} check
 * @param cudaMinorVersionCompatibility      accept {@code cuda>=X.Y} under CUDA minor-version compatibility
 * @param allowCudaCompatLibsFromContainer   let the hook and shim use the image's forward-compat libcuda
 * @param neuronDeviceNames                  how the container sees its Neuron devices (host names by default)
 */
public record PlanConfig(boolean acceptEnvvarWhenUnprivileged, boolean acceptVolumeMounts,
                         List<String> cdiAnnotationPrefixes, List<String> swarmResource,
                         Set<DriverCapability> supportedDriverCapabilities, boolean disableRequire,
                         boolean cudaMinorVersionCompatibility, boolean allowCudaCompatLibsFromContainer,
                         NeuronDeviceNames neuronDeviceNames) {

    public static final PlanConfig DEFAULTS = new PlanConfig(true, false, List.of("cdi.k8s.io/"), List.of(),
            EnumSet.allOf(DriverCapability.class), false, false, false, NeuronDeviceNames.HOST);

    public PlanConfig {
        cdiAnnotationPrefixes = List.copyOf(cdiAnnotationPrefixes);
        swarmResource = List.copyOf(swarmResource);
        supportedDriverCapabilities = supportedDriverCapabilities.isEmpty()
                ? EnumSet.noneOf(DriverCapability.class) : EnumSet.copyOf(supportedDriverCapabilities);
        Objects.requireNonNull(neuronDeviceNames, "neuronDeviceNames");
    }

    /** The NVIDIA settings alone, Neuron devices under their host names. */
    public PlanConfig(boolean acceptEnvvarWhenUnprivileged, boolean acceptVolumeMounts,
                      List<String> cdiAnnotationPrefixes, List<String> swarmResource,
                      Set<DriverCapability> supportedDriverCapabilities, boolean disableRequire,
                      boolean cudaMinorVersionCompatibility, boolean allowCudaCompatLibsFromContainer) {
        this(acceptEnvvarWhenUnprivileged, acceptVolumeMounts, cdiAnnotationPrefixes, swarmResource,
                supportedDriverCapabilities, disableRequire, cudaMinorVersionCompatibility,
                allowCudaCompatLibsFromContainer, NeuronDeviceNames.HOST);
    }

    public PlanConfig withNeuronDeviceNames(NeuronDeviceNames names) {
        return new PlanConfig(acceptEnvvarWhenUnprivileged, acceptVolumeMounts, cdiAnnotationPrefixes, swarmResource,
                supportedDriverCapabilities, disableRequire, cudaMinorVersionCompatibility,
                allowCudaCompatLibsFromContainer, names);
    }

    /**
     * Reads the JSON object {@code jaccel plan --config} took before the configuration file (still
     * accepted there): every key optional, unknown keys refused.
     *
     * @throws JaccelException exit 2 naming the key and what it should be
     */
    public static PlanConfig fromJson(Object tree, String source) {
        if (!(tree instanceof Map<?, ?> map)) {
            throw JaccelException.badInput(source + ": expected a JSON object of settings");
        }
        PlanConfig c = DEFAULTS;
        boolean envvar = c.acceptEnvvarWhenUnprivileged, mounts = c.acceptVolumeMounts, disable = c.disableRequire;
        boolean minor = c.cudaMinorVersionCompatibility, compat = c.allowCudaCompatLibsFromContainer;
        List<String> prefixes = c.cdiAnnotationPrefixes, swarm = c.swarmResource;
        Set<DriverCapability> supported = c.supportedDriverCapabilities;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object v = e.getValue();
            switch (key) {
                case "accept-nvidia-visible-devices-envvar-when-unprivileged" -> envvar = bool(source, key, v);
                case "accept-nvidia-visible-devices-as-volume-mounts" -> mounts = bool(source, key, v);
                case "disable-require" -> disable = bool(source, key, v);
                case "cuda-minor-version-compatibility" -> minor = bool(source, key, v);
                case "allow-cuda-compat-libs-from-container" -> compat = bool(source, key, v);
                case "cdi-annotation-prefixes" -> prefixes = strings(source, key, v);
                case "swarm-resource" -> swarm = strings(source, key, v);
                case "supported-driver-capabilities" ->
                        supported = DriverCapability.parseSupported(String.join(",", strings(source, key, v)),
                                source + ": " + key);
                default -> throw JaccelException.badInput(source + ": unknown setting '" + key + "' (known: "
                        + "accept-nvidia-visible-devices-envvar-when-unprivileged, "
                        + "accept-nvidia-visible-devices-as-volume-mounts, cdi-annotation-prefixes, swarm-resource, "
                        + "supported-driver-capabilities, disable-require, cuda-minor-version-compatibility, "
                        + "allow-cuda-compat-libs-from-container)");
            }
        }
        return new PlanConfig(envvar, mounts, prefixes, swarm, supported, disable, minor, compat);
    }

    private static boolean bool(String source, String key, Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        throw JaccelException.badInput(source + ": '" + key + "' must be true or false, not " + v);
    }

    /** A JSON array of strings, or one string of comma-separated values (NVIDIA's TOML style). */
    private static List<String> strings(String source, String key, Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof String s) {
            for (String part : s.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
            return out;
        }
        if (v instanceof List<?> list) {
            for (Object item : list) {
                if (!(item instanceof String s)) {
                    throw JaccelException.badInput(source + ": '" + key + "' must hold strings, not " + item);
                }
                out.add(s.trim());
            }
            return out;
        }
        throw JaccelException.badInput(source + ": '" + key + "' must be a string or an array of strings");
    }
}
