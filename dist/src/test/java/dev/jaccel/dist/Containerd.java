package dev.jaccel.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A containerd from Debian's package with everything private under one folder: root, state, the
 * gRPC and ttrpc sockets, no debug or metrics listener. {@code extra} (TOML) is appended to the
 * generated base, e.g. what {@code jaccel runtime configure --runtime containerd} wrote.
 */
final class Containerd {
    final Path dir;
    final Path config;
    final Path socket;
    final Daemon daemon;

    private Containerd(Path dir, Path config, Path socket, Daemon daemon) {
        this.dir = dir;
        this.config = config;
        this.socket = socket;
        this.daemon = daemon;
    }

    /** The base configuration: version 2, private paths. */
    static String base(Path dir) {
        return """
                version = 2
                root = "%s"
                state = "%s"

                [grpc]
                  address = "%s"

                [ttrpc]
                  address = "%s"

                [debug]
                  address = ""

                [metrics]
                  address = ""
                """.formatted(dir.resolve("root"), dir.resolve("state"), dir.resolve("containerd.sock"),
                dir.resolve("containerd.sock.ttrpc"));
    }

    /** Starts containerd on {@code config} (null: the base alone). */
    static Containerd start(Path dir, Map<String, String> env, Path config) throws IOException {
        Files.createDirectories(dir);
        Path file = config != null ? config : Files.writeString(dir.resolve("config.toml"), base(dir));
        Path socket = dir.resolve("containerd.sock");
        Daemon d = Daemon.start("containerd", List.of("containerd", "--config", file.toString()), env,
                dir.resolve("containerd.log"),
                () -> Files.exists(socket) && ctr(socket, "version").exit() == 0, Duration.ofSeconds(60));
        return new Containerd(dir, file, socket, d);
    }

    static Installation.Result ctr(Path socket, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ctr", "--address", socket.toString()));
        cmd.addAll(List.of(args));
        return Installation.exec(cmd, Map.of(), socket.getParent(), new byte[0]);
    }
}
