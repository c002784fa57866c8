package dev.jaccel.hook.e2e;

import dev.jaccel.testkit.HostTree;
import dev.jaccel.testkit.SimulatedHost;
import dev.jaccel.testkit.TinyElf;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regressions of the red-team findings on the container path (docs/security.md), each with real runc
 * on the simulated 8-GPU host and each way jaccel injects (the shim, a prestart hook as Docker's
 * --gpus and podman's hooks.d run it, a createContainer hook):
 * <ul>
 *   <li>a hostile image cannot make anything be written outside its root: its
 *       {@code /var/cache/ldconfig} and {@code /lib} point at host folders through {@code /proc/1/root},
 *       an {@code /etc/ld.so.conf.d} entry names one, one of its libraries has a SONAME of
 *       {@code ../../../../proc/1/root/<host path>} (the class of CVE-2024-0132/0133, CVE-2025-23359);</li>
 *   <li>an image whose {@code /etc/ld.so.conf} is a FIFO cannot hang the start;</li>
 *   <li>the shim's container runs no second jaccel process (no hook in its spec), so a container
 *       limited to 32 MiB and 16 pids starts with GPUs as it does without;</li>
 *   <li>nodes made by the prestart hook can be opened by a non-root container user (0666);</li>
 *   <li>a prestart state naming a process that is not the container's is refused.</li>
 * </ul>
 */
class ContainerEscapeEndToEndTest {
    static final String LIB = "/usr/lib/x86_64-linux-gnu";
    static final List<String> HOOK_PATH = List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

    @TempDir
    Path tmp;
    Path runcRoot;
    Map<String, String> env;
    Path hostTargets;
    Path victim;

    @BeforeEach
    void hostAndTargets() throws IOException {
        Jaccel.assumeEndToEnd();
        runcRoot = Files.createDirectories(tmp.resolve("runc-state"));
        env = new HashMap<>(SimulatedHost.create(tmp.resolve("host"), "h100x8-mig"));
        env.put("JACCEL_SNAPSHOT", tmp.resolve("no-snapshot.json").toString());
        HostTree.at(Path.of(env.get("JACCEL_HOST_ROOT"))).charDevice("/dev/nvidia3", 1, 11);   // GPU 0 opens /dev/kmsg
        hostTargets = Files.createDirectories(tmp.resolve("host-targets"));
        for (String d : List.of("cache", "lib", "conf")) {
            Files.createDirectories(hostTargets.resolve(d));
        }
        victim = Files.createSymbolicLink(tmp.resolve("host-victim"), Path.of("/etc/hostname"));
    }

    /** A busybox image that tries every known way to get ldconfig (or anyone) to write on the host. */
    Bundle hostileImage(String name, String script, boolean libLink) throws IOException, InterruptedException {
        Bundle b = Bundle.create(tmp.resolve(name), script);
        Path root = b.rootfs;
        Files.createDirectories(root.resolve("var/cache"));
        Files.createSymbolicLink(root.resolve("var/cache/ldconfig"), Path.of("/proc/1/root" + hostTargets.resolve("cache")));
        if (libLink) {
            Files.createSymbolicLink(root.resolve("lib"), Path.of("/proc/1/root" + hostTargets.resolve("lib")));
        }
        Files.createDirectories(root.resolve("etc/ld.so.conf.d"));
        Files.writeString(root.resolve("etc/ld.so.conf.d/evil.conf"), "/proc/1/root" + hostTargets.resolve("conf") + "\n");
        assertEquals(0, new ProcessBuilder("mkfifo", root.resolve("etc/ld.so.conf").toString()).start().waitFor());
        Files.createDirectories(root.resolve(LIB.substring(1)));
        Files.write(root.resolve(LIB.substring(1) + "/libevil.so.1"),
                TinyElf.sharedObject("../../../../../../../../proc/1/root" + victim, "evil"));
        return b.env("NVIDIA_VISIBLE_DEVICES=all", "NVIDIA_DRIVER_CAPABILITIES=compute,utility");
    }

    void nothingReachedTheHost() throws IOException {
        for (String d : List.of("cache", "lib", "conf")) {
            try (Stream<Path> s = Files.list(hostTargets.resolve(d))) {
                assertEquals(List.of(), s.toList(), "nothing written to the host folder " + d);
            }
        }
        assertTrue(Files.isSymbolicLink(victim), "the host link is still a link");
        assertEquals(Path.of("/etc/hostname"), Files.readSymbolicLink(victim), "and still points where it did");
    }

    List<String> hookEnv() {
        List<String> e = new ArrayList<>(HOOK_PATH);
        env.forEach((k, v) -> e.add(k + "=" + v));
        e.add("JAVA_HOME=" + System.getProperty("java.home"));
        return e;
    }

    Jaccel.Result runc(Bundle b, String id) {
        return Jaccel.exec(List.of("runc", "--root", runcRoot.toString(), "run", "--bundle", b.dir.toString(), id),
                Map.of(), new byte[0]);
    }

    static final String CHECK = "grep -c 'fake libcuda.so 580.95.05' " + LIB + "/libcuda.so.1; ls /dev/nvidia3";

    /**
     * The driver's GSP firmware goes to /lib/firmware: through an image whose /lib is a /proc magic
     * link, runc (the shim's path) resolves it inside the root lexically and starts the container,
     * while the hook's helper refuses the path (openat2 never follows a magic link) and the start fails
     * with one line naming it. Either way nothing reaches the host.
     */
    @ParameterizedTest(name = "{0}, /lib a magic link: {1}")
    @CsvSource({
            "shim,            true,  true",
            "shim,            false, true",
            "prestart,        false, true",
            "prestart,        true,  false",
            "createContainer, false, true",
    })
    void aHostileImageGetsItsGpusOrIsRefusedAndTheHostIsUntouched(String mode, boolean libLink, boolean starts)
            throws Exception {
        Bundle b = hostileImage("hostile-" + mode + "-" + libLink, CHECK, libLink);
        Jaccel.Result r;
        if (mode.equals("shim")) {
            r = Jaccel.run(List.of("runtime", "--root", runcRoot.toString(), "run", "--bundle", b.dir.toString(),
                    "escape-shim-" + libLink), env, new byte[0]);
        } else {
            b.hook("prestart", List.of(Jaccel.LAUNCHER.toString(), "hook", "prestart"), hookEnv());
            if (mode.equals("createContainer")) {
                b.hook("createContainer", List.of(Jaccel.LAUNCHER.toString(), "hook", "createContainer"), hookEnv());
            }
            r = runc(b, "escape-" + mode.toLowerCase() + "-" + libLink);
        }
        if (starts) {
            assertEquals(0, r.exit(), r.both());
            assertEquals(List.of("1", "/dev/nvidia3"), r.out().lines().toList(), "the driver library and the GPU are there: "
                    + r.both());
        } else {
            assertTrue(r.exit() != 0, r.both());
            assertTrue(r.err().contains("/lib/firmware/nvidia/580.95.05/gsp_ga10x.bin")
                    && r.err().contains("does not resolve inside the root"), r.both());
        }
        nothingReachedTheHost();
    }

    /** The shim's container gets everything from its spec: no hook, so no second jaccel process runs for it. */
    @Test
    void theShimsContainerRunsNoSecondJaccelAndStartsWithin32MiBAnd16Pids() throws IOException {
        Bundle b = Bundle.create(tmp.resolve("small"), CHECK)
                .env("NVIDIA_VISIBLE_DEVICES=all", "NVIDIA_DRIVER_CAPABILITIES=compute,utility");
        var resources = b.spec().object("linux").object("resources");
        resources.object("memory").put("limit", 32L << 20);
        resources.object("pids").put("limit", 16);
        b.write();
        Jaccel.Result r = Jaccel.run(List.of("runtime", "--root", runcRoot.toString(), "run", "--bundle",
                b.dir.toString(), "escape-small"), env, new byte[0]);
        assertEquals(0, r.exit(), r.both());
        assertEquals(List.of("1", "/dev/nvidia3"), r.out().lines().toList(), r.both());
        String spec = new String(b.configBytes());
        assertFalse(spec.contains("\"hooks\""), "no hook in the edited spec: " + spec);
    }

    /** Nodes made by the prestart hook have mode 0666 whatever the umask: a non-root user opens them. */
    @Test
    void prestartNodesOpenForANonRootUser() throws IOException {
        Bundle b = Bundle.create(tmp.resolve("user"), "stat -c %a /dev/nvidia3; : > /dev/nvidia3 && echo opens")
                .env("NVIDIA_VISIBLE_DEVICES=0");
        b.spec().object("process").object("user").put("uid", 1000).put("gid", 1000);
        b.write().hook("prestart", List.of(Jaccel.LAUNCHER.toString(), "hook", "prestart"), hookEnv());
        Jaccel.Result r = runc(b, "escape-user");
        assertEquals(0, r.exit(), r.both());
        assertEquals(List.of("666", "opens"), r.out().lines().toList(), r.both());
    }

    /** A state whose pid is not the container's (here: a host process, then a process of another cgroup) is refused. */
    @Test
    void aStateNamingAnotherProcessIsRefused() throws Exception {
        Bundle b = Bundle.create(tmp.resolve("other"), "true").env("NVIDIA_VISIBLE_DEVICES=0");
        Process other = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sleep", "30").start();
        try {
            for (long pid : List.of(ProcessHandle.current().pid(), other.pid())) {
                String state = "{\"ociVersion\":\"1.0.2\",\"id\":\"escape-other\",\"status\":\"creating\",\"pid\":" + pid
                        + ",\"bundle\":\"" + b.dir + "\"}";
                Jaccel.Result r = Jaccel.run(List.of("hook", "prestart"), env, state.getBytes());
                assertEquals(2, r.exit(), r.both());
                assertTrue(r.err().contains("is not a container's process") || r.err().contains("not the container's"),
                        r.both());
            }
        } finally {
            other.destroyForcibly();
        }
        assertFalse(Files.exists(b.rootfs.resolve("dev/nvidia3"), LinkOption.NOFOLLOW_LINKS), "no node made");
    }
}
