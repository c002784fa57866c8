package dev.jaccel.bench;

import dev.jaccel.deviceplugin.server.UdsTransport;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import v1beta1.Api;
import v1beta1.DevicePluginGrpc;
import v1beta1.RegistrationGrpc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The device plugin's resident memory under load: it runs {@code jaccel device-plugin} as a child
 * JVM with {@code bin/jaccel}'s JVM flags and the heap the DaemonSet's 256 MiB memory limit gives a
 * container-aware JVM ({@code -XX:MaxRAM=256m}), registers it with a kubelet stand-in, makes
 * 100,000 Allocate calls over its socket (GPUs and NeuronCores in turn) and 1,000 health changes
 * seen on an open ListAndWatch stream, then prints one JSON line with VmRSS and VmHWM. A report,
 * not a test:
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar dev.jaccel.bench.DevicePluginRss [REPO] [ALLOCATIONS] [HEALTH_EVENTS]
 * </pre>
 */
public final class DevicePluginRss {
    static final List<String> LAUNCHER_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
            "-Xlog:disable", "-Xlog:all=warning:stderr");

    private DevicePluginRss() {
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        int allocations = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int healthEvents = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        Path dir = Files.createTempDirectory("jaccel-device-plugin-rss");
        DevicePluginHost host = new DevicePluginHost(dir.resolve("host"));
        Path plugins = Files.createDirectories(dir.resolve("device-plugins"));
        Path marks = dir.resolve("unhealthy");
        Map<String, Api.RegisterRequest> registered = new ConcurrentHashMap<>();
        try (UdsTransport transport = new UdsTransport()) {
            Server kubelet = transport.serve(plugins.resolve("kubelet.sock"), new RegistrationGrpc.RegistrationImplBase() {
                @Override
                public void register(Api.RegisterRequest request, StreamObserver<Api.Empty> out) {
                    registered.put(request.getResourceName(), request);
                    out.onNext(Api.Empty.getDefaultInstance());
                    out.onCompleted();
                }
            });
            Process plugin = start(repo, host, plugins, marks, dir);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (registered.size() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                if (registered.size() < 3) {
                    throw new IllegalStateException("the plugin registered only " + registered.keySet()
                            + "; its stderr is in " + dir.resolve("stderr.txt"));
                }
                ManagedChannel gpu = transport.connect(plugins.resolve(registered.get("nvidia.com/gpu").getEndpoint()));
                ManagedChannel cores = transport.connect(plugins.resolve(registered.get("aws.amazon.com/neuroncore").getEndpoint()));
                AtomicInteger lists = new AtomicInteger();
                DevicePluginGrpc.newStub(gpu).listAndWatch(Api.Empty.getDefaultInstance(), new StreamObserver<>() {
                    @Override
                    public void onNext(Api.ListAndWatchResponse value) {
                        lists.incrementAndGet();
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
                long t0 = System.nanoTime();
                allocate(gpu, cores, allocations);
                double allocateSeconds = (System.nanoTime() - t0) / 1e9;
                long rssAfterAllocate = status(plugin.pid(), "VmRSS");
                String gpu0 = "GPU-5c2bd5a8-7a0e-4b5c-9d34-0b3c6f3f1a00";
                int expected = lists.get() + healthEvents;
                for (int i = 0; i < healthEvents; i++) {
                    Path mark = marks.resolve(gpu0);
                    if (i % 2 == 0) {
                        Files.writeString(mark, "XID 79 (DevicePluginRss)\n");
                    } else {
                        Files.delete(mark);
                    }
                    int want = expected - healthEvents + i + 1;
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (lists.get() < want && System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                }
                System.out.printf("{\"allocations\": %d, \"allocateSeconds\": %.1f, \"healthEvents\": %d, "
                                + "\"listUpdatesSeen\": %d, \"rssAfterAllocateKiB\": %d, \"rssKiB\": %d, \"hwmKiB\": %d, "
                                + "\"jvmFlags\": \"%s -XX:MaxRAM=256m\"}%n", allocations, allocateSeconds, healthEvents,
                        lists.get() - (expected - healthEvents), rssAfterAllocate, status(plugin.pid(), "VmRSS"),
                        status(plugin.pid(), "VmHWM"), String.join(" ", LAUNCHER_FLAGS));
                gpu.shutdownNow();
                cores.shutdownNow();
            } finally {
                plugin.destroy();
                plugin.waitFor(20, TimeUnit.SECONDS);
                kubelet.shutdownNow();
            }
        }
    }

    private static Process start(Path repo, DevicePluginHost host, Path plugins, Path marks, Path dir) throws IOException {
        Path lib = repo.resolve("hook/target");
        StringBuilder cp = new StringBuilder(lib.resolve("jaccel-hook.jar").toString());
        try (Stream<Path> jars = Files.list(lib.resolve("lib"))) {
            jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> cp.append(':').append(p));
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(LAUNCHER_FLAGS);
        cmd.addAll(List.of("-XX:MaxRAM=256m", "--enable-native-access=ALL-UNNAMED", "-cp", cp.toString(),
                "dev.jaccel.hook.Main", "device-plugin", "--plugin-dir", plugins.toString(), "--health-dir", marks.toString(),
                "--ready-file", dir.resolve("registered").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.txt").toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(host.env);
        return pb.start();
    }

    private static void allocate(ManagedChannel gpu, ManagedChannel cores, int n) {
        DevicePluginGrpc.DevicePluginBlockingStub g = DevicePluginGrpc.newBlockingStub(gpu);
        DevicePluginGrpc.DevicePluginBlockingStub c = DevicePluginGrpc.newBlockingStub(cores);
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                int a = (i / 2) % 7;
                g.allocate(request("GPU-5c2bd5a8-7a0e-4b5c-9d34-0b3c6f3f1a0" + a, "GPU-5c2bd5a8-7a0e-4b5c-9d34-0b3c6f3f1a0" + (a + 1)));
            } else {
                int s = 2 * ((i / 2) % 15);
                c.allocate(request("neuroncore" + s, "neuroncore" + (s + 1), "neuroncore" + (s + 2), "neuroncore" + (s + 3)));
            }
        }
    }

    private static Api.AllocateRequest request(String... ids) {
        return Api.AllocateRequest.newBuilder().addContainerRequests(Api.ContainerAllocateRequest.newBuilder()
                .addAllDevicesIds(List.of(ids))).build();
    }

    /** A {@code /proc/<pid>/status} field in KiB. */
    private static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
