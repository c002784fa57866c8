package dev.jaccel.metrics;

import dev.jaccel.api.Jaccel;
import dev.jaccel.api.Vendor;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.neuron.NeuronCoreStats;
import dev.jaccel.neuron.NeuronHost;
import dev.jaccel.nvml.GpuSample;
import dev.jaccel.nvml.GpuSampler;
import dev.jaccel.nvml.NvmlDevice;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Accelerator gauges for Micrometer, under vendor-neutral names, so that one line of setup puts
 * GPUs and NeuronCores on {@code /actuator/prometheus}:
 *
 * <pre>{@code
 * new AcceleratorMetrics(jaccel).bindTo(registry);     // Spring Boot: return it from a @Bean MeterBinder
 * }</pre>
 *
 * <p>Per device (tags {@code vendor}, {@code uuid}, {@code index}):
 * <ul>
 * <li>{@code accelerator.utilization} (percent), {@code accelerator.memory.utilization} (percent),
 *     {@code accelerator.memory.used} / {@code accelerator.memory.total} (bytes),
 *     {@code accelerator.temperature} (celsius), {@code accelerator.power} (watts),
 *     {@code accelerator.energy} (joules, a counter): NVIDIA GPUs, from one {@link GpuSampler} call
 *     per {@code maxSampleAge};</li>
 * <li>{@code accelerator.memory.used} for a Neuron device: the device memory its cores' runtime
 *     uses, from the driver's sysfs counters.</li>
 * </ul>
 * Per NeuronCore (tags {@code vendor}, {@code uuid}, {@code index}, {@code core}):
 * {@code accelerator.core.memory.used} (bytes), {@code accelerator.core.executions} and
 * {@code accelerator.core.execution.failures} (counters), read from sysfs without owning the core.
 * A Neuron device's {@code uuid} tag is its serial number ({@code neuron<N>} on Inf1, which has none).
 *
 * <p>A value the device does not report (a MIG-enabled GPU's utilization) or cannot report now (a
 * lost GPU, a closed {@link Jaccel}) reads NaN; the binder never throws into the registry.
 */
public final class AcceleratorMetrics implements MeterBinder {
    private static final double MILLIWATTS_PER_WATT = 1000.0;
    private static final double MILLIJOULES_PER_JOULE = 1000.0;

    private final Jaccel jaccel;
    private final Duration maxSampleAge;
    private final Object lock = new Object();
    private GpuSampler sampler;
    private GpuSample gpuSample;
    private List<NeuronCoreStats> coreStats = List.of();
    private long gpuSampledAt;
    private long coresReadAt;

    /** Samples at most once a second however often the registry reads. */
    public AcceleratorMetrics(Jaccel jaccel) {
        this(jaccel, Duration.ofSeconds(1));
    }

    /** Samples at most once per {@code maxSampleAge}: every gauge of one scrape sees the same sample. */
    public AcceleratorMetrics(Jaccel jaccel, Duration maxSampleAge) {
        this.jaccel = jaccel;
        this.maxSampleAge = maxSampleAge;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (jaccel.isAvailable(Vendor.NVIDIA)) {
            bindGpus(registry);
        }
        if (jaccel.isAvailable(Vendor.NEURON)) {
            bindNeuron(registry);
        }
    }

    // ---- NVIDIA ----

    private void bindGpus(MeterRegistry registry) {
        GpuSampler s = jaccel.nvidia().sampler();
        synchronized (lock) {
            sampler = s;
        }
        List<NvmlDevice> gpus = s.gpus();
        for (int i = 0; i < gpus.size(); i++) {
            int at = i;
            NvmlDevice gpu = gpus.get(i);
            Tags tags = Tags.of("vendor", "nvidia", "uuid", gpu.uuid(), "index", Integer.toString(gpu.index()));
            gauge(registry, "accelerator.utilization", "percent", "Percent of time a kernel ran (NVML)", tags,
                    x -> x.gpuUtilizationPercent(at));
            gauge(registry, "accelerator.memory.utilization", "percent", "Percent of time device memory was read or written",
                    tags, x -> x.memoryUtilizationPercent(at));
            gauge(registry, "accelerator.memory.used", "bytes", "Device memory in use", tags, x -> x.memoryUsedBytes(at));
            gauge(registry, "accelerator.memory.total", "bytes", "Device memory", tags, x -> x.memoryTotalBytes(at));
            gauge(registry, "accelerator.temperature", "celsius", "Die temperature", tags, x -> x.temperatureCelsius(at));
            Gauge.builder("accelerator.power", this, m -> m.gpuValue(x -> x.powerMilliwatts(at)) / MILLIWATTS_PER_WATT)
                    .baseUnit("watts").description("Power draw").tags(tags).register(registry);
            FunctionCounter.builder("accelerator.energy", this,
                            m -> m.gpuValue(x -> x.energyMillijoules(at)) / MILLIJOULES_PER_JOULE)
                    .baseUnit("joules").description("Energy since the driver loaded").tags(tags).register(registry);
        }
    }

    private void gauge(MeterRegistry registry, String name, String unit, String description, Tags tags,
                       ToLongFunction<GpuSample> value) {
        Gauge.builder(name, this, m -> m.gpuValue(value)).baseUnit(unit).description(description).tags(tags)
                .register(registry);
    }

    /** One metric of the current sample; NaN when it is unavailable or sampling failed. */
    private double gpuValue(ToLongFunction<GpuSample> metric) {
        GpuSample s = currentGpuSample();
        if (s == null) {
            return Double.NaN;
        }
        long v = metric.applyAsLong(s);
        return v == GpuSample.UNAVAILABLE ? Double.NaN : v;
    }

    private GpuSample currentGpuSample() {
        synchronized (lock) {
            long now = System.nanoTime();
            if (gpuSample == null || now - gpuSampledAt >= maxSampleAge.toNanos()) {
                try {
                    if (gpuSample == null) {
                        gpuSample = sampler.newSample();
                    }
                    sampler.sampleInto(gpuSample);
                    gpuSampledAt = now;
                } catch (RuntimeException closedOrFailed) {
                    return null;
                }
            }
            return gpuSample;
        }
    }

    // ---- Neuron ----

    private void bindNeuron(MeterRegistry registry) {
        NeuronHost neuron = jaccel.neuron();
        for (NeuronDevice d : neuron.devices()) {
            Tags tags = Tags.of("vendor", "neuron", "uuid", d.serial() == null ? "neuron" + d.index() : d.serial(),
                    "index", Integer.toString(d.index()));
            Gauge.builder("accelerator.memory.used", this, m -> m.neuronDeviceMemory(d.index()))
                    .baseUnit("bytes").description("Device memory in use").tags(tags).register(registry);
            int cores = d.coreCount() == null ? 0 : d.coreCount();
            for (int core = 0; core < cores; core++) {
                int k = core;
                Tags coreTags = tags.and("core", Integer.toString(core));
                Gauge.builder("accelerator.core.memory.used", this,
                                m -> m.coreValue(d.index(), k, NeuronCoreStats::deviceMemoryBytes))
                        .baseUnit("bytes").description("Device memory the runtime uses on this NeuronCore")
                        .tags(coreTags).register(registry);
                counter(registry, "accelerator.core.executions", "Executions that succeeded on this NeuronCore",
                        coreTags, m -> m.coreValue(d.index(), k, NeuronCoreStats::executionsSucceeded));
                counter(registry, "accelerator.core.execution.failures", "Executions that failed on this NeuronCore",
                        coreTags, m -> m.coreValue(d.index(), k, NeuronCoreStats::executionsFailed));
            }
        }
    }

    private void counter(MeterRegistry registry, String name, String description, Tags tags,
                         ToDoubleFunction<AcceleratorMetrics> value) {
        FunctionCounter.builder(name, this, value).description(description).tags(tags).register(registry);
    }

    private double neuronDeviceMemory(int device) {
        List<NeuronCoreStats> stats = currentCoreStats();
        List<Long> used = stats.stream().filter(s -> s.device() == device)
                .flatMap(s -> s.deviceMemoryBytes().stream()).toList();
        return used.isEmpty() ? Double.NaN : used.stream().mapToLong(Long::longValue).sum();
    }

    private double coreValue(int device, int core, Function<NeuronCoreStats, Optional<Long>> metric) {
        for (NeuronCoreStats s : currentCoreStats()) {
            if (s.device() == device && s.core() == core) {
                return metric.apply(s).map(Long::doubleValue).orElse(Double.NaN);
            }
        }
        return Double.NaN;
    }

    private List<NeuronCoreStats> currentCoreStats() {
        synchronized (lock) {
            long now = System.nanoTime();
            if (coresReadAt == 0 || now - coresReadAt >= maxSampleAge.toNanos()) {
                try {
                    coreStats = jaccel.neuron().coreStats();
                } catch (RuntimeException closed) {
                    coreStats = List.of();
                }
                coresReadAt = now;
            }
            return coreStats;
        }
    }
}
