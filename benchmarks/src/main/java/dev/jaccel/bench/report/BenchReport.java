package dev.jaccel.bench.report;

import dev.jaccel.core.json.JsonTree;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Summarises a JMH run ({@code -rf json}) and the C floor's output (nvml_call_floor.c) into
 * markdown: the per-call table (C floor, FFM through jaccel's binding, bare FFM, JNA, JNA direct)
 * with the ratios the targets are about, then every other benchmark.
 *
 * <p>Usage: {@code BenchReport OUT_MD C_FLOOR_JSON JMH_JSON...} (several JMH runs, e.g. the cold
 * suite with its own forks and the rest, are reported together).
 */
public final class BenchReport {
    /** Per-call benchmark prefix in NvmlCallBenchmark and the C floor's function name. */
    static final Map<String, String> CALLS = new LinkedHashMap<>();

    static {
        CALLS.put("count", "nvmlDeviceGetCount_v2");
        CALLS.put("memoryInfo", "nvmlDeviceGetMemoryInfo_v2");
        CALLS.put("uuid", "nvmlDeviceGetUUID+strlen");
    }

    static final List<String> VARIANTS = List.of("ffmBinding", "ffmRaw", "jna", "jnaDirect");
    static final double FFM_OVER_C_TARGET = 3.0;
    static final double JNA_OVER_FFM_TARGET = 10.0;

    record Score(double value, double error, String unit) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: BenchReport OUT_MD C_FLOOR_JSON JMH_JSON...");
            System.exit(2);
        }
        Map<String, Score> jmh = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            jmh.putAll(readJmh(Path.of(args[i])));
        }
        Map<String, Double> floor = readFloor(Path.of(args[1]));
        Files.writeString(Path.of(args[0]), markdown(jmh, floor));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Score> readJmh(Path file) throws IOException {
        Map<String, Score> scores = new LinkedHashMap<>();
        for (Object o : (List<Object>) JsonTree.read(Files.readAllBytes(file))) {
            Map<String, Object> run = (Map<String, Object>) o;
            Map<String, Object> metric = (Map<String, Object>) run.get("primaryMetric");
            String name = ((String) run.get("benchmark")).replace("dev.jaccel.bench.", "");
            Map<String, Object> params = (Map<String, Object>) run.get("params");
            if (params != null && !params.isEmpty()) {
                name += " " + params;
            }
            scores.put(name, new Score(number(metric.get("score")), number(metric.get("scoreError")),
                    (String) metric.get("scoreUnit")));
        }
        return scores;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Double> readFloor(Path file) throws IOException {
        Map<String, Double> ns = new LinkedHashMap<>();
        if (Files.exists(file) && Files.size(file) > 0) {
            Map<String, Object> root = (Map<String, Object>) JsonTree.read(Files.readAllBytes(file));
            ((Map<String, Object>) root.get("nsPerCall")).forEach((k, v) -> ns.put(k, number(v)));
        }
        return ns;
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    static String markdown(Map<String, Score> jmh, Map<String, Double> floor) {
        StringBuilder md = new StringBuilder("### Per call, ns (JMH average time; C floor: best round mean)\n\n");
        md.append("| function | C floor | FFM (jaccel binding) | FFM (bare) | JNA | JNA direct | binding / C (≤ ")
                .append(FFM_OVER_C_TARGET).append(") | JNA / binding (≥ ").append(JNA_OVER_FFM_TARGET).append(") |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, String> call : CALLS.entrySet()) {
            Double c = floor.get(call.getValue());
            md.append("| `").append(call.getValue()).append("` | ").append(c == null ? "n/a" : f(c));
            for (String v : VARIANTS) {
                Score s = jmh.get("NvmlCallBenchmark." + call.getKey() + "_" + v);
                md.append(" | ").append(s == null ? "n/a" : f(s.value()) + " ± " + f(s.error()));
            }
            Score binding = jmh.get("NvmlCallBenchmark." + call.getKey() + "_ffmBinding");
            Score jna = jmh.get("NvmlCallBenchmark." + call.getKey() + "_jna");
            md.append(" | ").append(binding == null || c == null ? "n/a" : ratio(binding.value() / c, FFM_OVER_C_TARGET, true));
            md.append(" | ").append(binding == null || jna == null ? "n/a" : ratio(jna.value() / binding.value(), JNA_OVER_FFM_TARGET, false));
            md.append(" |\n");
        }
        md.append("\n### Other suites\n\n| benchmark | score | unit |\n|---|---:|---|\n");
        jmh.forEach((name, s) -> {
            if (!name.startsWith("NvmlCallBenchmark.")) {
                md.append("| ").append(name).append(" | ").append(f(s.value())).append(" ± ").append(f(s.error()))
                        .append(" | ").append(s.unit()).append(" |\n");
            }
        });
        return md.toString();
    }

    private static String ratio(double r, double target, boolean atMost) {
        boolean met = atMost ? r <= target : r >= target;
        return String.format(Locale.ROOT, "%.2f%s", r, met ? "" : " (missed)");
    }

    private static String f(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private BenchReport() {
    }
}
