package dev.jaccel.hook.e2e;

import dev.jaccel.hook.start.RuncCommandLines;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The runc shim's native front (hook/src/main/c/jaccel-runtime.c, installed as bin/jaccel-runtime):
 * it execs the real runtime itself exactly where bin/jaccel would without a JVM, and hands every
 * other command line to {@code bin/jaccel runtime}. Most tests run a copy of the front beside a
 * "launcher" that records that it ran and then execs the real bin/jaccel: the route and the outcome
 * are both seen. The JVM is a stand-in java that records that it ran; the runtime a stand-in that
 * records its arguments and environment.
 */
class RuntimeFrontEndToEndTest {
    static final Path FRONT = Jaccel.REPO.resolve("hook/target/native/jaccel-runtime");
    static final String VOID = "\"NVIDIA_VISIBLE_DEVICES=void\"";

    @TempDir
    Path tmp;
    Path front;
    Path launcherRan;
    Path jvmRan;
    Path runtime;
    Path runtimeArgv;
    Path runtimeEnv;

    @BeforeEach
    void standIns() throws IOException {
        assumeTrue(Files.isExecutable(FRONT), "the front is built by hook/src/main/c/build.sh (mvn compile)");
        assumeTrue(Files.isRegularFile(Jaccel.REPO.resolve("hook/target/jaccel-hook.jar")),
                "bin/jaccel needs hook/target/jaccel-hook.jar: run through mvn verify (after package)");
        Path bin = Files.createDirectories(tmp.resolve("install/bin"));
        front = Files.copy(FRONT, bin.resolve("jaccel-runtime"), StandardCopyOption.COPY_ATTRIBUTES);
        launcherRan = tmp.resolve("launcher-ran");
        LauncherEndToEndTest.executable(bin.resolve("jaccel"), "touch " + launcherRan + "\nexec " + Jaccel.LAUNCHER + " \"$@\"");
        jvmRan = tmp.resolve("jvm-ran");
        LauncherEndToEndTest.standInJdk(tmp, "touch " + jvmRan);
        runtimeArgv = tmp.resolve("runtime-argv");
        runtimeEnv = tmp.resolve("runtime-env");
        runtime = LauncherEndToEndTest.executable(tmp.resolve("runtime"),
                "printf '%s\\n' \"$@\" > " + runtimeArgv + "\nenv > " + runtimeEnv);
    }

    private Map<String, String> env() {
        return new HashMap<>(Map.of("JACCEL_JAVA_HOME", tmp.resolve("jdk").toString(),
                "JACCEL_RUNTIME", runtime.toString(), "JACCEL_CONFIG", tmp.resolve("no-config.toml").toString()));
    }

    private Path bundle(String config) throws IOException {
        Path bundle = Files.createDirectories(tmp.resolve("bundle"));
        Files.writeString(bundle.resolve("config.json"), config);
        return bundle;
    }

    /** The launcher's table of specs: the front goes to the launcher exactly where the JVM must run. */
    @ParameterizedTest(name = "{0}")
    @DeviceRequestSpecs
    void frontExecsTheRuntimeItselfOnlyWhereTheLauncherStartsNoJvm(String name, String envEntry, boolean jvm)
            throws IOException {
        Path bundle = bundle(DeviceRequestSpecs.Spec.config(envEntry));
        List<String> args = List.of("--root", tmp.resolve("state").toString(), "run", "--bundle", bundle.toString(), "c");
        Jaccel.Result r = Jaccel.exec(command(front, args), env(), new byte[0]);
        assertEquals(0, r.exit(), r.both());
        assertEquals(args, Files.readAllLines(runtimeArgv), name + ": the runtime gets the arguments unchanged");
        assertEquals(jvm, Files.exists(launcherRan), name + ": launcher started?");
        assertEquals(jvm, Files.exists(jvmRan), name + ": JVM started?");
    }

    /**
     * runc's command lines, as in LauncherEndToEndTest but through the front (runc's arguments alone,
     * no "runtime" word): it reads the same bundle, and only a create/run whose spec asks goes on to
     * the launcher.
     */
    @ParameterizedTest
    @RuncCommandLines
    void runtimeCommandLinesAreReadAsTheLauncherReadsThem(String args, String subcommand, String bundle,
            int preserveFds, String runc) throws IOException {
        Path cwd = Files.createDirectories(tmp.resolve("cwd"));
        List<String> local = Jaccel.underRoot(args, tmp);
        boolean editsSpec = "create".equals(subcommand) || "run".equals(subcommand);
        List<Path> specs = Jaccel.specFolders(local, editsSpec, bundle, tmp);
        for (String devices : editsSpec ? List.of("all", "void") : List.of("all")) {
            Jaccel.writeSpecs(specs, cwd, editsSpec, devices);
            Files.deleteIfExists(launcherRan);
            Files.deleteIfExists(jvmRan);
            Jaccel.Result r = Jaccel.exec(command(front, local), env(), new byte[0], cwd);
            assertEquals(0, r.exit(), args + ": " + r.both());
            assertEquals(local, Files.readAllLines(runtimeArgv), args + ": the runtime gets the arguments unchanged");
            boolean asks = editsSpec && devices.equals("all");
            assertEquals(asks, Files.exists(launcherRan), args + " with NVIDIA_VISIBLE_DEVICES=" + devices + ": launcher?");
            assertEquals(asks, Files.exists(jvmRan), args + " with NVIDIA_VISIBLE_DEVICES=" + devices + ": JVM started?");
        }
    }

    /**
     * The front's own doubts: each sends the command line to the launcher, which decides as it
     * always does (its error, its JVM or the runtime). Spec: {@code void} unless the setup says.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // setup | arguments | launcher | JVM | runtime runs | exit | on stderr
            "plain void spec | run -b BUNDLE c | false | false | true | 0 | ''",
            "start never reads a spec | start c | false | false | true | 0 | ''",
            "JACCEL_RUNTIME is not executable | run -b BUNDLE c | true | false | false | 4 | no container runtime found",
            "JACCEL_RUNTIME is a folder | start c | true | false | false | 4 | no container runtime found",
            "JACCEL_RUNTIME names nothing on PATH | delete c | true | false | false | 4 | no container runtime found",
            "JACCEL_RUNTIME a name on PATH | run -b BUNDLE c | false | false | true | 0 | ''",
            "configure is jaccel's own | configure --runtime docker | true | true | false | 0 | ''",
            "config.toml adds swarm-resource | run -b BUNDLE c | true | true | true | 0 | ''",
            "config.toml adds annotation-prefixes, quoted and indented | run -b BUNDLE c | true | true | true | 0 | ''",
            "config.toml names them in a comment | run -b BUNDLE c | false | false | true | 0 | ''",
            "config.toml is a folder | run -b BUNDLE c | true | false | true | 0 | ''",
            "spec over 64 MiB | run -b BUNDLE c | true | false | true | 0 | ''",
            "spec is a folder | create -b BUNDLE c | true | true | true | 0 | ''",
            "no spec | create -b BUNDLE c | true | true | true | 0 | ''",
            "spec is not UTF-8 | run -b BUNDLE c | true | false | true | 0 | ''"})
    void anyDoubtGoesToTheLauncher(String setup, String args, boolean launcher, boolean jvm, boolean runs, int exit,
            String stderr) throws IOException {
        Path bundle = bundle("{\"process\":{\"env\":[" + VOID + "]}}");
        Map<String, String> env = env();
        Path config = tmp.resolve("config.toml");
        switch (setup) {
            case "JACCEL_RUNTIME is not executable" -> env.put("JACCEL_RUNTIME", Files.writeString(tmp.resolve("runc"), "").toString());
            case "JACCEL_RUNTIME is a folder" -> env.put("JACCEL_RUNTIME", tmp.toString());
            case "JACCEL_RUNTIME names nothing on PATH" -> env.put("JACCEL_RUNTIME", "jaccel-no-such-runtime");
            case "JACCEL_RUNTIME a name on PATH" -> {
                Path dir = Files.createDirectories(tmp.resolve("path"));
                Files.copy(runtime, dir.resolve("my-runc"), StandardCopyOption.COPY_ATTRIBUTES);
                env.put("PATH", "/nonexistent::" + dir + ":/usr/bin:/bin");
                env.put("JACCEL_RUNTIME", "my-runc");
            }
            case "config.toml adds swarm-resource" -> Files.writeString(config, "[cdi]\nswarm-resource = \"DOCKER_RESOURCE_GPU\"\n");
            case "config.toml adds annotation-prefixes, quoted and indented" ->
                    Files.writeString(config, "[cdi]\n \t\"annotation-prefixes\" = [\"example.com/\"]\n");
            case "config.toml names them in a comment" -> Files.writeString(config, "# swarm-resource = \"X\"\nx = \"annotation-prefixes\"\n");
            case "config.toml is a folder" -> Files.createDirectories(config);
            case "spec over 64 MiB" -> {
                try (OutputStream out = Files.newOutputStream(bundle.resolve("config.json"))) {
                    out.write(("{\"process\":{\"env\":[" + VOID + "]}}").getBytes(StandardCharsets.UTF_8));
                    byte[] spaces = " ".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
                    for (int i = 0; i < 64; i++) {
                        out.write(spaces);
                    }
                }
            }
            case "spec is a folder" -> {
                Files.delete(bundle.resolve("config.json"));
                Files.createDirectories(bundle.resolve("config.json"));
            }
            case "no spec" -> Files.delete(bundle.resolve("config.json"));
            case "spec is not UTF-8" -> Files.write(bundle.resolve("config.json"),
                    ("{\"process\":{\"env\":[" + VOID + ",\"A=\u00ff\"]}}").getBytes(StandardCharsets.ISO_8859_1));
            default -> { }
        }
        if (Files.exists(config)) {
            env.put("JACCEL_CONFIG", config.toString());
        }
        List<String> argv = List.of(args.replace("BUNDLE", bundle.toString()).split(" "));
        Jaccel.Result r = Jaccel.exec(command(front, argv), env, new byte[0]);
        assertEquals(exit, r.exit(), r.both());
        assertTrue(r.err().contains(stderr), r.both());
        assertEquals(launcher, Files.exists(launcherRan), setup + ": launcher started?");
        assertEquals(jvm, Files.exists(jvmRan), setup + ": JVM started?");
        assertEquals(runs, Files.exists(runtimeArgv), setup + ": runtime started?");
        if (runs) {
            assertEquals(argv, Files.readAllLines(runtimeArgv), setup + ": the runtime gets the arguments unchanged");
        }
    }

    /** bin/jaccel unsets these before it execs the runtime; the front's own exec does the same. */
    @ParameterizedTest
    @CsvSource({"void, false", "all, true"})
    void hostileVariablesNeverReachTheRuntime(String devices, boolean launcher) throws IOException {
        Path bundle = bundle("{\"process\":{\"env\":[\"NVIDIA_VISIBLE_DEVICES=" + devices + "\"]}}");
        Map<String, String> env = env();
        env.putAll(LauncherEndToEndTest.HOSTILE);
        env.put("JACCEL_STATE", "{}");
        env.put("CDPATH", "/");
        Jaccel.Result r = Jaccel.exec(command(front, List.of("run", "-b", bundle.toString(), "c")), env, new byte[0]);
        assertEquals(0, r.exit(), r.both());
        assertEquals(launcher, Files.exists(launcherRan), "launcher started?");
        String seen = Files.readString(runtimeEnv);
        List<String> names = new ArrayList<>(LauncherEndToEndTest.HOSTILE.keySet());
        names.addAll(List.of("JACCEL_STATE", "CDPATH"));
        for (String name : names) {
            assertFalse(seen.lines().anyMatch(l -> l.startsWith(name + "=")), name + " reached the runtime:\n" + seen);
        }
        assertTrue(seen.contains("JACCEL_CONFIG="), "the rest of the environment is passed on:\n" + seen);
    }

    /** The launcher is the one beside the front's own file (a symlink to the front is followed). */
    @Test
    void aSymlinkToTheFrontFindsTheLauncherBesideTheFront() throws IOException {
        Path link = Files.createSymbolicLink(Files.createDirectories(tmp.resolve("usr/local/bin")).resolve("jaccel-runtime"), front);
        Path bundle = bundle("{\"process\":{\"env\":[\"NVIDIA_VISIBLE_DEVICES=all\"]}}");
        Jaccel.Result r = Jaccel.exec(command(link, List.of("run", "-b", bundle.toString(), "c")), env(), new byte[0]);
        assertEquals(0, r.exit(), r.both());
        assertTrue(Files.exists(launcherRan), "the launcher beside the link's target ran");
        assertTrue(Files.exists(jvmRan), "JVM started");
    }

    /** In the source checkout the front is hook/target/native/jaccel-runtime and the launcher bin/jaccel. */
    @Test
    void inTheSourceCheckoutTheLauncherIsBinJaccel() throws IOException {
        Path bundle = bundle("{\"process\":{\"env\":[\"NVIDIA_VISIBLE_DEVICES=all\"]}}");
        List<String> args = List.of("run", "-b", bundle.toString(), "c");
        Jaccel.Result r = Jaccel.exec(command(FRONT, args), env(), new byte[0]);
        assertEquals(0, r.exit(), r.both());
        assertTrue(Files.exists(jvmRan), "bin/jaccel started the JVM");
        assertEquals(args, Files.readAllLines(runtimeArgv), "then ran the runtime with the arguments unchanged");
    }

    /** No launcher where the front looks (no variable can point elsewhere): exit 4, naming the paths. */
    @Test
    void withoutALauncherTheFrontSaysWhereItLooked() throws IOException {
        Path lonely = Files.copy(FRONT, Files.createDirectories(tmp.resolve("lonely")).resolve("jaccel-runtime"),
                StandardCopyOption.COPY_ATTRIBUTES);
        Jaccel.Result r = Jaccel.exec(List.of(lonely.toString(), "configure"), env(), new byte[0]);
        assertEquals(4, r.exit(), r.both());
        assertTrue(r.err().contains(tmp.resolve("lonely/jaccel") + " nor " + tmp.resolve("lonely") + "/../../../bin/jaccel"),
                r.both());
        assertFalse(Files.exists(jvmRan));
    }

    private static List<String> command(Path exe, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(args);
        return cmd;
    }
}
