package dev.jaccel.deviceplugin;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A kubelet stand-in written against the same generated API: it serves {@code Registration} on
 * {@code <dir>/kubelet.sock}, records each RegisterRequest, and talks to a plugin's endpoints as
 * the kubelet's device manager does.
 */
final class FakeKubelet implements AutoCloseable {
    final Path dir;
    private final UdsTransport transport = new UdsTransport();
    private final Server server;
    private final BlockingQueue<Api.RegisterRequest> registrations = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final Map<String, Api.RegisterRequest> last = new ConcurrentHashMap<>();

    private FakeKubelet(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        server = transport.serve(dir.resolve("kubelet.sock"), new RegistrationGrpc.RegistrationImplBase() {
            @Override
            public void register(Api.RegisterRequest request, StreamObserver<Api.Empty> out) {
                registrations.add(request);
                last.put(request.getResourceName(), request);
                out.onNext(Api.Empty.getDefaultInstance());
                out.onCompleted();
            }
        });
    }

    /** Creates {@code kubelet.sock} in {@code dir}, as a starting kubelet does. */
    static FakeKubelet start(Path dir) throws IOException {
        return new FakeKubelet(dir);
    }

    /** Waits until every one of {@code resources} has registered; the requests by resource name. */
    Map<String, Api.RegisterRequest> awaitRegistrations(List<String> resources, Duration timeout) throws InterruptedException {
        Map<String, Api.RegisterRequest> got = new ConcurrentHashMap<>();
        long end = System.nanoTime() + timeout.toNanos();
        while (!got.keySet().containsAll(resources)) {
            Api.RegisterRequest r = registrations.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new AssertionError("registered " + got.keySet() + " but not all of " + resources + " within " + timeout);
            }
            got.put(r.getResourceName(), r);
        }
        return got;
    }

    /** The last registration of a resource seen so far (waiting for one if none came yet). */
    Api.RegisterRequest pendingOrRegistered(String resource) {
        return last.computeIfAbsent(resource, r -> {
            try {
                return awaitRegistrations(List.of(r), Duration.ofSeconds(10)).get(r);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
    }

    /** Registrations not taken yet. */
    List<Api.RegisterRequest> pending() {
        List<Api.RegisterRequest> out = new ArrayList<>();
        registrations.drainTo(out);
        return out;
    }

    /** A client of the plugin endpoint named in a registration. */
    Endpoint endpoint(Api.RegisterRequest registration) {
        ManagedChannel channel = transport.connect(dir.resolve(registration.getEndpoint()));
        Endpoint e = new Endpoint(channel);
        opened.add(e);
        return e;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
        Files.deleteIfExists(dir.resolve("kubelet.sock"));
        transport.close();
    }

    /** One plugin endpoint, as the device manager uses it. */
    static final class Endpoint implements AutoCloseable {
        private final ManagedChannel channel;
        final DevicePluginGrpc.DevicePluginBlockingStub stub;

        Endpoint(ManagedChannel channel) {
            this.channel = channel;
            this.stub = DevicePluginGrpc.newBlockingStub(channel).withWaitForReady();
        }

        /** Opens ListAndWatch; every list the plugin sends lands in the returned queue. */
        Watch watch() {
            Watch w = new Watch();
            DevicePluginGrpc.newStub(channel).listAndWatch(Api.Empty.getDefaultInstance(), w);
            return w;
        }

        Api.ContainerAllocateResponse allocate(String... ids) {
            return stub.withDeadlineAfter(10, TimeUnit.SECONDS).allocate(Api.AllocateRequest.newBuilder()
                    .addContainerRequests(Api.ContainerAllocateRequest.newBuilder().addAllDevicesIds(List.of(ids)))
                    .build()).getContainerResponses(0);
        }

        List<String> prefer(List<String> available, List<String> mustInclude, int size) {
            return stub.withDeadlineAfter(10, TimeUnit.SECONDS).getPreferredAllocation(Api.PreferredAllocationRequest.newBuilder()
                    .addContainerRequests(Api.ContainerPreferredAllocationRequest.newBuilder()
                            .addAllAvailableDeviceIDs(available).addAllMustIncludeDeviceIDs(mustInclude)
                            .setAllocationSize(size)).build())
                    .getContainerResponses(0).getDeviceIDsList();
        }

        @Override
        public void close() throws InterruptedException {
            channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
        }
    }

    /** A ListAndWatch stream: the lists received, and whether it ended. */
    static final class Watch implements StreamObserver<Api.ListAndWatchResponse> {
        final BlockingQueue<Api.ListAndWatchResponse> lists = new LinkedBlockingQueue<>();
        volatile boolean ended;

        @Override
        public void onNext(Api.ListAndWatchResponse value) {
            lists.add(value);
        }

        @Override
        public void onError(Throwable t) {
            ended = true;
        }

        @Override
        public void onCompleted() {
            ended = true;
        }

        Api.ListAndWatchResponse next(Duration timeout) throws InterruptedException {
            Api.ListAndWatchResponse r = lists.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (r == null) {
                throw new AssertionError("no ListAndWatch update within " + timeout);
            }
            return r;
        }

        /** Waits for a list in which {@code id} has {@code health}; earlier lists are dropped. */
        Api.ListAndWatchResponse awaitHealth(String id, String health, Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (true) {
                Api.ListAndWatchResponse r = lists.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (r == null) {
                    throw new AssertionError("no list with " + id + " " + health + " within " + timeout);
                }
                if (r.getDevicesList().stream().anyMatch(d -> d.getID().equals(id) && d.getHealth().equals(health))) {
                    return r;
                }
            }
        }
    }
}
