package dev.jaccel.hook.aot;

import dev.jaccel.hook.Main;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run behind {@code bin/jaccel aot-train}: the launcher starts this class with exactly
 * the class path and JVM flags of a normal start plus the option that records an AOT cache (CDS
 * archive before JDK 24), and it drives the commands a host runs most through {@link Main#run}
 * in-process, so their classes end up loaded and linked in the cache.
 *
 * <p>Only commands without side effects outside a private temporary directory are run (no runtime
 * exec, no device nodes), so training is safe on a production host; there it should run against the
 * real driver, on a build machine against the simulated host ({@code --host-root} and
 * {@code --nvml-library} with the fake, as scripts/aot-train.sh does). A scenario that fails is
 * reported on stderr and training goes on: a missing piece makes the cache less complete, never
 * wrong.
 */
public final class AotTraining {
    /** An excerpt (9 of 31 terms) of the nvidia/cuda:12.4.1 images' NVIDIA_REQUIRE_CUDA (gitlab.com/nvidia/container-images/cuda, dist/12.4.1). */
    private static final String REQUIRE_CUDA_12_4 = "cuda>=12.4 brand=tesla,driver>=470,driver<471 "
            + "brand=unknown,driver>=470,driver<471 brand=nvidia,driver>=470,driver<471 brand=tesla,driver>=525,driver<526 "
            + "brand=unknown,driver>=525,driver<526 brand=nvidia,driver>=525,driver<526 brand=tesla,driver>=535,driver<536 "
            + "brand=unknown,driver>=535,driver<536 brand=nvidia,driver>=535,driver<536";

    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        List<String> host = List.of();   // the host comes from the environment (JACCEL_HOST_ROOT, ...)
        Path work = Files.createTempDirectory("jaccel-aot-train");
        int failed = 0;
        try {
            for (Scenario s : scenarios(work, host)) {
                failed += s.run() == 0 ? 0 : 1;
            }
        } finally {
            deleteTree(work);
        }
        System.err.println("aot-train: training run done" + (failed == 0 ? "" : ", " + failed + " scenario(s) failed (see above)"));
        System.exit(0);
    }

    record Scenario(String name, List<String> argv, byte[] stdin) {
        int run() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code;
            try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                code = Main.run(argv.toArray(String[]::new), new ByteArrayInputStream(stdin), o, e);
            } catch (RuntimeException ex) {
                code = -1;
                err.writeBytes(ex.toString().getBytes(StandardCharsets.UTF_8));
            }
            String firstError = err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
            System.err.println("aot-train: " + name + " -> exit " + code + (code == 0 ? "" : ": " + firstError));
            return code;
        }
    }

    static List<Scenario> scenarios(Path work, List<String> host) throws IOException {
        Path plain = bundle(work.resolve("plain"), List.of("PATH=/usr/bin:/bin"));
        Path gpus = bundle(work.resolve("gpus"), List.of("PATH=/usr/local/cuda/bin:/usr/bin:/bin",
                "NVIDIA_VISIBLE_DEVICES=all", "NVIDIA_DRIVER_CAPABILITIES=compute,utility",
                "NVIDIA_REQUIRE_CUDA=" + REQUIRE_CUDA_12_4, "CUDA_VERSION=12.4.1"));
        List<Scenario> all = new ArrayList<>();
        all.add(new Scenario("hook prestart, no accelerator requested", command(List.of("hook", "prestart"), host),
                state(plain)));
        all.add(new Scenario("devices --json", command(List.of("devices", "--json"), host), new byte[0]));
        all.add(new Scenario("plan, all GPUs with a CUDA requirement", command(List.of("plan",
                "--env", "NVIDIA_VISIBLE_DEVICES=all", "--env", "NVIDIA_DRIVER_CAPABILITIES=compute,utility",
                "--env", "NVIDIA_REQUIRE_CUDA=" + REQUIRE_CUDA_12_4),
                host), new byte[0]));
        all.add(new Scenario("--help", List.of("--help"), new byte[0]));
        return all;
    }

    private static List<String> command(List<String> command, List<String> host) {
        List<String> argv = new ArrayList<>(command);
        argv.addAll(host);
        return argv;
    }

    /** A minimal OCI bundle: config.json with this process env (runtime-spec config.md). */
    private static Path bundle(Path dir, List<String> env) throws IOException {
        Files.createDirectories(dir.resolve("rootfs"));
        StringBuilder json = new StringBuilder("{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"/bin/true\"],\"env\":[");
        for (int i = 0; i < env.size(); i++) {
            json.append(i == 0 ? "" : ",").append('"').append(env.get(i).replace("\"", "\\\"")).append('"');
        }
        json.append("],\"cwd\":\"/\"},\"root\":{\"path\":\"rootfs\"},\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}");
        Files.writeString(dir.resolve("config.json"), json);
        return dir;
    }

    /** The OCI state a runtime writes to a hook's stdin (runtime-spec runtime.md, "State"). */
    private static byte[] state(Path bundle) {
        return ("{\"ociVersion\":\"1.0.2\",\"id\":\"jaccel-aot-train\",\"status\":\"creating\",\"pid\":"
                + ProcessHandle.current().pid() + ",\"bundle\":\"" + bundle + "\",\"annotations\":{}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
