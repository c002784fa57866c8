package dev.jaccel.bench;

import dev.jaccel.core.plan.PlanConfig;
import dev.jaccel.deviceplugin.DevicePlugin;
import dev.jaccel.deviceplugin.PluginOptions;
import dev.jaccel.deviceplugin.resources.DeviceListStrategy;
import dev.jaccel.deviceplugin.resources.MigStrategy;
import dev.jaccel.deviceplugin.resources.PluginDevice;
import dev.jaccel.deviceplugin.server.ResourceService;
import io.grpc.stub.StreamObserver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import v1beta1.Api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The device plugin's two per-pod calls, warm and in-process (the gRPC service methods the socket
 * calls land in, without the transport): Allocate (through the planner, as every Allocate is) and
 * GetPreferredAllocation, for the 8 GPUs of the simulated H100 host ({@code --mig-strategy none})
 * and the 16 Trainium devices of a trn1.32xlarge. Sample time, so the percentiles are reported; the
 * aim is p99 under 1 ms.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class DevicePluginBenchmark {
    /** {@code nvidia.com/gpu}: 2 of 8 GPUs; {@code aws.amazon.com/neuron}: 4 of 16 devices. */
    @Param({"nvidia.com/gpu", "aws.amazon.com/neuron"})
    public String resource;

    Path dir;
    DevicePlugin plugin;
    ResourceService service;
    Api.AllocateRequest allocate;
    Api.PreferredAllocationRequest prefer;
    final Sink<Api.AllocateResponse> allocated = new Sink<>();
    final Sink<Api.PreferredAllocationResponse> preferred = new Sink<>();

    /** Keeps the last answer, so the work cannot be optimised away. */
    static final class Sink<T> implements StreamObserver<T> {
        volatile T last;
        volatile Throwable error;

        @Override
        public void onNext(T value) {
            last = value;
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onCompleted() {
        }
    }

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("jaccel-bench-device-plugin");
        DevicePluginHost host = new DevicePluginHost(dir.resolve("host"));
        plugin = DevicePlugin.prepare(new PluginOptions(dir.resolve("device-plugins"), MigStrategy.none,
                DeviceListStrategy.envvar, dir.resolve("cdi"), dir.resolve("unhealthy"), Duration.ofSeconds(5), null, PlanConfig.DEFAULTS,
                host.context()), line -> { });
        service = plugin.services().stream().filter(s -> s.resource().name().equals(resource)).findFirst().orElseThrow();
        List<String> ids = service.resource().devices().stream().map(PluginDevice::id).toList();
        int size = resource.startsWith("nvidia") ? 2 : 4;
        allocate = Api.AllocateRequest.newBuilder().addContainerRequests(Api.ContainerAllocateRequest.newBuilder()
                .addAllDevicesIds(ids.subList(ids.size() - size, ids.size()))).build();
        prefer = Api.PreferredAllocationRequest.newBuilder().addContainerRequests(Api.ContainerPreferredAllocationRequest
                .newBuilder().addAllAvailableDeviceIDs(ids).addMustIncludeDeviceIDs(ids.get(ids.size() / 2 + 1))
                .setAllocationSize(size)).build();
        allocate();
        if (allocated.error != null) {
            throw new IllegalStateException("Allocate fails on the benchmark host", allocated.error);
        }
    }

    @TearDown
    public void tearDown() {
        plugin.close();
    }

    @Benchmark
    public Api.AllocateResponse allocate() {
        service.allocate(allocate, allocated);
        return allocated.last;
    }

    @Benchmark
    public Api.PreferredAllocationResponse getPreferredAllocation() {
        service.getPreferredAllocation(prefer, preferred);
        return preferred.last;
    }
}
