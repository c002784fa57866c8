package dev.jaccel.hook.e2e;

import dev.jaccel.core.json.JsonDocument;
import dev.jaccel.core.json.JsonValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * An OCI bundle for the end-to-end tests: a busybox rootfs (the static busybox copied in, applets
 * as symlinks) and the config.json {@code runc spec} writes, edited for a non-interactive command.
 */
final class Bundle {
    static final List<String> APPLETS = List.of("sh", "ls", "cat", "env", "stat", "test", "echo", "head", "readlink",
            "grep", "sort", "true", "tr");

    final Path dir;
    final Path rootfs;
    private final JsonDocument spec;

    private Bundle(Path dir, JsonDocument spec) {
        this.dir = dir;
        this.rootfs = dir.resolve("rootfs");
        this.spec = spec;
    }

    /** A bundle running {@code sh -c script}. */
    static Bundle create(Path dir, String script) {
        try {
            Path bin = Files.createDirectories(dir.resolve("rootfs/bin"));
            Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
            for (String applet : APPLETS) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
            Process p = new ProcessBuilder("runc", "spec", "--bundle", dir.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("runc spec failed: " + out);
            }
            Bundle b = new Bundle(dir, JsonDocument.parse(Files.readAllBytes(dir.resolve("config.json"))));
            JsonValue.Obj process = b.spec.rootObject().object("process");
            process.put("terminal", false);
            process.put("args", new JsonValue.Arr().add("sh").add("-c").add(script));
            return b.write();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Another bundle with a copy of this one's config.json, running on this bundle's (read-only) rootfs. */
    Bundle sharingRootfs(Path otherDir) {
        try {
            Files.createDirectories(otherDir);
            Bundle b = new Bundle(otherDir, JsonDocument.parse(spec.toBytes()));
            b.spec().object("root").put("path", rootfs.toString()).put("readonly", true);
            return b.write();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonValue.Obj spec() {
        try {
            return spec.rootObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Bundle env(String... kv) {
        JsonValue.Arr env = spec().object("process").array("env");
        for (String s : kv) {
            env.add(s);
        }
        return write();
    }

    /** A hook entry with an explicit env, as jaccel documents its registration. */
    Bundle hook(String stage, List<String> args, List<String> env) {
        JsonValue.Arr a = new JsonValue.Arr();
        args.forEach(a::add);
        JsonValue.Arr e = new JsonValue.Arr();
        env.forEach(e::add);
        spec().object("hooks").array(stage).add(new JsonValue.Obj().put("path", args.getFirst()).put("args", a).put("env", e));
        return write();
    }

    /**
     * jaccel as the prestart hook, registered as the docs register it: {@code bin/jaccel hook prestart}
     * with an explicit env, here the host's locations, a PATH, the JDK and {@code extraEnv} (KEY=VALUE).
     */
    Bundle jaccelPrestartHook(Map<String, String> host, String... extraEnv) {
        List<String> env = new ArrayList<>();
        host.forEach((k, v) -> env.add(k + "=" + v));
        env.add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.add("JAVA_HOME=" + System.getProperty("java.home"));
        env.addAll(List.of(extraEnv));
        return hook("prestart", List.of(Jaccel.LAUNCHER.toString(), "hook", "prestart"), env);
    }

    /** A node the runtime creates WITHOUT a cgroup allow rule: present but not usable. */
    Bundle nodeWithoutRule(String path, int major, int minor) {
        spec().object("linux").array("devices").add(new JsonValue.Obj().put("path", path).put("type", "c")
                .put("major", major).put("minor", minor).put("fileMode", 0666).put("uid", 0).put("gid", 0));
        return write();
    }

    Bundle write() {
        try {
            Files.write(dir.resolve("config.json"), spec.toBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    byte[] configBytes() {
        try {
            return Files.readAllBytes(dir.resolve("config.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code n} bundles sharing one busybox rootfs under {@code dir}, the i-th asking for Neuron device
     * {@code i % 6} and listing the Neuron nodes it got: containers to start at once.
     */
    static List<Bundle> neuronCopies(Path dir, int n) {
        Bundle template = create(dir.resolve("template"), "ls /dev | grep neuron");
        List<Bundle> bundles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            bundles.add(template.sharingRootfs(dir.resolve("p" + i)).env("AWS_NEURON_VISIBLE_DEVICES=" + (i % 6)));
        }
        return bundles;
    }

    /** Starts every bundle at the same time, each on a thread of its own, as {@code start(bundle, id)}; the results in order. */
    static List<Jaccel.Result> startTogether(List<Bundle> bundles, BiFunction<Bundle, String, Jaccel.Result> start)
            throws Exception {
        List<Future<Jaccel.Result>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(bundles.size())) {
            for (int i = 0; i < bundles.size(); i++) {
                Bundle b = bundles.get(i);
                String id = "par-" + i;
                futures.add(pool.submit(() -> start.apply(b, id)));
            }
        }
        List<Jaccel.Result> results = new ArrayList<>();
        for (var f : futures) {
            results.add(f.get());
        }
        return results;
    }
}
