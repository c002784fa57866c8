package dev.jaccel.neuron;

import java.util.Map;

/**
 * The logical NeuronCore config (LNC): how many physical cores form one core the runtime numbers.
 * Only 1 and 2 are valid and it applies only to Trainium2/3, where the default is 2; other devices
 * are always 1 (aws-neuron-sdk about-neuron/arch/neuron-features/logical-neuroncore-config.rst; docs/neuron-semantics.md §3.3).
 * The node-wide default lives in {@code /opt/aws/neuron/logical_nc_config} as appended
 * {@code NEURON_LOGICAL_NC_CONFIG=<n>} lines (aws-neuron-sdk deploy/eks/prerequisites.rst); the environment
 * variable wins over it.
 *
 * @param configured the value from the environment or the file, or {@code null} when neither sets one
 * @param source     where {@code configured} came from
 */
record LogicalCoreConfig(Integer configured, String source) {
    static final String ENV = "NEURON_LOGICAL_NC_CONFIG";
    static final String FILE = "/opt/aws/neuron/logical_nc_config";

    /** Resolves the configured value; invalid values are noted and ignored. */
    static LogicalCoreConfig resolve(Map<String, String> env, HostFiles files) {
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Integer value = parse(fromEnv.strip());
            if (value != null) {
                return new LogicalCoreConfig(value, ENV);
            }
            files.note(ENV + "=" + fromEnv + " ignored: only 1 and 2 are supported");
        }
        String text = files.read(FILE);
        if (text != null) {
            Integer last = null;
            for (String line : text.lines().map(String::strip).toList()) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String value = line.startsWith(ENV + "=") ? line.substring(ENV.length() + 1).strip() : line;
                Integer parsed = parse(value);
                if (parsed == null) {
                    files.note(FILE + ": \"" + line + "\" ignored: only " + ENV + "=1 or =2 is supported");
                } else {
                    last = parsed;   // appended lines: the last one wins
                }
            }
            if (last != null) {
                return new LogicalCoreConfig(last, FILE);
            }
        }
        return new LogicalCoreConfig(null, "default");
    }

    /** Physical cores per logical core on a device of this generation. */
    int factorFor(String instanceType, String deviceName) {
        if (!supportsLnc(instanceType, deviceName)) {
            return 1;
        }
        return configured != null ? configured : 2;
    }

    /** LNC exists on Trainium2 and Trainium3 only. */
    static boolean supportsLnc(String instanceType, String deviceName) {
        return startsWithAny(instanceType, "Trn2", "Trn3") || startsWithAny(deviceName, "Trainium2", "Trainium3");
    }

    private static boolean startsWithAny(String s, String... prefixes) {
        if (s == null) {
            return false;
        }
        for (String p : prefixes) {
            if (s.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static Integer parse(String value) {
        return switch (value) {
            case "1" -> 1;
            case "2" -> 2;
            default -> null;
        };
    }
}
