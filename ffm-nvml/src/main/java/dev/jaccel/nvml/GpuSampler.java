package dev.jaccel.nvml;

import java.util.List;

/**
 * Reads the usual metrics of every GPU of a session in one call, for a metrics loop that runs
 * many times a second: {@code nvmlDeviceGetUtilizationRates}, {@code nvmlDeviceGetMemoryInfo_v2},
 * {@code nvmlDeviceGetTemperatureV}, {@code nvmlDeviceGetPowerUsage},
 * {@code nvmlDeviceGetClockInfo(SM)} and {@code nvmlDeviceGetTotalEnergyConsumption} per GPU.
 *
 * <p>{@link #sampleInto(GpuSample)} allocates nothing: the functions are resolved when the sampler
 * is made (one the library lacks reads {@link GpuSample#UNAVAILABLE} for every GPU), the session is
 * entered once per sample, and failures are recorded as codes rather than thrown.
 * {@link #sample()} allocates only its result. Thread-safe; each thread should fill its own sample.
 */
public final class GpuSampler {
    private final NvmlSession session;
    private final List<NvmlDevice> gpus;
    private final NvmlLibrary.SamplingPlan plan;

    GpuSampler(NvmlSession session, List<NvmlDevice> gpus) {
        this.session = session;
        this.gpus = List.copyOf(gpus);
        this.plan = session.call(() -> session.library().samplingPlan());
    }

    /** The GPUs sampled, in sample order. */
    public List<NvmlDevice> gpus() {
        return gpus;
    }

    /** An empty sample sized for these GPUs, to pass to {@link #sampleInto}. */
    public GpuSample newSample() {
        return new GpuSample(gpus.size());
    }

    /** A new sample. */
    public GpuSample sample() {
        GpuSample s = newSample();
        sampleInto(s);
        return s;
    }

    /**
     * Fills {@code into} (made by {@link #newSample()}) without allocating.
     *
     * @throws IllegalStateException when the session is closed
     */
    public void sampleInto(GpuSample into) {
        if (into.gpuCount() != gpus.size()) {
            throw new IllegalArgumentException("a sample for " + into.gpuCount() + " GPUs cannot hold " + gpus.size());
        }
        session.enterOrThrow();
        try {
            NvmlLibrary library = session.library();
            into.timestampNanos = System.nanoTime();
            for (int i = 0; i < gpus.size(); i++) {
                library.sample(plan, gpus.get(i).handle(), into, i);
            }
        } finally {
            session.exit();
        }
    }
}
