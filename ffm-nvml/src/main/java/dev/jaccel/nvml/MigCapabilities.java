package dev.jaccel.nvml;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The MIG capability minors (docs/nvml.md §5.4, as nvidia-ctk {@code internal/nvcaps}, the device
 * plugin and libnvidia-container use them): {@code /proc/driver/nvidia-caps/mig-minors} maps
 * {@code gpu<minor>/gi<G>/access} and {@code gpu<minor>/gi<G>/ci<C>/access} to the minor of
 * {@code /dev/nvidia-caps/nvidia-cap<M>}. {@code <minor>} is the parent GPU's device minor, not its
 * index. Where the table is absent, the capability file
 * {@code /proc/driver/nvidia/capabilities/<cap>} gives {@code DeviceFileMinor}.
 */
public final class MigCapabilities {
    private final Path hostRoot;
    private final Map<String, Integer> minors;

    private MigCapabilities(Path hostRoot, Map<String, Integer> minors) {
        this.hostRoot = hostRoot;
        this.minors = minors;
    }

    /** {@code <cap> <minor>} lines. */
    public static Map<String, Integer> parseMigMinors(String text) {
        // the driver's table holds every cap of every possible GPU (1,000+ lines for 8 GPUs), read on
        // each discovery: split by hand, a regex split compiles a Pattern per line (about 6 ms here)
        Map<String, Integer> out = new LinkedHashMap<>();
        int at = 0;
        int end = text.length();
        while (at < end) {
            int nl = text.indexOf('\n', at);
            int lineEnd = nl < 0 ? end : nl;
            int keyStart = skipBlanks(text, at, lineEnd);
            int keyEnd = skipNonBlanks(text, keyStart, lineEnd);
            int valueStart = skipBlanks(text, keyEnd, lineEnd);
            int valueEnd = skipNonBlanks(text, valueStart, lineEnd);
            if (keyEnd > keyStart && valueEnd > valueStart && skipBlanks(text, valueEnd, lineEnd) == lineEnd) {
                try {
                    out.put(text.substring(keyStart, keyEnd), Integer.parseInt(text, valueStart, valueEnd, 10));
                } catch (NumberFormatException e) {
                    // not a table line
                }
            }
            at = lineEnd + 1;
        }
        return out;
    }

    private static int skipBlanks(String s, int from, int to) {
        while (from < to && Character.isWhitespace(s.charAt(from))) {
            from++;
        }
        return from;
    }

    private static int skipNonBlanks(String s, int from, int to) {
        while (from < to && !Character.isWhitespace(s.charAt(from))) {
            from++;
        }
        return from;
    }

    public static MigCapabilities read(Path hostRoot) throws IOException {
        Optional<String> table = NvidiaProcFacts.readIfPresent(hostRoot.resolve("proc/driver/nvidia-caps/mig-minors"));
        return new MigCapabilities(hostRoot, table.map(MigCapabilities::parseMigMinors).orElse(Map.of()));
    }

    public static String gpuInstanceCap(int gpuMinor, int gi) {
        return "gpu" + gpuMinor + "/gi" + gi + "/access";
    }

    public static String computeInstanceCap(int gpuMinor, int gi, int ci) {
        return "gpu" + gpuMinor + "/gi" + gi + "/ci" + ci + "/access";
    }

    /** The minor of {@code /dev/nvidia-caps/nvidia-cap<M>} for a capability such as {@code gpu3/gi1/access}. */
    public Optional<Integer> minor(String cap) throws IOException {
        Integer m = minors.get(cap);
        if (m != null) {
            return Optional.of(m);
        }
        String file = cap.replaceFirst("^gpu(\\d+)/", "gpu$1/mig/");
        Optional<String> text = NvidiaProcFacts.readIfPresent(
                hostRoot.resolve("proc/driver/nvidia/capabilities").resolve(file));
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String v = NvidiaProcFacts.parseKeyValues(text.get()).get("DeviceFileMinor");
        try {
            return v == null ? Optional.empty() : Optional.of(Integer.parseInt(v));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
