package dev.jaccel.bench;

import dev.jaccel.nvml.GpuSample;
import dev.jaccel.nvml.GpuSampler;
import dev.jaccel.nvml.NvmlLibrary;
import dev.jaccel.nvml.NvmlSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The one sampling call of a metrics loop, warm: utilization, memory, temperature, power, SM clock
 * and energy of the simulated host's 8 GPUs (48 NVML calls). {@code sampleInto} refills one
 * sample and should allocate nothing (run with {@code -prof gc}: {@code gc.alloc.rate.norm});
 * {@code sample} allocates its result only. On the fake, each call also pays the fake's own lock
 * and JSON lookups (about 100 ns, the C floor in {@link NvmlCallBenchmark}'s report).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class GpuSamplerBenchmark {
    NvmlSession session;
    GpuSampler sampler;
    GpuSample reused;

    @Setup
    public void setUp() {
        session = NvmlLibrary.load(BenchHost.nvmlLibrary()).openSession();
        sampler = session.sampler();
        if (sampler.gpus().size() != 8) {
            throw new IllegalStateException("expected the simulated host's 8 GPUs, found " + sampler.gpus().size());
        }
        reused = sampler.newSample();
    }

    @TearDown
    public void tearDown() {
        session.close();
    }

    @Benchmark
    public GpuSample sampleInto() {
        sampler.sampleInto(reused);
        return reused;
    }

    @Benchmark
    public GpuSample sample() {
        return sampler.sample();
    }
}
