package dev.jaccel.bench;

import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.hook.aot.AotTraining;
import dev.jaccel.hook.service.StartRequest;
import dev.jaccel.hook.service.StartService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One container start as the start service ({@code jaccel serve}) sees it, warm: a client connects
 * to its Unix socket and sends {@code runtime create} for a bundle whose spec asks, as an
 * nvidia/cuda:12.4.1 image does, for all 8 GPUs of the simulated host; the service reads the
 * snapshot and checks it against the host, plans, edits the spec, writes it atomically and answers
 * {@code exit 0}. The client here is Java ({@link StartRequest#toBytes}: the bytes
 * {@code hook/src/main/c/start_service.c} sends). What the shim's front waits for between its request and its exec of runc.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class StartServiceBenchmark {
    Path dir;
    Path bundle;
    Path socket;
    StartService service;
    Thread serving;
    byte[] request;

    @Setup
    public void setUp() throws IOException {
        HostContext host = BenchHost.context();
        dir = Files.createTempDirectory("jaccel-bench-serve");
        bundle = dir.resolve("bundle");
        Path snapshot = dir.resolve("inventory.json");
        InventorySnapshot.write(snapshot, BenchHost.discover(), host);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JACCEL_HOST_ROOT", host.hostRoot().toString());
        env.put("JACCEL_NVML_LIBRARY", BenchHost.nvmlLibrary());
        env.put("JACCEL_SNAPSHOT", snapshot.toString());
        env.put("JACCEL_CONFIG", Files.writeString(dir.resolve("config.toml"), "").toString());
        socket = dir.resolve("start.sock");
        service = StartService.bind(socket, env, new PrintWriter(Writer.nullWriter()));
        serving = Thread.ofPlatform().daemon().start(service::serve);
        request = request(env, List.of("runtime", "create", "--bundle", bundle.toString(), "bench"));
        String answer = roundTrip();
        if (!answer.equals("exit 0\n") || !Files.readString(bundle.resolve("config.json")).contains("/dev/nvidia7")) {
            throw new IllegalStateException("the service did not edit the spec for 8 GPUs: " + answer);
        }
    }

    static byte[] request(Map<String, String> env, List<String> args) throws IOException {
        return new StartRequest(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString(),
                Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString(), Path.of("/"), env, args,
                new byte[0]).toBytes();
    }

    String roundTrip() throws IOException {
        AotTraining.cudaBundle(bundle);
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            c.write(ByteBuffer.wrap(request));
            c.shutdownOutput();
            return new String(Channels.newInputStream(c).readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @TearDown
    public void tearDown() throws IOException, InterruptedException {
        service.close();
        serving.join(5000);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Includes rewriting the unedited spec before each request (a 1 KB file). */
    @Benchmark
    public String runtimeCreateEightGpus() throws IOException {
        return roundTrip();
    }
}
