package dev.jaccel.deviceplugin.server;

import dev.jaccel.core.io.AtomicFiles;
import dev.jaccel.deviceplugin.PluginOptions;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import v1beta1.Api;
import v1beta1.RegistrationGrpc;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps the plugin's endpoints registered with the kubelet for as long as the plugin runs.
 *
 * <p>The kubelet, when it starts, removes every socket in its plugin directory and creates
 * {@code kubelet.sock} again; a plugin must then register again (k8s.io/kubelet
 * {@code pkg/apis/deviceplugin/v1beta1/constants.go} and the device manager). This watches the
 * directory with the file system's notifications (inotify): the creation of {@code kubelet.sock}
 * re-creates any socket of ours that is gone and registers every resource again; the removal of
 * one of our sockets re-creates it and registers it again. (Comparing a {@code stat} of
 * {@code kubelet.sock} would miss a restart: a new file can get the old inode number.) A missed
 * event is caught by a check of our sockets every few seconds, and a registration the kubelet did
 * not answer is retried then.
 */
public final class KubeletSession {
    private static final long TICK_MS = 1000;
    private static final int CHECK_EVERY_TICKS = 5;

    private final Path dir;
    private final Path kubeletSocket;
    private final List<Endpoint> endpoints = new ArrayList<>();
    private final UdsTransport transport;
    private final Consumer<String> log;
    private final Set<Endpoint> unregistered = new HashSet<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Path readyFile;
    /** The identity of the directory being watched ({@link #directoryIdentity()}); {@code null} before the first watch. */
    private Object watched;

    /**
     * @param readyFile exists while every resource is registered (a readiness probe tests it);
     *                  {@code null} for none
     */
    public KubeletSession(Path dir, List<ResourceService> services, UdsTransport transport, Path readyFile,
                          Consumer<String> log) {
        this.dir = dir;
        this.readyFile = readyFile;
        this.kubeletSocket = dir.resolve(PluginOptions.KUBELET_SOCKET);
        this.transport = transport;
        this.log = log;
        services.forEach(s -> endpoints.add(new Endpoint(s, dir, transport)));
    }

    /** Asks {@link #run()} to return (from a signal handler or another thread). */
    public void stop() {
        stop.countDown();
    }

    /** Serves and registers until {@link #stop()}; removes every socket of ours before it returns. */
    public void run() throws IOException, InterruptedException {
        try {
            for (Endpoint e : endpoints) {
                e.start();
                log.accept("serving " + e.service().resource().name() + " (" + e.service().resource().devices().size()
                        + " device(s)) on " + e.socket());
            }
            unregistered.addAll(endpoints);
            if (!Files.exists(kubeletSocket)) {
                log.accept("waiting for the kubelet: " + kubeletSocket + " does not exist yet");
            }
            while (stop.getCount() > 0) {   // the first watch registers
                watchUntilGone();
            }
        } finally {
            unregistered.addAll(endpoints);
            markReady();
            endpoints.forEach(Endpoint::stop);
            log.accept("stopped; sockets removed");
        }
    }

    /**
     * Watches the directory until it disappears or a stop is asked for. The watch is on one
     * directory (an inode), the checks are by path: once the path names another directory (the
     * kubelet removed it and made it again) nothing more is done through this watch, or sockets
     * would be served and registered in the new directory and then taken down when this watch
     * learns that its directory is gone.
     */
    private void watchUntilGone() throws IOException, InterruptedException {
        awaitDirectory();
        try (WatchService watcher = dir.getFileSystem().newWatchService()) {
            Object before = directoryIdentity();
            WatchKey key = dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
            watched = directoryIdentity();
            if (watched == null || !watched.equals(before)) {
                return;   // replaced while the watch was set up: set it up again
            }
            restartMissing();   // whatever happened while the directory was not watched
            registerPending();
            int ticks = 0;
            while (!stop.await(0, TimeUnit.MILLISECONDS)) {
                WatchKey k = watcher.poll(TICK_MS, TimeUnit.MILLISECONDS);
                List<WatchEvent<?>> events = k == null ? List.of() : k.pollEvents();
                if ((k != null && !k.reset()) || !watchedDirectoryIsThere()) {
                    log.accept(dir + " was removed: waiting for it to come back");
                    endpoints.forEach(Endpoint::stop);
                    unregistered.addAll(endpoints);
                    return;
                }
                if (k != null) {
                    handle(events);
                } else if (++ticks % CHECK_EVERY_TICKS == 0) {
                    restartMissing();
                    registerPending();
                }
            }
            key.cancel();
        } catch (ClosedWatchServiceException e) {
            // stopping
        }
    }

    /** The file system's identity of the directory now at {@link #dir}; {@code null} when there is none. */
    private Object directoryIdentity() {
        try {
            BasicFileAttributes a = Files.readAttributes(dir, BasicFileAttributes.class);
            return a.isDirectory() ? a.fileKey() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private boolean watchedDirectoryIsThere() {
        return watched != null && watched.equals(directoryIdentity());
    }

    private void awaitDirectory() throws InterruptedException {
        while (!Files.isDirectory(dir) && !stop.await(TICK_MS / 5, TimeUnit.MILLISECONDS)) {
            // the kubelet re-creates it
        }
    }

    private void handle(List<WatchEvent<?>> events) {
        boolean kubeletCreated = false;
        for (WatchEvent<?> ev : events) {
            if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
                kubeletCreated = true;   // events were lost: act as if the kubelet restarted
                continue;
            }
            Path name = (Path) ev.context();
            if (name.toString().equals(PluginOptions.KUBELET_SOCKET) && ev.kind() == StandardWatchEventKinds.ENTRY_CREATE) {
                kubeletCreated = true;
            }
        }
        if (kubeletCreated) {
            log.accept(kubeletSocket + " was created: the kubelet restarted, registering again");
            unregistered.addAll(endpoints);
        }
        restartMissing();
        registerPending();
    }

    /**
     * Re-creates every socket of ours that is gone; it must be registered again. A socket that
     * cannot be created now (the directory is being re-created) is tried again at the next check.
     */
    private void restartMissing() {
        for (Endpoint e : endpoints) {
            if (!e.socketPresent() && watchedDirectoryIsThere()) {
                try {
                    e.start();
                    log.accept(e.socket() + " was removed: serving it again");
                    unregistered.add(e);
                } catch (IOException ex) {
                    log.accept("cannot serve " + e.socket() + " again yet (" + ex.getMessage() + "); trying again in "
                            + CHECK_EVERY_TICKS + " s");
                }
            }
        }
    }

    /** The ready file exists exactly while nothing waits for registration. */
    private void markReady() {
        if (readyFile == null) {
            return;
        }
        try {
            if (unregistered.isEmpty()) {
                if (!Files.exists(readyFile)) {
                    AtomicFiles.createDirectories(readyFile.toAbsolutePath().getParent());
                    AtomicFiles.write(readyFile, new byte[0], AtomicFiles.FILE_MODE);
                }
            } else {
                Files.deleteIfExists(readyFile);
            }
        } catch (IOException e) {
            log.accept("cannot update the readiness file " + readyFile + ": " + e.getMessage());
        }
    }

    private void registerPending() {
        try {
            register();
        } finally {
            markReady();
        }
    }

    private void register() {
        if (unregistered.isEmpty() || !Files.exists(kubeletSocket) || !watchedDirectoryIsThere()) {
            return;
        }
        ManagedChannel channel = transport.connect(kubeletSocket);
        try {
            RegistrationGrpc.RegistrationBlockingStub kubelet = RegistrationGrpc.newBlockingStub(channel);
            for (Endpoint e : List.copyOf(unregistered)) {
                Api.RegisterRequest request = Api.RegisterRequest.newBuilder()
                        .setVersion(PluginOptions.API_VERSION)
                        .setEndpoint(e.socket().getFileName().toString())
                        .setResourceName(e.service().resource().name())
                        .setOptions(ResourceService.options())
                        .build();
                try {
                    kubelet.withDeadlineAfter(5, TimeUnit.SECONDS).register(request);
                    unregistered.remove(e);
                    log.accept("registered " + e.service().resource().name() + " with the kubelet");
                } catch (StatusRuntimeException ex) {
                    log.accept("registering " + e.service().resource().name() + " with " + kubeletSocket + " failed ("
                            + ex.getStatus().getCode() + (ex.getStatus().getDescription() == null ? ""
                            : ": " + ex.getStatus().getDescription()) + "); trying again in " + CHECK_EVERY_TICKS + " s");
                }
            }
        } finally {
            channel.shutdownNow();
        }
    }
}
