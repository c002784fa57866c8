package dev.jaccel.bench;

import dev.jaccel.nvml.GpuSample;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What an ML service pays once, in a fresh JVM, before its first GPU metrics: load NVML, link the
 * downcall handles, open a session, enumerate the GPUs and take the first sample. One shot per
 * fork, no warm-up, default JIT (a service, unlike the hook, runs with C2). {@code firstSession}
 * stops after opening the session and listing the GPUs, so the two tell the linking and
 * enumeration apart from the sampler's own first call.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 10, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class FirstUseBenchmark {
    String library;

    @Setup
    public void setUp() {
        library = BenchHost.nvmlLibrary();   // lays out the simulated host; nothing of NVML is loaded yet
    }

    @Benchmark
    public int firstSession() {
        try (NvmlSession s = NvmlLibrary.load(library).openSession()) {
            return s.devices().size();
        }
    }

    @Benchmark
    public GpuSample firstSample() {
        try (NvmlSession s = NvmlLibrary.load(library).openSession()) {
            return s.sampler().sample();
        }
    }
}
