package dev.jaccel.deviceplugin.server;

import dev.jaccel.core.JaccelException;
import dev.jaccel.deviceplugin.health.HealthBook;
import dev.jaccel.deviceplugin.prefer.AllocationPreference;
import dev.jaccel.deviceplugin.resources.PluginDevice;
import dev.jaccel.deviceplugin.resources.Resource;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import v1beta1.Api;
import v1beta1.DevicePluginGrpc;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The kubelet's {@code DevicePlugin} service for one resource. ListAndWatch streams stay open; each
 * change of a device's health sends every open stream the whole list again (the API has no
 * deltas).
 */
public final class ResourceService extends DevicePluginGrpc.DevicePluginImplBase {
    public static final String HEALTHY = "Healthy";
    public static final String UNHEALTHY = "Unhealthy";

    private final Resource resource;
    private final HealthBook health;
    private final AllocationPreference preference;
    private final Allocator allocator;
    private final Consumer<String> log;
    private final Set<ServerCallStreamObserver<Api.ListAndWatchResponse>> watchers = ConcurrentHashMap.newKeySet();
    private volatile Api.ListAndWatchResponse last;

    public ResourceService(Resource resource, HealthBook health, AllocationPreference preference, Allocator allocator,
                           Consumer<String> log) {
        this.resource = resource;
        this.health = health;
        this.preference = preference;
        this.allocator = allocator;
        this.log = log;
        health.onChange(this::publish);
    }

    public Resource resource() {
        return resource;
    }

    /** The device list as the kubelet sees it now. */
    public Api.ListAndWatchResponse list() {
        Api.ListAndWatchResponse.Builder b = Api.ListAndWatchResponse.newBuilder();
        for (PluginDevice d : resource.devices()) {
            Api.Device.Builder device = Api.Device.newBuilder().setID(d.id())
                    .setHealth(health.healthy(d.units()) ? HEALTHY : UNHEALTHY);
            if (d.numaNode() != null) {
                device.setTopology(Api.TopologyInfo.newBuilder().addNodes(Api.NUMANode.newBuilder().setID(d.numaNode())));
            }
            b.addDevices(device);
        }
        return b.build();
    }

    /** Sends the list to every open stream if it changed, and logs each device whose health changed. */
    void publish() {
        Api.ListAndWatchResponse now = list();
        Api.ListAndWatchResponse before;
        synchronized (this) {
            if (now.equals(last)) {
                return;
            }
            before = last;
            last = now;
        }
        for (int i = 0; i < now.getDevicesCount(); i++) {
            Api.Device d = now.getDevices(i);
            if (before != null && before.getDevices(i).getHealth().equals(d.getHealth())) {
                continue;
            }
            PluginDevice device = resource.devices().get(i);
            log.accept(resource.name() + " " + d.getID() + " is " + d.getHealth()
                    + health.problem(device.units()).map(p -> ": " + p).orElse(""));
        }
        watchers.forEach(w -> send(w, now));
    }

    private static void send(ServerCallStreamObserver<Api.ListAndWatchResponse> w, Api.ListAndWatchResponse list) {
        synchronized (w) {
            if (!w.isCancelled()) {
                w.onNext(list);
            }
        }
    }

    /** Ends every open stream (the kubelet then knows the plugin is gone). */
    void closeStreams() {
        watchers.forEach(w -> {
            synchronized (w) {
                if (!w.isCancelled()) {
                    w.onCompleted();
                }
            }
        });
        watchers.clear();
    }

    @Override
    public void getDevicePluginOptions(Api.Empty request, StreamObserver<Api.DevicePluginOptions> out) {
        out.onNext(options());
        out.onCompleted();
    }

    static Api.DevicePluginOptions options() {
        return Api.DevicePluginOptions.newBuilder().setPreStartRequired(false).setGetPreferredAllocationAvailable(true).build();
    }

    @Override
    public void listAndWatch(Api.Empty request, StreamObserver<Api.ListAndWatchResponse> out) {
        ServerCallStreamObserver<Api.ListAndWatchResponse> w = (ServerCallStreamObserver<Api.ListAndWatchResponse>) out;
        w.setOnCancelHandler(() -> watchers.remove(w));
        watchers.add(w);
        Api.ListAndWatchResponse now = list();
        last = now;
        send(w, now);
    }

    @Override
    public void getPreferredAllocation(Api.PreferredAllocationRequest request,
                                       StreamObserver<Api.PreferredAllocationResponse> out) {
        Api.PreferredAllocationResponse.Builder b = Api.PreferredAllocationResponse.newBuilder();
        for (Api.ContainerPreferredAllocationRequest c : request.getContainerRequestsList()) {
            List<String> ids = preference.prefer(c.getAvailableDeviceIDsList(), c.getMustIncludeDeviceIDsList(),
                    c.getAllocationSize());
            b.addContainerResponses(Api.ContainerPreferredAllocationResponse.newBuilder().addAllDeviceIDs(ids));
        }
        out.onNext(b.build());
        out.onCompleted();
    }

    @Override
    public void allocate(Api.AllocateRequest request, StreamObserver<Api.AllocateResponse> out) {
        Api.AllocateResponse.Builder b = Api.AllocateResponse.newBuilder();
        try {
            for (Api.ContainerAllocateRequest c : request.getContainerRequestsList()) {
                b.addContainerResponses(allocator.allocate(c.getDevicesIdsList()));
            }
        } catch (JaccelException e) {
            log.accept(resource.name() + " Allocate refused: " + e.getMessage());
            out.onError(status(e).withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        out.onNext(b.build());
        out.onCompleted();
    }

    /** gRPC's nearest status for jaccel's exit codes. */
    static Status status(JaccelException e) {
        return switch (e.exitCode()) {
            case USAGE -> Status.INVALID_ARGUMENT;
            case UNSATISFIED -> Status.FAILED_PRECONDITION;
            case DRIVER_UNAVAILABLE -> Status.UNAVAILABLE;
            case OK, INTERNAL -> Status.INTERNAL;
        };
    }

    @Override
    public void preStartContainer(Api.PreStartContainerRequest request, StreamObserver<Api.PreStartContainerResponse> out) {
        out.onNext(Api.PreStartContainerResponse.getDefaultInstance());
        out.onCompleted();
    }
}
