package dev.jaccel.hook.aot;

import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.spi.Inventories;
import dev.jaccel.hook.Main;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The training run behind {@code bin/jaccel aot-train}: the launcher starts this class with exactly
 * the class path and JVM flags of a normal start plus the option that records an AOT cache (a CDS
 * archive before JDK 24), and it drives the paths a host runs most in-process, so that their classes
 * end up loaded and linked in the cache: the hook with and without an accelerator, from the snapshot
 * and from NVML, the runtime shim's spec edit, {@code devices --json}, {@code plan},
 * {@code inventory refresh}.
 *
 * <p>By default only read-only work is done, plus files in a private temporary directory, so
 * training is safe on a production host against its real driver. {@code --simulated} (for build
 * machines, on the testkit's simulated host) adds the GPU hook runs that create device nodes: they
 * go under the private directory's rootfs, and the device-cgroup allow rules go to the group of a
 * {@code sleep} child, which is this JVM's group. {@code --container-path SNAPSHOT} trains the
 * container path's own cache: the shim and the hook reading that snapshot, nothing else (no discovery,
 * no command line), because a JVM started with an AOT cache loads every class the cache holds; the
 * snapshot is written beforehand by another JVM ({@code bin/jaccel aot-train} does). A
 * scenario that fails is reported on stderr and training goes on: a missing piece leaves the cache
 * less complete, never wrong.
 */
public final class AotTraining {
    /** The nvidia/cuda:12.4.1 images' requirement, first terms (gitlab.com/nvidia/container-images/cuda, dist/12.4.1). */
    private static final String REQUIRE_CUDA_12_4 = "cuda>=12.4 brand=tesla,driver>=470,driver<471 "
            + "brand=unknown,driver>=470,driver<471 brand=nvidia,driver>=470,driver<471 brand=tesla,driver>=525,driver<526 "
            + "brand=unknown,driver>=525,driver<526 brand=nvidia,driver>=525,driver<526 brand=tesla,driver>=535,driver<536 "
            + "brand=unknown,driver>=535,driver<536 brand=nvidia,driver>=535,driver<536";
    private static final List<String> CUDA_ENV = List.of("PATH=/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/bin:/bin",
            "NVIDIA_VISIBLE_DEVICES=all", "NVIDIA_DRIVER_CAPABILITIES=compute,utility",
            "NVIDIA_REQUIRE_CUDA=" + REQUIRE_CUDA_12_4, "CUDA_VERSION=12.4.1");

    private AotTraining() {
    }

    /** One training scenario; returns the exit code jaccel would have returned. */
    @FunctionalInterface
    interface Run {
        int run(InputStream in, PrintStream out, PrintStream err) throws IOException;
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        List<String> options = List.of(args);
        boolean simulated = options.contains("--simulated");
        int at = options.indexOf("--container-path");
        Path startSnapshot = at >= 0 && at + 1 < args.length ? Path.of(args[at + 1]) : null;
        Map<String, String> env = System.getenv();
        Path work = workFolder();
        int failed = 0;
        Process sleeper = null;
        try {
            Path plain = bundle(work.resolve("plain"), List.of("PATH=/usr/bin:/bin"));
            Path gpus = bundle(work.resolve("gpus"), CUDA_ENV);
            Path snapshot = startSnapshot != null ? startSnapshot : work.resolve("inventory.json");
            Map<String, String> withSnapshot = with(env, "JACCEL_SNAPSHOT", snapshot.toString());
            Map<String, String> withoutSnapshot = with(env, "JACCEL_SNAPSHOT", work.resolve("none.json").toString());

            failed += scenario("hook prestart, no accelerator requested", state(plain, ProcessHandle.current().pid()),
                    (in, out, err) -> Main.run(new String[] {"hook", "prestart"}, in, out, err, env));
            if (startSnapshot == null) {
                failed += scenario("devices --json", new byte[0],
                        (in, out, err) -> Main.run(new String[] {"devices", "--json"}, in, out, err, env));
                failed += scenario("plan, all GPUs with a CUDA requirement", new byte[0], (in, out, err) -> Main.run(
                        new String[] {"plan", "--env", CUDA_ENV.get(1), "--env", CUDA_ENV.get(2), "--env", CUDA_ENV.get(3),
                                "--env", CUDA_ENV.get(4)}, in, out, err, env));
                failed += scenario("inventory refresh", new byte[0], (in, out, err) ->
                        Main.run(new String[] {"inventory", "refresh", "--output", snapshot.toString()}, in, out, err, env));
            }
            // the shim as bin/jaccel runs it: the JVM edits the spec and returns, the launcher execs runc
            failed += scenario("runtime run (launcher mode), from the snapshot", new byte[0],
                    (in, out, err) -> runtime(gpus, in, out, err, withSnapshot));
            if (startSnapshot == null) {
                failed += scenario("runtime run (launcher mode), from NVML (no snapshot)", new byte[0],
                        (in, out, err) -> runtime(gpus, in, out, err, withoutSnapshot));
            }
            if (simulated) {
                // the "container process": a sleeper in a mount namespace of its own (util-linux unshare),
                // and a spec that names its cgroup, so the hook's checks of the state's pid pass
                sleeper = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sleep", "120").start();
                long pid = sleeper.pid();
                String cgroup = cgroupOf(pid);
                Files.writeString(gpus.resolve("config.json"), config(CUDA_ENV, cgroup));
                failed += scenario("hook prestart, all GPUs, from the snapshot", state(gpus, pid),
                        (in, out, err) -> Main.run(new String[] {"hook", "prestart"}, in, out, err, withSnapshot));
                if (startSnapshot == null) {
                    deleteTree(gpus.resolve("rootfs/dev"));
                    Files.createDirectories(gpus.resolve("rootfs/dev"));
                    failed += scenario("hook prestart, all GPUs, from NVML (no snapshot)", state(gpus, pid),
                            (in, out, err) -> Main.run(new String[] {"hook", "prestart"}, in, out, err, withoutSnapshot));
                }
            }
            if (startSnapshot == null) {
                failed += scenario("--help", new byte[0], (in, out, err) -> Main.run(new String[] {"--help"}, in, out, err, env));
            }
        } finally {
            if (sleeper != null) {
                sleeper.destroy();
                sleeper.waitFor(5, TimeUnit.SECONDS);
            }
            deleteTree(work);
        }
        System.err.println("aot-train: training run done" + (failed == 0 ? "" : ", " + failed + " scenario(s) failed (see above)"));
        System.err.flush();
        // the way jaccel's container path ends (dev.jaccel.hook.Main): Runtime.exit would put its
        // System.Logger lookup's classes into the cache; the JVM still writes the cache on halt
        Runtime.getRuntime().halt(0);
    }

    /**
     * A new folder of our own under java.io.tmpdir. Not Files.createTempDirectory: its random name
     * comes from SecureRandom, whose ~50 classes would then be in the container path's cache and
     * loaded on every start. mkdir never follows a planted symlink and fails on an existing name.
     */
    private static Path workFolder() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long pid = ProcessHandle.current().pid();
        for (int n = 0; ; n++) {
            try {
                return Files.createDirectory(tmp.resolve("jaccel-aot-train-" + pid + "-" + n),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException taken) {
                if (n == 99) {
                    throw taken;
                }
            }
        }
    }

    private static int scenario(String name, byte[] stdin, Run run) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = run.run(new ByteArrayInputStream(stdin), o, e);
        } catch (IOException | RuntimeException ex) {
            code = -1;
            err.writeBytes(ex.toString().getBytes(StandardCharsets.UTF_8));
        }
        String firstError = err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
        System.err.println("aot-train: " + name + " -> exit " + code + (code == 0 ? "" : ": " + firstError));
        return code == 0 ? 0 : 1;
    }

    private static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> copy = new HashMap<>(env);
        copy.put(key, value);
        return copy;
    }

    /** A minimal OCI bundle (runtime-spec config.md) with this process env and an empty rootfs/dev. */
    private static Path bundle(Path dir, List<String> env) throws IOException {
        Files.createDirectories(dir.resolve("rootfs/dev"));
        Files.writeString(dir.resolve("config.json"), config(env));
        return dir;
    }

    /**
     * A bundle in {@code dir} whose spec asks, as an nvidia/cuda:12.4.1 image does, for every GPU with
     * compute and utility: the request the training (and the start service's warm-up) repeats.
     */
    public static Path cudaBundle(Path dir) throws IOException {
        return bundle(dir, CUDA_ENV);
    }

    /** {@code runtime run} of a fresh copy of the GPU spec, with the JVM in the launcher's mode (no exec of runc). */
    private static int runtime(Path bundle, InputStream in, PrintStream out, PrintStream err, Map<String, String> env)
            throws IOException {
        Files.writeString(bundle.resolve("config.json"), config(CUDA_ENV));
        System.setProperty("jaccel.exec", "launcher");
        try {
            return Main.run(new String[] {"runtime", "--root", bundle.resolve("runc").toString(), "run", "--bundle",
                    bundle.toString(), "jaccel-aot-train"}, in, out, err, env);
        } finally {
            System.clearProperty("jaccel.exec");
        }
    }

    /** The devices cgroup (v1) or unified cgroup (v2) of a process, from /proc/PID/cgroup. */
    private static String cgroupOf(long pid) throws IOException, InterruptedException {
        Thread.sleep(100);   // unshare has exec'd sleep by then; its cgroup is the one it started in anyway
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && (List.of(f[1].split(",")).contains("devices") || f[0].equals("0"))) {
                return f[2];
            }
        }
        return null;
    }

    private static String config(List<String> env) {
        return config(env, null);
    }

    private static String config(List<String> env, String cgroupsPath) {
        StringBuilder json = new StringBuilder("{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"/bin/true\"],\"env\":[");
        for (int i = 0; i < env.size(); i++) {
            json.append(i == 0 ? "" : ",").append('"').append(env.get(i).replace("\"", "\\\"")).append('"');
        }
        return json.append("],\"cwd\":\"/\"},\"root\":{\"path\":\"rootfs\"},\"mounts\":[],")
                .append("\"linux\":{").append(cgroupsPath == null ? "" : "\"cgroupsPath\":\"" + cgroupsPath + "\",")
                .append("\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]},")
                .append("\"namespaces\":[{\"type\":\"mount\"}]}}").toString();
    }

    /** The OCI state a runtime writes to a hook's stdin (runtime-spec runtime.md, "State"). */
    private static byte[] state(Path bundle, long pid) {
        return ("{\"ociVersion\":\"1.0.2\",\"id\":\"jaccel-aot-train\",\"status\":\"creating\",\"pid\":" + pid
                + ",\"bundle\":\"" + bundle.toAbsolutePath() + "\",\"annotations\":{}}").getBytes(StandardCharsets.UTF_8);
    }

    /** Removes {@code root} and everything under it (links themselves, never what they name); nothing when absent. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
