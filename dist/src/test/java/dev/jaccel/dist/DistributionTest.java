package dev.jaccel.dist;

import dev.jaccel.testkit.SimulatedHost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tarball as an operator installs it: unpacked somewhere else than where it was built (its AOT
 * cache was trained under dist/target/stage), run from another folder with no JDK on PATH and no
 * JAVA_HOME.
 */
class DistributionTest {
    /**
     * What "lean" means here; the build prints the real size (49 MiB when this was set: the jlink'd
     * runtime ~19 MiB and the two AOT caches ~10 MiB compressed, the device plugin's gRPC stack
     * (netty-shaded, protobuf, guava) ~18 MiB, the CLI's own jars ~3 MiB).
     */
    static final long MAX_TARBALL_BYTES = 56L << 20;

    /**
     * The runtime's modules, each with the jar that needs it (jdeps). The CLI and the container path
     * need java.base alone, the start service jdk.net too; the rest is the device plugin's gRPC stack.
     * java.desktop, java.sql and java.xml, which jackson-databind and picocli name only as
     * {@code requires static}, stay out.
     */
    static final List<String> RUNTIME_MODULES = List.of(
            "java.base",
            "java.logging",        // grpc-api, grpc-core, guava, protobuf-java
            "java.naming",         // grpc-core's DNS name resolver (JNDI), grpc-netty-shaded
            "java.security.sasl",  // required by java.naming
            "jdk.jfr",             // grpc-netty-shaded (netty's JFR events)
            "jdk.net",             // SO_PEERCRED: jaccel serve answers its own user's clients only
            "jdk.unsupported");    // sun.misc.Unsafe: netty, guava, protobuf-java

    @TempDir
    static Path tmp;
    static Installation installed;
    static Path elsewhere;

    @BeforeAll
    static void unpack() throws IOException {
        installed = Installation.unpack(tmp.resolve("opt"));
        elsewhere = Files.createDirectories(tmp.resolve("somewhere/else"));
    }

    @Test
    void theTarballHoldsTheLayoutTheLauncherExpectsAndIsLean() throws IOException {
        assertTrue(Files.size(Installation.TARBALL) < MAX_TARBALL_BYTES, Files.size(Installation.TARBALL) + " bytes");
        for (String exe : List.of("bin/jaccel", "bin/jaccel-runtime", "bin/nvidia-container-runtime-hook", "runtime/bin/java",
                "lib/native/jaccel-inject", "lib/native/jaccel-ask")) {
            assertTrue(Files.isExecutable(installed.home.resolve(exe)), exe);
        }
        List<String> classpath = Files.readAllLines(installed.home.resolve("lib/classpath"));
        assertEquals("jaccel-hook.jar", classpath.getFirst());
        try (var jars = Files.list(installed.home.resolve("lib"))) {
            assertEquals(jars.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList(),
                    classpath.stream().sorted().toList(), "lib/classpath lists every jar");
        }
        assertTrue(Files.isRegularFile(installed.home.resolve("lib/aot/runtime-jdk25.aot")));
        assertTrue(Files.isRegularFile(installed.home.resolve("lib/aot/runtime-jdk25-start.aot")));
        assertTrue(Files.isRegularFile(installed.home.resolve("share/systemd/jaccel-refresh.service")));
        assertTrue(Files.isRegularFile(installed.home.resolve("share/systemd/jaccel-refresh.path")));
        assertTrue(Files.isRegularFile(installed.home.resolve("share/systemd/jaccel-serve.service")));
        // the launcher is the repository's, byte for byte
        assertEquals(Files.readString(Path.of("../bin/jaccel")), Files.readString(installed.bin("jaccel")));

        Installation.Result modules = Installation.exec(List.of(installed.home.resolve("runtime/bin/java").toString(),
                "--list-modules"), Map.of(), elsewhere, new byte[0]);
        assertEquals(0, modules.exit(), modules.both());
        assertEquals(RUNTIME_MODULES, modules.out().lines().map(l -> l.replaceAll("@.*", "")).toList(),
                "only the modules jdeps finds the jars need");
        assertFalse(Files.exists(installed.home.resolve("runtime/bin/javac")));
    }

    /** Every command family, on the jlink'd runtime (RUNTIME_MODULES), from another folder, no JDK in sight. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--version                                        | 0 | jaccel " + "VERSION",
            "config show                                      | 0 | [neuron]",
            "devices --json                                   | 0 | NVIDIA H100 80GB HBM3",
            "check                                            | 0 | nvidia driver: ",
            "plan --env NVIDIA_VISIBLE_DEVICES=0              | 0 | \"selected\"",
            "inventory refresh --output OUT/inventory.json    | 0 | wrote OUT/inventory.json",
            "cdi generate --output-dir OUT/cdi --snapshot OUT/s.json | 0 | (nvidia.com/gpu: ",
            "runtime configure --runtime containerd --config OUT/config.toml --dry-run | 0 | BinaryName = 'HOME/bin/jaccel-runtime'",
            "runtime configure --runtime docker --config OUT/daemon.json --set-as-default | 0 | wrote OUT/daemon.json",
    })
    void runsFromAnyFolderWithNoJdkOnTheHost(String args, int exit, String expected) throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out-" + Integer.toHexString(args.hashCode())));
        Map<String, String> env = new HashMap<>(SimulatedHost.create(tmp.resolve("host-" + Integer.toHexString(args.hashCode())),
                SimulatedHost.DEFAULT_PROFILE));
        env.put("JACCEL_SNAPSHOT", out.resolve("no-snapshot.json").toString());
        List<String> words = new ArrayList<>();
        for (String w : args.strip().split(" +")) {
            words.add(w.replace("OUT", out.toString()));
        }
        Installation.Result r = installed.jaccel(elsewhere, env, words.toArray(String[]::new));
        assertEquals(exit, r.exit(), r.both());
        String want = expected.replace("VERSION", Installation.VERSION).replace("OUT", out.toString())
                .replace("HOME", installed.home.toString());
        assertTrue(r.out().contains(want), r.both());
        assertFalse(r.err().contains("Exception"), r.both());
    }

    /** Security #14 (launcher, installed layout): the caller's environment cannot choose the java that runs. */
    @Test
    void theCallersJavaHomeIsNeverUsed() throws IOException {
        Path fakeJdk = Files.createDirectories(tmp.resolve("fake-jdk/bin"));
        Path ran = tmp.resolve("fake-jdk-ran");
        Files.writeString(fakeJdk.resolveSibling("release"), "JAVA_VERSION=\"25.0.9\"\n");
        Path java = Files.writeString(fakeJdk.resolve("java"), "#!/bin/sh\ntouch " + ran + "\necho fake java\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("JAVA_HOME", fakeJdk.getParent().toString(),
                "JACCEL_JAVA_HOME", fakeJdk.getParent().toString(), "PATH", fakeJdk + ":" + Installation.PATH);
        Installation.Result r = installed.jaccel(elsewhere, env, "--version");
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().startsWith("jaccel " + Installation.VERSION), r.both());
        assertFalse(Files.exists(ran), "the caller's java ran");
    }

    /**
     * The AOT cache trained at packaging is used where the tarball is unpacked (JDK 25 matches a
     * moved class path by its longest common prefix), and only while it is newer than every jar and
     * the runtime's release file (JDK-8377932: a 25.0.3 cache serves classes from a changed jar).
     */
    @Test
    void theAotCacheFollowsTheInstallationAndItsGuardHolds() throws IOException {
        Recording recording = Recording.of("copy");
        Path copy = recording.home();
        Path args = recording.args();
        Path cache = copy.resolve("lib/aot/runtime-jdk25.aot");

        List<String> launched = launch(copy, args);
        assertTrue(launched.contains("-XX:AOTCache=" + cache), launched.toString());
        // the container path has a cache of its own (only its classes)
        Path bundle = Files.createDirectories(tmp.resolve("gpu-bundle"));
        Files.writeString(bundle.resolve("config.json"), "{\"process\": {\"env\": [\"NVIDIA_VISIBLE_DEVICES=0\"]}}");
        Installation.Result hook = Installation.exec(List.of(copy.resolve("bin/jaccel").toString(), "hook", "prestart"),
                Map.of(), elsewhere, ("{\"id\": \"x\", \"pid\": 1, \"bundle\": \"" + bundle + "\"}").getBytes());
        assertEquals(0, hook.exit(), hook.both());
        assertTrue(Files.readAllLines(args).contains("-XX:AOTCache=" + copy.resolve("lib/aot/runtime-jdk25-start.aot")),
                Files.readAllLines(args).toString());

        // the real JVM of the real installation accepts the cache with these arguments, AOTMode=on
        // making a rejected cache fatal
        List<String> real = new ArrayList<>(List.of(installed.home.resolve("runtime/bin/java").toString(), "-XX:AOTMode=on"));
        for (String a : launched) {
            real.add(a.replace(copy.toString(), installed.home.toString()));
        }
        Installation.Result r = Installation.exec(real, Map.of(), elsewhere, new byte[0]);
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().startsWith("jaccel " + Installation.VERSION), r.both());

        FileTime later = FileTime.from(Instant.now().plusSeconds(120));
        Files.setLastModifiedTime(copy.resolve("lib/jackson-core.jar"), later);
        assertFalse(launch(copy, args).stream().anyMatch(a -> a.startsWith("-XX:AOTCache")), "a jar newer than the cache");
        Files.setLastModifiedTime(cache, FileTime.from(Instant.now().plusSeconds(240)));
        assertTrue(launch(copy, args).contains("-XX:AOTCache=" + cache), "retrained");
        Files.setLastModifiedTime(copy.resolve("runtime/release"), FileTime.from(Instant.now().plusSeconds(360)));
        assertFalse(launch(copy, args).stream().anyMatch(a -> a.startsWith("-XX:AOTCache")), "a runtime newer than the cache");
    }

    /**
     * A copy of the installation whose java, instead of running, writes the arguments and the
     * environment the launcher gives it (times kept, as tar keeps them, so the cache guard holds).
     */
    record Recording(Path home, Path args, Path env) {
        static Recording of(String name) throws IOException {
            Path dir = Files.createDirectories(tmp.resolve(name));
            Installation.Result cp = Installation.exec(List.of("cp", "-a", installed.home.toString(), dir.toString()),
                    Map.of(), tmp, new byte[0]);
            assertEquals(0, cp.exit(), cp.both());
            Recording r = new Recording(dir.resolve(installed.home.getFileName()), tmp.resolve(name + "-java-args"),
                    tmp.resolve(name + "-java-env"));
            Path java = r.home.resolve("runtime/bin/java");
            Files.delete(java);
            Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + r.args
                    + "\nenv > " + r.env + "\n");
            Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setLastModifiedTime(java, Files.getLastModifiedTime(installed.home.resolve("runtime/bin/java")));
            return r;
        }

        /** The recorded java command and environment, made the real installation's. */
        List<String> command() throws IOException {
            List<String> cmd = new ArrayList<>(List.of(installed.home.resolve("runtime/bin/java").toString()));
            Files.readAllLines(args).forEach(a -> cmd.add(a.replace(home.toString(), installed.home.toString())));
            return cmd;
        }

        Map<String, String> environment() throws IOException {
            Map<String, String> env = new HashMap<>();
            for (String line : Files.readAllLines(this.env)) {
                int eq = line.indexOf('=');
                env.put(line.substring(0, eq), line.substring(eq + 1).replace(home.toString(), installed.home.toString()));
            }
            return env;
        }
    }

    /**
     * The most classes the container path's JVM may load from elsewhere than its AOT cache. The JDK
     * spins a {@code DirectMethodHandle} holder on the shim's path (measured: 1, docs/perf/README.md)
     * and now and then loads a JDK class or two from the runtime image (seen on CI: an exception
     * class resolved for a catch clause, {@code MutableBigInteger}), at well under a millisecond each.
     * What costs every GPU container start is a class spun at run time (a record's generated
     * equals/hashCode spun a dozen method handles, ~30 ms), or a cache that serves a group of classes
     * no more (with no locale: six charset classes): none of those is allowed.
     */
    static final int MAX_CLASSES_NOT_FROM_THE_CACHE = 5;

    /**
     * The shim's JVM, exactly as bin/jaccel starts it for an 8-GPU container (its arguments and
     * environment recorded, a class-load log added), edits the spec from the snapshot with its
     * classes from the container path's AOT cache, in an environment with no locale (as container
     * engines often run it) as in any other.
     */
    @ParameterizedTest(name = "LANG={0}")
    @CsvSource(value = {"''", "C.UTF-8", "POSIX"})
    void theContainerPathsClassesComeFromItsAotCache(String lang) throws IOException {
        Map<String, String> env = new HashMap<>(SimulatedHost.create(tmp.resolve("aot-host-" + lang), SimulatedHost.DEFAULT_PROFILE));
        Path snapshot = tmp.resolve("aot-state-" + lang + "/inventory.json");
        env.put("JACCEL_SNAPSHOT", snapshot.toString());
        Installation.Result refresh = installed.jaccel(elsewhere, env, "inventory", "refresh", "--output", snapshot.toString());
        assertEquals(0, refresh.exit(), refresh.both());
        Path bundle = Files.createDirectories(tmp.resolve("aot-bundle-" + lang));
        Files.createDirectories(bundle.resolve("rootfs"));
        Files.writeString(bundle.resolve("config.json"), "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}, "
                + "\"process\": {\"args\": [\"true\"], \"env\": [\"PATH=/bin\", \"NVIDIA_VISIBLE_DEVICES=all\", "
                + "\"NVIDIA_DRIVER_CAPABILITIES=compute,utility\"]}}");
        if (!lang.isEmpty()) {
            env.put("LANG", lang);
        }
        env.put("JACCEL_RUNTIME", "/bin/true");   // what the launcher execs after the JVM: nothing to start here

        Recording recording = Recording.of("aot-copy-" + lang);
        Installation.Result recorded = Installation.exec(List.of(recording.home().resolve("bin/jaccel").toString(),
                "runtime", "run", "--bundle", bundle.toString(), "aot-check"), env, elsewhere, new byte[0]);
        assertEquals(0, recorded.exit(), recorded.both());
        List<String> cmd = recording.command();
        assertTrue(cmd.contains("-XX:AOTCache=" + installed.home.resolve("lib/aot/runtime-jdk25-start.aot")), cmd.toString());
        // the log after the launcher's flags: their -Xlog:disable would turn an earlier one off
        Path log = tmp.resolve("aot-classes-" + lang + ".txt");
        cmd.add(cmd.indexOf("-cp"), "-Xlog:class+load:file=" + log);
        Installation.Result edit = Installation.exec(cmd, recording.environment(), elsewhere, new byte[0]);
        assertEquals(0, edit.exit(), edit.both());
        assertTrue(Files.readString(bundle.resolve("config.json")).contains("/dev/nvidia7"), "the spec was edited for 8 GPUs");

        List<String> loaded = Files.readAllLines(log);
        List<String> notFromTheCache = loaded.stream().filter(l -> !l.endsWith("source: shared objects file")).toList();
        List<String> spun = notFromTheCache.stream().filter(l -> l.contains("source: __")).toList();
        assertTrue(loaded.size() > 1000, loaded.size() + " classes logged");
        assertEquals(List.of(), spun, "classes spun at run time (hidden classes the AOT cache does not hold)");
        assertTrue(notFromTheCache.size() <= MAX_CLASSES_NOT_FROM_THE_CACHE, notFromTheCache.size() + " of " + loaded.size()
                + " classes not from the AOT cache:\n" + String.join("\n", notFromTheCache));
    }

    private List<String> launch(Path home, Path args) throws IOException {
        Files.deleteIfExists(args);
        Installation.Result r = Installation.exec(List.of(home.resolve("bin/jaccel").toString(), "--version"),
                Map.of(), elsewhere, new byte[0]);
        assertEquals(0, r.exit(), r.both());
        return Files.readAllLines(args);
    }

    /**
     * The systemd units as installed (their /opt/jaccel made this installation's path) pass
     * systemd-analyze verify, and the service's command keeps a host current at the cost of a few
     * file reads when nothing changed.
     */
    @Test
    void theSystemdUnitsVerifyAndTheirCommandIsCheapWhenNothingChanged() throws IOException {
        Path units = Files.createDirectories(tmp.resolve("units"));
        Map<String, String> execStart = new HashMap<>();
        List<String> unitNames = List.of("jaccel-refresh.service", "jaccel-refresh.path", "jaccel-serve.service");
        for (String unit : unitNames) {
            String text = Files.readString(installed.home.resolve("share/systemd/" + unit));
            Files.writeString(units.resolve(unit), text.replace("/opt/jaccel/", installed.home + "/"));
            for (String line : text.lines().toList()) {
                if (line.startsWith("ExecStart=")) {
                    execStart.put(unit, line.substring("ExecStart=".length()));
                }
            }
        }
        assertEquals(Map.of("jaccel-refresh.service", "/opt/jaccel/bin/jaccel cdi generate --if-stale",
                "jaccel-serve.service", "/opt/jaccel/bin/jaccel serve --socket /run/jaccel/start.sock"), execStart);
        if (Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
            List<String> verifyCmd = new ArrayList<>(List.of("systemd-analyze", "verify"));
            unitNames.forEach(u -> verifyCmd.add(units.resolve(u).toString()));
            Installation.Result verify = Installation.exec(verifyCmd, Map.of(), units, new byte[0]);
            assertEquals(0, verify.exit(), verify.both());
            assertEquals("", verify.out() + verify.err());
        }
        Map<String, String> env = new HashMap<>(SimulatedHost.create(tmp.resolve("unit-host"), SimulatedHost.DEFAULT_PROFILE));
        Path config = Files.writeString(tmp.resolve("unit-config.toml"), "[inventory]\nsnapshot = \"" + tmp.resolve("unit-state/inventory.json")
                + "\"\n[cdi]\noutput-dir = \"" + tmp.resolve("unit-cdi") + "\"\n");
        env.put("JACCEL_CONFIG", config.toString());
        String[] args = {"cdi", "generate", "--if-stale"};
        Installation.Result first = installed.jaccel(Path.of("/"), env, args);
        assertEquals(0, first.exit(), first.both());
        assertTrue(first.out().startsWith("wrote " + tmp.resolve("unit-state/inventory.json")), first.both());
        Installation.Result second = installed.jaccel(Path.of("/"), env, args);
        assertEquals(0, second.exit(), second.both());
        assertTrue(second.out().startsWith(tmp.resolve("unit-state/inventory.json") + " matches the host"), second.both());
        assertFalse(second.out().contains("wrote"), second.both());
    }

    /** Security #14: 8 runtime configure processes at once on one daemon.json kept 4 entries; the lock keeps all 8. */
    @Test
    void parallelConfigureProcessesKeepEveryEntry() throws Exception {
        Path daemonJson = Files.writeString(tmp.resolve("parallel-daemon.json"), "{\"debug\": false}\n");
        List<java.util.concurrent.Future<Installation.Result>> runs = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                String name = "rt" + i;
                runs.add(pool.submit(() -> installed.jaccel(elsewhere, Map.of(), "runtime", "configure", "--runtime", "docker",
                        "--config", daemonJson.toString(), "--name", name)));
            }
        }
        for (var run : runs) {
            assertEquals(0, run.get().exit(), run.get().both());
        }
        String after = Files.readString(daemonJson);
        for (int i = 0; i < 8; i++) {
            assertTrue(after.contains("\"rt" + i + "\": {"), after);
        }
        assertTrue(after.startsWith("{\"debug\": false"), after);
    }

    /** bin/jaccel-runtime and bin/nvidia-container-runtime-hook are bin/jaccel runtime / hook, also through a symlink. */
    @Test
    void theWrappersAreTheLauncherWithItsFirstWord() throws IOException {
        Installation.Result runtime = Installation.exec(List.of(installed.bin("jaccel-runtime").toString(), "--version"),
                Map.of(), elsewhere, new byte[0]);
        assertEquals(0, runtime.exit(), runtime.both());
        assertTrue(runtime.out().startsWith("runc version"), "passed straight to runc: " + runtime.both());

        Path usrLocalBin = Files.createDirectories(tmp.resolve("usr/local/bin"));
        Path link = Files.createSymbolicLink(usrLocalBin.resolve("nvidia-container-runtime-hook"),
                installed.bin("nvidia-container-runtime-hook"));
        // a state for a bundle whose spec asks for nothing: the launcher answers without a JVM
        Path bundle = Files.createDirectories(tmp.resolve("bundle"));
        Files.writeString(bundle.resolve("config.json"), "{\"ociVersion\": \"1.0.2\", \"process\": {\"env\": [\"PATH=/bin\"]}}");
        byte[] state = ("{\"ociVersion\": \"1.0.2\", \"id\": \"x\", \"pid\": 1, \"bundle\": \"" + bundle + "\"}").getBytes();
        Installation.Result hook = Installation.exec(List.of(link.toString(), "prestart"), Map.of(), elsewhere, state);
        assertEquals(0, hook.exit(), hook.both());
        assertEquals("", hook.out() + hook.err());
    }
}
