package dev.jaccel.bench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchReportTest {
    private static String run(String benchmark, double score, String unit) {
        return "{\"benchmark\": \"dev.jaccel.bench." + benchmark + "\", \"mode\": \"avgt\", \"params\": {},"
                + " \"primaryMetric\": {\"score\": " + score + ", \"scoreError\": 0.5, \"scoreUnit\": \"" + unit + "\"}}";
    }

    @Test
    void perCallTableComparesTheBindingWithTheCFloorAndJna(@TempDir Path dir) throws IOException {
        Path jmh = Files.writeString(dir.resolve("jmh.json"), "[" + String.join(",",
                run("NvmlCallBenchmark.count_ffmBinding", 30, "ns/op"),
                run("NvmlCallBenchmark.count_ffmRaw", 20, "ns/op"),
                run("NvmlCallBenchmark.count_jna", 600, "ns/op"),
                run("NvmlCallBenchmark.count_jnaDirect", 250, "ns/op"),
                run("NvmlCallBenchmark.uuid_ffmBinding", 200, "ns/op"),
                run("NvmlCallBenchmark.uuid_jna", 900, "ns/op"),
                run("InventoryBenchmark.nvidiaBackend", 12.5, "us/op")) + "]");
        Path floor = Files.writeString(dir.resolve("c.json"), """
                {"library": "x", "nsPerCall": {"nvmlDeviceGetCount_v2": 12.0, "nvmlDeviceGetMemoryInfo_v2": 14.0,
                 "nvmlDeviceGetUUID": 40.0, "nvmlDeviceGetUUID+strlen": 50.0}}
                """);
        Path out = dir.resolve("bench.md");
        BenchReport.main(new String[] {out.toString(), floor.toString(), jmh.toString()});
        String md = Files.readString(out);
        assertTrue(md.contains("| `nvmlDeviceGetCount_v2` | 12.00 | 30.00 ± 0.50 | 20.00 ± 0.50 | 600 ± 0.50 | 250 ± 0.50 | 2.50 | 20.00 |"), md);
        assertTrue(md.contains("| `nvmlDeviceGetUUID+strlen` | 50.00 | 200 ± 0.50 | n/a | 900 ± 0.50 | n/a | 4.00 (missed) | 4.50 (missed) |"), md);
        assertTrue(md.contains("| `nvmlDeviceGetMemoryInfo_v2` | 14.00 | n/a | n/a | n/a | n/a | n/a | n/a |"), md);
        assertTrue(md.contains("| InventoryBenchmark.nvidiaBackend | 12.50 ± 0.50 | us/op |"), md);
    }
}
