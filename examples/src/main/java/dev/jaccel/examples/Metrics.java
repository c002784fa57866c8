package dev.jaccel.examples;

import dev.jaccel.api.Jaccel;
import dev.jaccel.metrics.AcceleratorMetrics;
import dev.jaccel.nvml.GpuSample;
import dev.jaccel.nvml.GpuSampler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The usual metrics of every GPU in one call, three times (a metrics loop reuses one sample and
 * allocates nothing), then the same through Micrometer.
 */
public final class Metrics {
    private Metrics() {
    }

    public static void main(String[] args) throws InterruptedException {
        try (Jaccel jaccel = Jaccel.openNvidia()) {
            GpuSampler sampler = jaccel.nvidia().sampler();
            GpuSample sample = sampler.newSample();
            for (int round = 0; round < 3; round++) {
                sampler.sampleInto(sample);
                for (int i = 0; i < sample.gpuCount(); i++) {
                    System.out.println("GPU " + i + ": " + shown(sample.gpuUtilizationPercent(i), "% busy") + ", "
                            + shown(sample.memoryUsedBytes(i) >> 20, " MiB used") + ", "
                            + shown(sample.temperatureCelsius(i), " C") + ", " + shown(sample.powerMilliwatts(i) / 1000, " W"));
                }
                Thread.sleep(100);
            }
            MeterRegistry registry = new SimpleMeterRegistry();
            new AcceleratorMetrics(jaccel).bindTo(registry);
            registry.get("accelerator.memory.used").gauges().forEach(g ->
                    System.out.println("accelerator.memory.used" + g.getId().getTags() + " = " + g.value()));
        }
    }

    /** A metric the GPU does not report is {@link GpuSample#UNAVAILABLE}: say so rather than print -1. */
    private static String shown(long value, String unit) {
        return value < 0 ? "n/a" : value + unit;
    }
}
