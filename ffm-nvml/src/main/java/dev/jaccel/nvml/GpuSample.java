package dev.jaccel.nvml;

import java.util.Arrays;

/**
 * The usual metrics of a set of GPUs read at one moment by a {@link GpuSampler}: utilization,
 * memory, temperature, power, SM clock and energy, by position in {@link GpuSampler#gpus()}.
 *
 * <p>Built for a hot loop, so values are primitives: a metric the GPU does not report
 * (NOT_SUPPORTED, e.g. utilization on a MIG-enabled GPU) reads {@value #UNAVAILABLE}, and a GPU
 * whose calls failed otherwise (GPU_IS_LOST, ...) says so in {@link #failure(int)}. A sample is
 * reused by {@link GpuSampler#sampleInto}; it is not thread-safe.
 */
public final class GpuSample {
    /** A metric the GPU did not report. */
    public static final int UNAVAILABLE = -1;

    final int[] gpuUtilization;
    final int[] memoryUtilization;
    final long[] memoryUsed;
    final long[] memoryTotal;
    final int[] temperature;
    final int[] power;
    final int[] smClock;
    final long[] energy;
    final int[] failure;
    long timestampNanos;

    GpuSample(int gpus) {
        gpuUtilization = new int[gpus];
        memoryUtilization = new int[gpus];
        memoryUsed = new long[gpus];
        memoryTotal = new long[gpus];
        temperature = new int[gpus];
        power = new int[gpus];
        smClock = new int[gpus];
        energy = new long[gpus];
        failure = new int[gpus];
    }

    public int gpuCount() {
        return failure.length;
    }

    /** {@link System#nanoTime()} when the sample was taken. */
    public long timestampNanos() {
        return timestampNanos;
    }

    /** Percent of the last sample period a kernel ran. */
    public int gpuUtilizationPercent(int gpu) {
        return gpuUtilization[gpu];
    }

    /** Percent of the last sample period device memory was read or written. */
    public int memoryUtilizationPercent(int gpu) {
        return memoryUtilization[gpu];
    }

    public long memoryUsedBytes(int gpu) {
        return memoryUsed[gpu];
    }

    public long memoryTotalBytes(int gpu) {
        return memoryTotal[gpu];
    }

    public int temperatureCelsius(int gpu) {
        return temperature[gpu];
    }

    public int powerMilliwatts(int gpu) {
        return power[gpu];
    }

    public int smClockMHz(int gpu) {
        return smClock[gpu];
    }

    /** Energy since the driver loaded, millijoules: a counter. */
    public long energyMillijoules(int gpu) {
        return energy[gpu];
    }

    /** The first failure of this GPU's calls other than NOT_SUPPORTED, or {@link NvmlReturn#SUCCESS}. */
    public NvmlReturn failure(int gpu) {
        return NvmlReturn.of(failure[gpu]);
    }

    /** Whether every call for this GPU answered (or said NOT_SUPPORTED). */
    public boolean ok(int gpu) {
        return failure[gpu] == 0;
    }

    @Override
    public String toString() {
        return "GpuSample[gpu%=" + Arrays.toString(gpuUtilization) + ", memUsed=" + Arrays.toString(memoryUsed)
                + ", tempC=" + Arrays.toString(temperature) + ", mW=" + Arrays.toString(power)
                + ", smMHz=" + Arrays.toString(smClock) + ", failures=" + Arrays.toString(failure) + "]";
    }
}
