package dev.jaccel.nvml;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One call that reads the usual metrics of every GPU: values, gaps, failures, no allocation. */
class GpuSamplerTest {
    /** GPU 0 reports everything, GPU 1 has MIG on (no utilization) and little else, GPU 2 lost its power reading. */
    private static final String HOST = """
            {"driverVersion": "580.95.05", "devices": [
              {"uuid": "GPU-00000000-0000-4000-8000-0000000000f0", "pciBusId": "00000000:18:00.0",
               "memoryTotal": 85520809984, "memoryUsed": 1048576, "temperature": 41, "powerUsage": 312000,
               "utilization": {"gpu": 97, "memory": 60}, "clocks": {"sm": 1980}, "energy": 123456789},
              {"uuid": "GPU-00000000-0000-4000-8000-0000000000f1", "pciBusId": "00000000:2A:00.0",
               "migMode": "enabled", "memoryTotal": 42949672960, "utilization": {"gpu": 1, "memory": 1}},
              {"uuid": "GPU-00000000-0000-4000-8000-0000000000f2", "pciBusId": "00000000:3A:00.0",
               "temperature": 50, "errors": {"nvmlDeviceGetPowerUsage": "GPU_IS_LOST"}}
            ]}
            """;

    @Test
    void oneCallReadsEveryGpuAndMarksWhatIsMissing() {
        FakeNvml.configure(HOST);
        try (NvmlSession s = FakeNvml.library().openSession()) {
            GpuSampler sampler = s.sampler();
            GpuSample x = sampler.sample();
            assertEquals(3, x.gpuCount());
            assertEquals(List.of(97, 60, 85520809984L, 1048576L, 41, 312000, 1980, 123456789L),
                    List.of(x.gpuUtilizationPercent(0), x.memoryUtilizationPercent(0), x.memoryTotalBytes(0),
                            x.memoryUsedBytes(0), x.temperatureCelsius(0), x.powerMilliwatts(0), x.smClockMHz(0),
                            x.energyMillijoules(0)));
            assertTrue(x.ok(0));
            assertEquals(GpuSample.UNAVAILABLE, x.gpuUtilizationPercent(1), "NOT_SUPPORTED with MIG on");
            assertEquals(GpuSample.UNAVAILABLE, x.temperatureCelsius(1));
            assertEquals(42949672960L, x.memoryTotalBytes(1));
            assertTrue(x.ok(1), "NOT_SUPPORTED is a gap, not a failure");
            assertEquals(NvmlReturn.GPU_IS_LOST, x.failure(2));
            assertEquals(GpuSample.UNAVAILABLE, x.powerMilliwatts(2));
            assertEquals(50, x.temperatureCelsius(2), "the other metrics are still read");
            assertTrue(x.timestampNanos() > 0);
        }
    }

    @Test
    void samplingAfterCloseFailsAndAWrongSizedSampleIsRefused() {
        FakeNvml.configure(HOST);
        NvmlSession s = FakeNvml.library().openSession();
        GpuSampler sampler = s.sampler(List.of(s.device(0)));
        assertThrows(IllegalArgumentException.class, () -> sampler.sampleInto(new GpuSample(2)));
        s.close();
        assertThrows(IllegalStateException.class, sampler::sample);
    }

    /** Once compiled, filling a sample creates no object: the JMH figures (gc.alloc.rate.norm) say the same. */
    @Test
    void sampleIntoAllocatesNothingOnceWarm() {
        FakeNvml.configure(HOST);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (NvmlSession s = FakeNvml.library().openSession()) {
            GpuSampler sampler = s.sampler();
            GpuSample sample = sampler.newSample();
            for (int i = 0; i < 200_000; i++) {
                sampler.sampleInto(sample);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) {
                sampler.sampleInto(sample);
            }
            long perCall = (threads.getCurrentThreadAllocatedBytes() - before) / 10_000;
            assertTrue(perCall < 8, perCall + " bytes allocated per sample");
        }
    }
}
