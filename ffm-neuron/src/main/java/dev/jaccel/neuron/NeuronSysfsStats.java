package dev.jaccel.neuron;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads the Neuron driver's sysfs counters. A counter is a directory holding {@code total} (and
 * {@code present}, {@code peak}); an {@code other_info} value is a plain file. Only {@code total}
 * and plain values are read: writing any file clears a counter, and nothing here writes. Missing
 * or unreadable files are empty values, never failures: the layout differs between drivers.
 */
final class NeuronSysfsStats {
    private final Path device;   // <root>/sys/devices/virtual/neuron_device/neuron<N>

    NeuronSysfsStats(Path device) {
        this.device = device;
    }

    NeuronCoreStats core(int index, int core) {
        Path stats = device.resolve("neuron_core" + core).resolve("stats");
        Map<String, Long> memory = categories(stats.resolve("memory_usage/device_mem"));
        Path other = stats.resolve("other_info");
        return new NeuronCoreStats(index, core, sum(memory), memory, value(stats.resolve("status/success")),
                value(stats.resolve("status/failure")), value(other.resolve("inference_count")),
                value(other.resolve("flop_count")), value(other.resolve("model_load_count")),
                value(other.resolve("nc_time_in_use")));
    }

    NeuronDeviceStats device(int index) {
        Path stats = device.resolve("stats");
        Map<String, Long> host = categories(stats.resolve("memory_usage/host_mem"));
        return new NeuronDeviceStats(index, sum(host), host, value(stats.resolve("hardware/mem_ecc_uncorrected")),
                value(stats.resolve("hardware/sram_ecc_uncorrected")),
                text(stats.resolve("power/utilization")).map(PowerUtilization::parse));
    }

    /** Each category directory's {@code total}, by name. */
    private static Map<String, Long> categories(Path dir) {
        Map<String, Long> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path category : entries) {
                value(category).ifPresent(v -> out.put(category.getFileName().toString(), v));
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private static Optional<Long> sum(Map<String, Long> values) {
        return values.isEmpty() ? Optional.empty() : Optional.of(values.values().stream().mapToLong(Long::longValue).sum());
    }

    /** A counter directory's {@code total}, or a plain value file. */
    private static Optional<Long> value(Path path) {
        Optional<String> text = text(Files.isDirectory(path) ? path.resolve("total") : path);
        try {
            return text.map(t -> Long.parseLong(t.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
