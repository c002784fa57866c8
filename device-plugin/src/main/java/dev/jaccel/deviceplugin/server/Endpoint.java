package dev.jaccel.deviceplugin.server;

import io.grpc.Server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** One resource's socket in the plugin directory and the gRPC server on it. */
final class Endpoint {
    private final ResourceService service;
    private final Path socket;
    private final UdsTransport transport;
    private Server server;

    Endpoint(ResourceService service, Path pluginDir, UdsTransport transport) {
        this.service = service;
        this.socket = pluginDir.resolve(service.resource().endpoint());
        this.transport = transport;
    }

    ResourceService service() {
        return service;
    }

    Path socket() {
        return socket;
    }

    /** (Re)creates the socket: a left-over file of an earlier run is removed first. */
    synchronized void start() throws IOException {
        stop();
        Files.deleteIfExists(socket);
        server = transport.serve(socket, service);
    }

    /** Stops serving and removes the socket file. */
    synchronized void stop() {
        if (server != null) {
            service.closeStreams();
            server.shutdown();
            try {
                if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                    server.shutdownNow();
                }
            } catch (InterruptedException e) {
                server.shutdownNow();
                Thread.currentThread().interrupt();
            }
            server = null;
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // the directory may be gone with it
        }
    }

    boolean socketPresent() {
        return Files.exists(socket);
    }
}
