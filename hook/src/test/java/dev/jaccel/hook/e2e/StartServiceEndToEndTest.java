package dev.jaccel.hook.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jaccel.testkit.SimulatedHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start service ({@code jaccel serve}) on real runc against a simulated host: the shim's front
 * and the hooks hand it their work, and a GPU container starts without a JVM of its own. "No JVM"
 * is proven by taking the JVM away: the shim's front runs as a lone copy with no launcher beside it
 * (were it to fall back, it would exit 4 saying the launcher is missing), and the hook's launcher is
 * given a stand-in java that fails and leaves a mark.
 */
class StartServiceEndToEndTest {
    static final Path FRONT = Jaccel.REPO.resolve("hook/target/native/jaccel-runtime");

    @TempDir
    Path tmp;
    Path runcRoot;
    Path socket;
    Process service;
    Path serviceLog;

    @BeforeEach
    void prerequisites() throws IOException {
        Jaccel.assumeEndToEnd();
        runcRoot = Files.createDirectories(tmp.resolve("runc-state"));
        socket = tmp.resolve("run/start.sock");
    }

    @AfterEach
    void stopService() throws InterruptedException {
        if (service != null && service.isAlive()) {
            service.destroy();
            service.waitFor(20, TimeUnit.SECONDS);
        }
    }

    Map<String, String> host(String profile) throws IOException {
        Map<String, String> env = new HashMap<>(SimulatedHost.create(tmp.resolve("host-" + profile), profile));
        env.put("JACCEL_SNAPSHOT", tmp.resolve("inventory-" + profile + ".json").toString());
        Jaccel.Result refresh = Jaccel.run(List.of("inventory", "refresh"), env, new byte[0]);
        assertEquals(0, refresh.exit(), refresh.both());
        return env;
    }

    /** {@code bin/jaccel serve} with {@code env}, once its socket answers. */
    void startService(Map<String, String> env) throws IOException, InterruptedException {
        serviceLog = tmp.resolve("serve.log");
        ProcessBuilder pb = new ProcessBuilder(Jaccel.LAUNCHER.toString(), "serve", "--socket", socket.toString())
                .redirectErrorStream(true).redirectOutput(serviceLog.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        service = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(serviceLog).contains("answering container starts")) {
            assertTrue(service.isAlive() && System.nanoTime() < deadline, "the service did not start: "
                    + Files.readString(serviceLog));
            Thread.sleep(20);
        }
    }

    /** The shim's front alone in a folder: it has no launcher to fall back to. */
    Path loneFront() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("lone/bin"));
        return Files.copy(FRONT, dir.resolve("jaccel-runtime"), StandardCopyOption.COPY_ATTRIBUTES);
    }

    Jaccel.Result front(Path front, Bundle b, String id, Map<String, String> env) {
        Map<String, String> e = new HashMap<>(env);
        e.put("JACCEL_SOCKET", socket.toString());
        return Jaccel.exec(List.of(front.toString(), "--root", runcRoot.toString(), "run", "--bundle", b.dir.toString(), id),
                e, new byte[0]);
    }

    static final String LIST = SimulatedHostEndToEndTest.LIST;

    /**
     * The service edits the spec exactly as the launcher's JVM does: the same request through both,
     * the same bytes in config.json and the same container, while the front never had a JVM to start.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "h100x8-mig | NVIDIA_VISIBLE_DEVICES=GPU-5c2bd5a8-7a0e-4b5c-9d34-0b3c6f3f1a00 | 'nvidia-uvm nvidia-uvm-tools nvidia3 nvidiactl '",
            "h100x8-mig | NVIDIA_VISIBLE_DEVICES=all | 'nvidia-caps nvidia-uvm nvidia-uvm-tools nvidia0 nvidia1 nvidia2 nvidia3 nvidia4 nvidia5 nvidia6 nvidia7 nvidiactl '",
            "h100x8-mig | NVIDIA_VISIBLE_DEVICES=none | 'nvidia-uvm nvidia-uvm-tools nvidiactl '",
            "inf2       | AWS_NEURON_VISIBLE_DEVICES=2,4 | 'neuron2 neuron4 '",
    })
    void theShimsSpecEditIsTheJvmsWithoutAJvm(String profile, String request, String nodes) throws Exception {
        Map<String, String> env = host(profile);
        startService(env);
        Bundle viaService = Bundle.create(tmp.resolve("service"), LIST).env(request);
        Bundle viaJvm = Bundle.create(tmp.resolve("jvm"), LIST).env(request);

        Jaccel.Result r = front(loneFront(), viaService, "svc", env);
        assertEquals(0, r.exit(), r.both());
        assertEquals(nodes, r.out().lines().findFirst().orElse(""), r.both());

        Map<String, String> noService = new HashMap<>(env);
        noService.put("JACCEL_SOCKET", tmp.resolve("no-service.sock").toString());
        Jaccel.Result jvm = Jaccel.run(List.of("runtime", "--root", runcRoot.toString(), "run", "--bundle",
                viaJvm.dir.toString(), "jvm"), noService, new byte[0]);
        assertEquals(0, jvm.exit(), jvm.both());
        assertEquals(jvm.out(), r.out(), "the same container");
        assertArrayEquals(viaJvm.configBytes(), viaService.configBytes(), "the same spec edit");
    }

    /**
     * The service keeps no host facts between starts: a GPU that goes away (its node gone, the
     * driver no longer reporting it) is gone from the next container it serves.
     */
    @Test
    void aHostChangeIsSeenByTheNextStartItServes() throws Exception {
        Map<String, String> env = host("h100x8-mig");
        startService(env);
        Path front = loneFront();
        Bundle before = Bundle.create(tmp.resolve("before"), "ls /dev | grep -cE '^nvidia[0-9]+$'").env("NVIDIA_VISIBLE_DEVICES=all");
        Jaccel.Result r = front(front, before, "before", env);
        assertEquals(0, r.exit(), r.both());
        assertEquals("8\n", r.out(), r.both());

        Path nvml = Path.of(env.get("FAKE_NVML_CONFIG"));
        ObjectNode config = (ObjectNode) new ObjectMapper().readTree(nvml.toFile());
        ArrayNode devices = (ArrayNode) config.get("devices");
        int minor = devices.get(devices.size() - 1).get("minor").asInt();
        devices.remove(devices.size() - 1);
        new ObjectMapper().writeValue(nvml.toFile(), config);
        Files.delete(Path.of(env.get("JACCEL_HOST_ROOT"), "dev", "nvidia" + minor));

        Bundle after = Bundle.create(tmp.resolve("after"), "ls /dev | grep -cE '^nvidia[0-9]+$'").env("NVIDIA_VISIBLE_DEVICES=all");
        Jaccel.Result next = front(front, after, "after", env);
        assertEquals(0, next.exit(), next.both());
        assertEquals("7\n", next.out(), "the GPU that went away is not in the next container: " + next.both());
    }

    @Test
    void aFailureReachesTheEngineAsTheJvmWouldReportIt() throws Exception {
        Map<String, String> env = host("h100x8-mig");
        startService(env);
        Bundle b = Bundle.create(tmp.resolve("req"), "echo started")
                .env("NVIDIA_VISIBLE_DEVICES=all", "NVIDIA_REQUIRE_CUDA=cuda>=99.0");
        byte[] before = b.configBytes();
        Jaccel.Result r = front(loneFront(), b, "req", env);
        assertEquals(3, r.exit(), r.both());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), r.both());
        assertTrue(r.err().startsWith("jaccel runtime: ") && r.err().contains("unsatisfied condition: cuda>=99.0"), r.both());
        assertArrayEquals(before, b.configBytes(), "a refused spec is left as it was");
    }

    /** A client told to read other host facts than the service's is declined, and only then does the JVM run. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"JACCEL_SNAPSHOT", "JACCEL_CONFIG", "JACCEL_HOST_ROOT", "JACCEL_NVML_LIBRARY", "JACCEL_NRT_LIBRARY",
            "JACCEL_DEBUG"})
    void aClientWithOtherLocationsIsLeftToTheJvm(String variable) throws Exception {
        Map<String, String> env = host("h100x8-mig");
        startService(env);
        Map<String, String> other = new HashMap<>(env);
        other.put(variable, variable.equals("JACCEL_DEBUG") ? "1" : tmp.resolve("elsewhere").toString());

        Bundle lone = Bundle.create(tmp.resolve("lone-bundle"), "echo started").env("NVIDIA_VISIBLE_DEVICES=all");
        byte[] before = lone.configBytes();
        Jaccel.Result r = front(loneFront(), lone, "declined", other);
        assertEquals(4, r.exit(), r.both());
        assertTrue(r.err().contains("the launcher is missing"), "declined, it went to the launcher: " + r.both());
        assertArrayEquals(before, lone.configBytes(), "a declined request changed nothing");

        if (!variable.equals("JACCEL_DEBUG")) {
            return;
        }
        Bundle b = Bundle.create(tmp.resolve("bundle"), "echo started").env("NVIDIA_VISIBLE_DEVICES=all");
        Jaccel.Result viaLauncher = front(FRONT, b, "launcher", other);
        assertEquals(0, viaLauncher.exit(), viaLauncher.both());
        assertEquals("started\n", viaLauncher.out());
    }

    /**
     * Hook mode (runc with jaccel as its prestart hook): bin/jaccel hands the state to the service.
     * The hook's java is a stand-in that fails: the container starts with its GPU only if no JVM ran.
     */
    @Test
    void theHookInjectsThroughTheServiceWithoutAJvm() throws Exception {
        Map<String, String> env = host("h100x8-mig");
        SimulatedHostEndToEndTest.openable(env, "/dev/nvidia3");
        startService(env);
        Path jvmRan = tmp.resolve("jvm-ran");
        LauncherEndToEndTest.standInJdk(tmp, "touch " + jvmRan + "\nexit 1");
        Bundle b = Bundle.create(tmp.resolve("hooks"), LIST + ": > /dev/nvidia3 && echo selected-opens")
                .env("NVIDIA_VISIBLE_DEVICES=" + SimulatedHostEndToEndTest.GPU0)
                .jaccelPrestartHook(env, "JACCEL_JAVA_HOME=" + tmp.resolve("jdk"), "JACCEL_SOCKET=" + socket);
        Jaccel.Result r = Jaccel.exec(List.of("runc", "--root", runcRoot.toString(), "run", "--bundle",
                b.dir.toString(), "svc-hook"), Map.of(), new byte[0]);
        assertEquals(0, r.exit(), r.both());
        List<String> lines = r.out().lines().toList();
        assertEquals("nvidia-uvm nvidia-uvm-tools nvidia3 nvidiactl ", lines.get(0), r.both());
        assertTrue(lines.get(1).contains("libcuda.so.1"), r.both());
        assertEquals("selected-opens", lines.get(3), r.both());
        assertFalse(Files.exists(jvmRan), "no JVM started for the hook");

        // the same hook with the service stopped: the stand-in java runs (and fails the start)
        service.destroy();
        assertEquals(143, service.waitFor(), "SIGTERM stops the service");
        assertFalse(Files.exists(socket), "the stopped service removed its socket");
        Jaccel.Result without = Jaccel.exec(List.of("runc", "--root", runcRoot.toString(), "run", "--bundle",
                b.dir.toString(), "svc-hook-2"), Map.of(), new byte[0]);
        assertNotEquals(0, without.exit(), without.both());
        assertTrue(Files.exists(jvmRan), "without the service the hook starts its JVM");
    }

    /**
     * Whoever answers "done" decides that a container starts without its devices, so the front
     * believes a service of its own user only: an impostor run as nobody, which answers "exit 0" to
     * everything, is ignored (the front goes to the launcher, here missing: exit 4), while the same
     * impostor run as root is believed (the spec is left unedited and the container starts).
     */
    @ParameterizedTest(name = "impostor run as {0}")
    @CsvSource({"nobody, 4", "root, 0"})
    void theFrontBelievesOnlyAServiceOfItsOwnUser(String user, int exit) throws Exception {
        Path shared = Files.createTempDirectory(Path.of("/tmp"), "jaccel-impostor");
        try {
            Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            socket = shared.resolve("start.sock");
            Path source = Path.of(getClass().getResource("/service/ImpostorStartService.java").toURI());
            Path copy = Files.copy(source, shared.resolve("ImpostorStartService.java"));
            List<String> cmd = new ArrayList<>();
            if (user.equals("nobody")) {
                cmd.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
            }
            cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), copy.toString(),
                    socket.toString()));
            serviceLog = tmp.resolve("impostor.log");
            service = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(serviceLog.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(serviceLog).contains("listening")) {
                assertTrue(service.isAlive() && System.nanoTime() < deadline, Files.readString(serviceLog));
                Thread.sleep(20);
            }
            Map<String, String> env = host("h100x8-mig");
            Bundle b = Bundle.create(tmp.resolve("impostor"), "echo started").env("NVIDIA_VISIBLE_DEVICES=all");
            byte[] before = b.configBytes();
            Jaccel.Result r = front(loneFront(), b, "impostor-" + user, env);
            assertEquals(exit, r.exit(), r.both());
            if (exit == 4) {
                assertTrue(r.err().contains("the launcher is missing"), "the impostor was ignored: " + r.both());
            } else {
                assertEquals("started\n", r.out(), "a service of the front's own user is believed: " + r.both());
            }
            assertArrayEquals(before, b.configBytes(), "nobody edited the spec");
        } finally {
            stopService();
            try (var files = Files.walk(shared)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * A hook's state travels to jaccel-ask in the environment, where one variable holds at most
     * 128 KiB (Linux's MAX_ARG_STRLEN). A larger one (annotations are the image's to fill) cannot
     * be handed over that way: the launcher then starts its JVM, and the container still gets its GPU.
     */
    @Test
    void aStateTooLargeToHandOverGoesToTheJvm() throws Exception {
        Map<String, String> env = host("h100x8-mig");
        SimulatedHostEndToEndTest.openable(env, "/dev/nvidia3");
        startService(env);
        Bundle b = Bundle.create(tmp.resolve("big"), ": > /dev/nvidia3 && echo selected-opens")
                .env("NVIDIA_VISIBLE_DEVICES=" + SimulatedHostEndToEndTest.GPU0)
                .jaccelPrestartHook(env, "JACCEL_SOCKET=" + socket);
        b.spec().object("annotations").put("example.com/big", "x".repeat(200 * 1024));
        b.write();
        Jaccel.Result r = Jaccel.exec(List.of("runc", "--root", runcRoot.toString(), "run", "--bundle",
                b.dir.toString(), "svc-big"), Map.of(), new byte[0]);
        assertEquals(0, r.exit(), r.both());
        assertEquals("selected-opens\n", r.out(), r.both());
        assertFalse(Files.readString(serviceLog).contains("hook prestart: exit"), "the service did not serve it");
    }

    @Test
    void containersStartingTogetherAreAllServed() throws Exception {
        Map<String, String> env = host("inf2");
        startService(env);
        Path front = loneFront();
        int n = 16;
        List<Bundle> bundles = Bundle.neuronCopies(tmp, n);
        List<Jaccel.Result> results = Bundle.startTogether(bundles, (b, id) -> front(front, b, id, env));
        for (int i = 0; i < n; i++) {
            Jaccel.Result r = results.get(i);
            assertEquals(0, r.exit(), "container " + i + ": " + r.both());
            assertEquals("neuron" + (i % 6) + "\n", r.out(), "container " + i);
        }
    }
}
