package dev.jaccel.bench.report;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jaccel.core.json.JacksonStreams;
import dev.jaccel.core.json.JsonTree;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns one hyperfine run of scripts/latency.sh into the start-latency report: {@code latency.json}
 * (every measurement, the ratios and their targets), {@code latency.md} (a table of medians and
 * ratios) and {@code latency.svg} (a bar chart drawn here, no plotting tool needed).
 *
 * <p>Usage: {@code LatencyReport HYPERFINE_JSON ENTRIES_TSV OUT_DIR [key=value]...}. Each line of
 * the entries file is {@code name<TAB>label<TAB>available|unavailable<TAB>command or reason}, in
 * the order to report; the key=value pairs describe the run (date, machine, load, JDK).
 */
public final class LatencyReport {

    /** One row: a hyperfine result, or why the script could not measure it. */
    record Entry(String name, String label, boolean available, String detail, Stats stats) {
    }

    /** hyperfine's numbers for one command, in milliseconds. */
    record Stats(double median, double mean, double stddev, double min, double max, double user, double system,
                 double p90, int runs) {
    }

    /**
     * A ratio the report tracks: {@code numerator / denominator}, or, with {@code minus}, the overhead
     * {@code (numerator - minus) / denominator} (e.g. what jaccel adds to a runc start, in JVM floors);
     * {@code target} is null when the ratio is informational.
     */
    record Ratio(String numerator, String minus, String denominator, Double target, String meaning) {
        Ratio(String numerator, String denominator, Double target, String meaning) {
            this(numerator, null, denominator, target, meaning);
        }

        String formula() {
            return minus == null ? numerator + " / " + denominator : "(" + numerator + " - " + minus + ") / " + denominator;
        }
    }

    static final List<Ratio> RATIOS = List.of(
            new Ratio("jvm-floor", "c-null-hook", null, "a JVM start against a C process"),
            new Ratio("hook-plain", "jvm-floor", 1.15, "hook, no accelerator requested"),
            new Ratio("hook-void", "jvm-floor", 1.15, "hook, NVIDIA_VISIBLE_DEVICES=void (answered without a JVM)"),
            new Ratio("hook-8gpu-snapshot", "jvm-floor", null, "hook alone, 8 GPUs injected from the snapshot"),
            new Ratio("hook-8gpu-nvml", "jvm-floor", null, "hook alone, 8 GPUs injected, NVML through FFM (no snapshot)"),
            new Ratio("runtime-run", "runc-run", 1.05, "jaccel runtime run, no GPU, against runc run"),
            new Ratio("runtime-run-void", "runc-run", 1.05, "jaccel runtime run, NVIDIA_VISIBLE_DEVICES=void, against runc run"),
            new Ratio("runtime-run-8gpu", "runc-run", 2.5, "jaccel runtime run, 8 GPUs, each start its JVM (no start service), against runc run of the container without GPUs"),
            new Ratio("runtime-run-8gpu", "runc-run", "jvm-floor", 1.3, "what jaccel runtime run adds for 8 GPUs, each start its JVM (no start service), in JVM floors"),
            new Ratio("runc-run-8gpu-spec", "runc-run", null,
                    "runc's own cost of the 8 GPUs: runc run of the spec jaccel edited, against the container without GPUs"),
            new Ratio("runtime-run-8gpu", "runc-run-8gpu-spec", "jvm-floor", null,
                    "jaccel's own share of runtime run for 8 GPUs (the spec edit), in JVM floors"),
            new Ratio("runc-hook-8gpu", "runc-run", "jvm-floor", 1.6,
                    "what jaccel as runc's only (prestart) hook adds for 8 GPUs, each start its JVM (no start service), in JVM floors"),
            new Ratio("hook-8gpu-served", "jvm-floor", null,
                    "hook alone, 8 GPUs injected by the start service (jaccel serve), no JVM started"),
            new Ratio("runtime-run-8gpu-served", "runc-run", 2.5,
                    "jaccel runtime run, 8 GPUs, by the start service, against runc run of the container without GPUs"),
            new Ratio("runtime-run-8gpu-served", "runc-run", "jvm-floor", 1.3,
                    "what jaccel runtime run adds for 8 GPUs by the start service, in JVM floors"),
            new Ratio("runc-hook-8gpu-served", "runc-run", "jvm-floor", 1.6,
                    "what jaccel as runc's only (prestart) hook adds for 8 GPUs by the start service, in JVM floors"));

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: LatencyReport HYPERFINE_JSON ENTRIES_TSV OUT_DIR [key=value]...");
            System.exit(2);
        }
        Map<String, Stats> measured = readHyperfine(Path.of(args[0]));
        List<Entry> entries = readEntries(Path.of(args[1]), measured);
        Map<String, String> meta = new LinkedHashMap<>();
        for (String kv : Arrays.copyOfRange(args, 3, args.length)) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                System.err.println("LatencyReport: " + kv + " is not key=value");
                System.exit(2);
            }
            meta.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        Path out = Path.of(args[2]);
        Files.createDirectories(out);
        writeJson(out.resolve("latency.json"), entries, meta);
        Files.writeString(out.resolve("latency.md"), markdown(entries, meta));
        Files.writeString(out.resolve("latency.svg"), Svg.barChart(entries, meta));
        System.out.println("latency report: " + out.resolve("latency.md") + ", latency.json, latency.svg");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Stats> readHyperfine(Path file) throws IOException {
        Map<String, Stats> byName = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return byName;   // nothing could be measured
        }
        Map<String, Object> root = (Map<String, Object>) JsonTree.read(Files.readAllBytes(file));
        for (Object o : (List<Object>) root.get("results")) {
            Map<String, Object> r = (Map<String, Object>) o;
            List<Object> times = (List<Object>) r.get("times");
            double[] sorted = times.stream().mapToDouble(t -> ((Number) t).doubleValue() * 1e3).sorted().toArray();
            byName.put((String) r.get("command"), new Stats(ms(r, "median"), ms(r, "mean"), ms(r, "stddev"),
                    ms(r, "min"), ms(r, "max"), ms(r, "user"), ms(r, "system"), percentile(sorted, 0.9), sorted.length));
        }
        return byName;
    }

    private static double ms(Map<String, Object> result, String key) {
        Object v = result.get(key);
        return v instanceof Number n ? n.doubleValue() * 1e3 : Double.NaN;
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static List<Entry> readEntries(Path tsv, Map<String, Stats> measured) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (String line : Files.readAllLines(tsv)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", 4);
            if (f.length != 4) {
                throw new IOException(tsv + ": expected name<TAB>label<TAB>status<TAB>detail, got: " + line);
            }
            boolean available = f[2].equals("available");
            Stats stats = measured.get(f[0]);
            if (available && stats == null) {
                entries.add(new Entry(f[0], f[1], false, "hyperfine produced no result for it", null));
            } else {
                entries.add(new Entry(f[0], f[1], available, f[3], available ? stats : null));
            }
        }
        return entries;
    }

    /** Ratios about rows this report has (measured or not); the others belong to another run. */
    static List<Ratio> relevant(List<Entry> entries) {
        return RATIOS.stream().filter(r -> entries.stream().anyMatch(e -> e.name().equals(r.numerator()))).toList();
    }

    static Double ratio(List<Entry> entries, Ratio r) {
        Stats a = stats(entries, r.numerator());
        Stats b = stats(entries, r.denominator());
        Stats minus = r.minus() == null ? null : stats(entries, r.minus());
        if (a == null || b == null || (r.minus() != null && minus == null)) {
            return null;
        }
        return (a.median() - (minus == null ? 0 : minus.median())) / b.median();
    }

    private static Stats stats(List<Entry> entries, String name) {
        return entries.stream().filter(e -> e.name().equals(name) && e.available()).map(Entry::stats)
                .findFirst().orElse(null);
    }

    static void writeJson(Path file, List<Entry> entries, Map<String, String> meta) throws IOException {
        try (OutputStream os = Files.newOutputStream(file);
             JsonGenerator g = JacksonStreams.FACTORY.createGenerator(os).useDefaultPrettyPrinter()) {
            g.writeStartObject();
            g.writeObjectFieldStart("run");
            for (Map.Entry<String, String> m : meta.entrySet()) {
                g.writeStringField(m.getKey(), m.getValue());
            }
            g.writeEndObject();
            g.writeArrayFieldStart("measurements");
            for (Entry e : entries) {
                g.writeStartObject();
                g.writeStringField("name", e.name());
                g.writeStringField("label", e.label());
                g.writeBooleanField("available", e.available());
                if (e.available()) {
                    Stats s = e.stats();
                    g.writeStringField("command", e.detail());
                    g.writeNumberField("runs", s.runs());
                    number(g, "medianMs", s.median());
                    number(g, "meanMs", s.mean());
                    number(g, "stddevMs", s.stddev());
                    number(g, "minMs", s.min());
                    number(g, "p90Ms", s.p90());
                    number(g, "maxMs", s.max());
                    number(g, "userMs", s.user());
                    number(g, "systemMs", s.system());
                } else {
                    g.writeStringField("reason", e.detail());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("ratios");
            for (Ratio r : relevant(entries)) {
                Double value = ratio(entries, r);
                g.writeStartObject();
                g.writeStringField("ratio", r.formula());
                g.writeStringField("meaning", r.meaning());
                if (value == null) {
                    g.writeNullField("value");
                } else {
                    number(g, "value", value);
                }
                if (r.target() == null) {
                    g.writeNullField("target");
                } else {
                    g.writeNumberField("target", r.target());
                    if (value == null) {
                        g.writeNullField("met");
                    } else {
                        g.writeBooleanField("met", value <= r.target());
                    }
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static void number(JsonGenerator g, String field, double v) throws IOException {
        if (Double.isNaN(v)) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, Math.round(v * 1000) / 1000.0);
        }
    }

    static String markdown(List<Entry> entries, Map<String, String> meta) {
        StringBuilder md = new StringBuilder();
        md.append("| measurement | median ms | mean ± sd ms | min ms | p90 ms | user+sys ms | × JVM floor |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        Stats floor = stats(entries, "jvm-floor");
        for (Entry e : entries) {
            if (!e.available()) {
                md.append("| ").append(e.label()).append(" | not available: ").append(e.detail().replace("|", "\\|"))
                        .append(" | | | | | |\n");
                continue;
            }
            Stats s = e.stats();
            md.append("| ").append(e.label())
                    .append(" | ").append(f1(s.median()))
                    .append(" | ").append(f1(s.mean())).append(" ± ").append(f1(s.stddev()))
                    .append(" | ").append(f1(s.min()))
                    .append(" | ").append(f1(s.p90()))
                    .append(" | ").append(f1(s.user() + s.system()))
                    .append(" | ").append(floor == null ? "" : String.format(Locale.ROOT, "%.2f", s.median() / floor.median()))
                    .append(" |\n");
        }
        List<Ratio> ratios = relevant(entries);
        if (!ratios.isEmpty()) {
            md.append("\n| ratio of medians | value | target | met |\n|---|---:|---:|---|\n");
        }
        for (Ratio r : ratios) {
            Double v = ratio(entries, r);
            md.append("| ").append(r.meaning()).append(" (`").append(r.formula()).append("`) | ")
                    .append(v == null ? "n/a" : String.format(Locale.ROOT, "%.2f", v)).append(" | ")
                    .append(r.target() == null ? "" : "≤ " + r.target()).append(" | ")
                    .append(r.target() == null || v == null ? "" : v <= r.target() ? "yes" : "**no**").append(" |\n");
        }
        if (!meta.isEmpty()) {
            md.append('\n');
            meta.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        }
        return md.toString();
    }

    static String f1(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.1f", v);
    }

    private LatencyReport() {
    }
}
