package dev.jaccel.nvml;

import dev.jaccel.core.model.PciBusId;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the NVIDIA kernel module says about itself without NVML (docs/nvml.md §9): the module
 * version and the per-GPU {@code information} files under {@code /proc/driver/nvidia}.
 */
public final class NvidiaProcFacts {
    /**
     * Line 1 of {@code /proc/driver/nvidia/version}: the first dotted number after "Module" and an
     * optional "for <arch>". Proprietary: {@code NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  <date>};
     * open: {@code NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  565.57.01  Release Build ...}
     * (examples from nixGL issues 186 and 121, neofetch issue 876).
     */
    private static final Pattern MODULE_VERSION = Pattern.compile(
            "Module(?:\\s+for\\s+\\S+)?\\s+(\\d+(?:\\.\\d+)+)");
    private static final Pattern LIBRARY_VERSION = Pattern.compile("\\.so\\.(\\d+\\.\\d+(?:\\.\\d+)*)$");

    private NvidiaProcFacts() {
    }

    /** The module version from the text of {@code /proc/driver/nvidia/version}. */
    public static Optional<String> parseModuleVersion(String text) {
        String first = text.lines().findFirst().orElse("");
        if (!first.startsWith("NVRM version:")) {
            return Optional.empty();
        }
        Matcher m = MODULE_VERSION.matcher(first);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The loaded module's version, empty when the module is not loaded (no file). */
    public static Optional<String> kernelModuleVersion(Path hostRoot) throws IOException {
        Optional<String> text = readIfPresent(hostRoot.resolve("proc/driver/nvidia/version"));
        return text.flatMap(NvidiaProcFacts::parseModuleVersion);
    }

    /** The driver version in a library file name, {@code libnvidia-ml.so.580.95.05} → {@code 580.95.05}. */
    public static Optional<String> libraryVersion(Path file) {
        Path name = file.getFileName();
        if (name == null) {
            return Optional.empty();
        }
        Matcher m = LIBRARY_VERSION.matcher(name.toString());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * {@code Key: value} lines (the {@code information} and capability files): split on the first
     * colon and trim, as nvidia-ctk does.
     */
    public static Map<String, String> parseKeyValues(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                out.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return out;
    }

    /** A GPU's {@code /proc/driver/nvidia/gpus/<bus id>/information}. */
    public record GpuInformation(Map<String, String> fields) {
        public Optional<String> model() {
            return Optional.ofNullable(fields.get("Model"));
        }

        public Optional<String> uuid() {
            return Optional.ofNullable(fields.get("GPU UUID"));
        }

        public Optional<String> busLocation() {
            return Optional.ofNullable(fields.get("Bus Location"));
        }

        /** "Device Minor": missing on old drivers (lxd issue 3950). */
        public Optional<Integer> deviceMinor() {
            String v = fields.get("Device Minor");
            try {
                return v == null ? Optional.empty() : Optional.of(Integer.parseInt(v));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    /**
     * The information file of the GPU at this bus id (any spelling). The directory uses the
     * lower-case 4-digit domain, but some drivers use 8 digits; like libnvidia-container, try
     * the 8-digit spelling first, then the 4-digit one.
     */
    public static Optional<GpuInformation> gpuInformation(Path hostRoot, String busId) throws IOException {
        Optional<PciBusId> b = PciBusId.parse(busId);
        if (b.isEmpty()) {
            return Optional.empty();
        }
        String sysfs = PciBusId.sysfs(busId);
        Path gpus = hostRoot.resolve("proc/driver/nvidia/gpus");
        for (String dir : new String[] {b.get().toString(), sysfs}) {
            Optional<String> text = readIfPresent(gpus.resolve(dir).resolve("information"));
            if (text.isPresent()) {
                return Optional.of(new GpuInformation(parseKeyValues(text.get())));
            }
        }
        return Optional.empty();
    }

    static Optional<String> readIfPresent(Path p) throws IOException {
        try {
            return Optional.of(Files.readString(p));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
