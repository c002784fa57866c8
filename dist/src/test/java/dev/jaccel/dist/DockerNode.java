package dev.jaccel.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A GPU node as the Docker tests see it: jaccel installed from the tarball, a simulated host, a
 * private containerd, and a dockerd from Debian's docker.io started the way jaccel's README installs
 * it (daemon.json written by {@code jaccel runtime configure --runtime docker}, jaccel's bin on
 * dockerd's PATH so that {@code --gpus} finds {@code nvidia-container-runtime-hook}). Everything
 * lives under one folder (vfs storage, no iptables, no bridge, own data and exec roots, pid file and
 * sockets) and is stopped and removed on close. The image is a busybox rootfs put in with
 * {@code docker import}.
 */
final class DockerNode implements AutoCloseable {
    final Installation jaccel;
    final Map<String, String> hostEnv;
    final Path dir;
    final String image;
    private final Path socket;
    private final Daemon containerd;
    private final Daemon dockerd;

    private DockerNode(Installation jaccel, Map<String, String> hostEnv, Path dir, String image, Path socket,
                       Daemon containerd, Daemon dockerd) {
        this.jaccel = jaccel;
        this.hostEnv = hostEnv;
        this.dir = dir;
        this.image = image;
        this.socket = socket;
        this.containerd = containerd;
        this.dockerd = dockerd;
    }

    static DockerNode start(Path dir) throws IOException {
        Installation jaccel = Installation.unpack(dir.resolve("opt"));
        Map<String, String> hostEnv = SimulatedNode.create(dir.resolve("node"));
        Map<String, String> env = new LinkedHashMap<>(hostEnv);
        // jaccel's bin first: dockerd looks nvidia-container-runtime-hook up on its own PATH
        env.put("PATH", jaccel.home.resolve("bin") + ":" + Installation.PATH);
        // where a test may start jaccel's start service (jaccel serve); until then the runtime runs its JVM
        env.put("JACCEL_SOCKET", dir.resolve("run/start.sock").toString());

        Path run = Files.createDirectories(dir.resolve("run"));
        Containerd ctd = Containerd.start(dir.resolve("containerd"), env, null);

        Path daemonJson = dir.resolve("daemon.json");
        Installation.Result configured = jaccel.jaccel(dir, Map.of(), "runtime", "configure", "--runtime", "docker",
                "--config", daemonJson.toString());
        assertEquals(0, configured.exit(), configured.both());

        Path socket = run.resolve("docker.sock");
        String ns = "jaccel-e2e-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> cmd = List.of("dockerd", "--config-file", daemonJson.toString(),
                "--data-root", dir.resolve("data").toString(), "--exec-root", run.resolve("exec").toString(),
                "--pidfile", run.resolve("docker.pid").toString(), "-H", "unix://" + socket,
                "--containerd", ctd.socket.toString(), "--containerd-namespace", ns, "--containerd-plugins-namespace", ns + "-p",
                "--storage-driver", "vfs", "--iptables=false", "--ip6tables=false", "--bridge=none", "--ip-masq=false",
                "--userland-proxy=false");
        Daemon dockerd;
        try {
            dockerd = Daemon.start("dockerd", cmd, env, dir.resolve("dockerd.log"),
                    () -> Files.exists(socket) && docker(socket, "version").exit() == 0, Duration.ofSeconds(90));
        } catch (RuntimeException e) {
            ctd.daemon.close();
            Engines.unmountAndRemove(dir.resolve("containerd"));
            throw e;
        }
        String image = ns + ":busybox";
        Path tar = dir.resolve("busybox.tar");
        Path rootfs = Engines.busyboxRootfs(dir.resolve("image-rootfs"));
        Installation.Result packed = Installation.exec(List.of("tar", "-C", rootfs.toString(), "-cf", tar.toString(), "."),
                Map.of(), dir, new byte[0]);
        assertEquals(0, packed.exit(), packed.both());
        Installation.Result imported = docker(socket, "import", tar.toString(), image);
        assertEquals(0, imported.exit(), imported.both());
        return new DockerNode(jaccel, hostEnv, dir, image, socket, ctd.daemon, dockerd);
    }

    /** The installed {@code jaccel serve} on the socket dockerd's runtime looks at, with the node's environment. */
    Daemon serve() {
        Path socket = dir.resolve("run/start.sock");
        Map<String, String> env = new LinkedHashMap<>(hostEnv);
        env.put("PATH", Installation.PATH);
        return Daemon.start("jaccel serve", List.of(jaccel.bin("jaccel").toString(), "serve", "--socket", socket.toString()),
                env, dir.resolve("serve.log"), () -> Files.exists(socket), Duration.ofSeconds(60));
    }

    /** {@code docker run --rm --network none ARGS... IMAGE sh -c SCRIPT}. */
    Installation.Result run(List<String> args, String script) {
        List<String> cmd = new ArrayList<>(List.of("run", "--rm", "--network", "none"));
        cmd.addAll(args);
        cmd.addAll(List.of(image, "/bin/sh", "-c", script));
        return docker(socket, cmd.toArray(String[]::new));
    }

    static Installation.Result docker(Path socket, String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", "unix://" + socket));
        cmd.addAll(List.of(args));
        return Installation.exec(cmd, Map.of("HOME", socket.getParent().toString()), socket.getParent(), new byte[0]);
    }

    String logs() {
        return "dockerd:\n" + dockerd.logTail() + "\ncontainerd:\n" + containerd.logTail();
    }

    @Override
    public void close() {
        dockerd.close();
        containerd.close();
        Engines.unmountAndRemove(dir);
    }
}
