package dev.jaccel.hook.runtime;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.HookEdit;
import dev.jaccel.core.edits.Plan;
import dev.jaccel.core.io.AtomicFiles;
import dev.jaccel.core.oci.OciSpec;
import dev.jaccel.core.oci.SpecEditor;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.hook.ContainerPlanning;
import dev.jaccel.hook.Failures;
import dev.jaccel.hook.Invocation;
import dev.jaccel.hook.oci.HookActions;
import dev.jaccel.hook.posix.Libc;
import dev.jaccel.hook.posix.PosixException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code jaccel runtime [runtime flags] <subcommand> ...}: a runc-compatible shim (docs/design.md
 * §3.1). On {@code create} and {@code run} it edits {@code <bundle>/config.json}
 * (devices, cgroup allow rules, driver-file mounts, env) and writes it back atomically; then, for
 * every subcommand, it replaces itself with the real runtime through {@code execve}: same pid, so
 * signals, the exit status and inherited fds are the runtime's own. A spec that asks for no
 * device is not rewritten. (bin/jaccel already execs the runtime without a JVM when the spec
 * cannot name a device, and for every other subcommand.)
 */
public final class RuntimeShim {
    /** Runtimes tried on PATH when JACCEL_RUNTIME is unset (NVIDIA's shim uses the same list). */
    static final List<String> DEFAULT_RUNTIMES = List.of("runc", "crun");

    private RuntimeShim() {
    }

    public static int run(List<String> args, Invocation invocation, PrintStream err) {
        Map<String, String> env = invocation.env();
        try {
            String runtime = resolveRuntime(env);
            RuntimeArgs parsed = RuntimeArgs.parse(args, Path.of("").toAbsolutePath());
            if (parsed.editsSpec()) {
                inject(parsed.bundle().orElseThrow(), env, err);
            }
            List<String> argv = new ArrayList<>();
            argv.add(runtime);
            argv.addAll(args);
            int keep = Math.max(parsed.preserveFds(), listenFds(env));
            PosixException failed = Libc.execve(runtime, argv, environment(env), 3 + keep);
            throw new JaccelException(ExitCode.DRIVER_UNAVAILABLE, failed.getMessage());
        } catch (RuntimeException e) {
            return Failures.report("jaccel runtime", e, err, invocation.debug());
        }
    }

    /** Edits the bundle's spec for the plan; returns whether it was rewritten. */
    public static boolean inject(Path bundle, Map<String, String> env, PrintStream err) {
        Path config = bundle.resolve("config.json");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(config);
        } catch (IOException e) {
            throw JaccelException.badInput(config + ": cannot read the OCI spec (" + e.getClass().getSimpleName()
                    + "); give the bundle with --bundle DIR or run from it");
        }
        OciSpec spec = OciSpec.parse(bytes, config.toString());
        Plan plan = ContainerPlanning.plan(spec.request(), HostContext.resolve(env, null, null, null));
        plan.warnings().forEach(w -> err.println("jaccel runtime: warning: " + w));
        SpecEditor.apply(spec, withLinkHook(plan.edits()));
        if (!spec.changed()) {
            return false;
        }
        try {
            AtomicFiles.write(config, spec.toBytes());
        } catch (IOException e) {
            throw JaccelException.badInput(config + ": cannot write the edited spec: " + e.getMessage());
        }
        return true;
    }

    /**
     * The runtime does the mounts; the {@code libcuda.so} link and the ldconfig run need a process
     * in the container's mount namespace: a createContainer hook running jaccel itself, with an
     * explicit env (NVIDIAScape). Added only when driver libraries are mounted and the launcher is known.
     */
    static ContainerEdits withLinkHook(ContainerEdits edits) {
        String launcher = System.getProperty("jaccel.launcher");
        var dirs = HookActions.libraryDirectories(edits.mounts());
        if (launcher == null || dirs.isEmpty()) {
            return edits;
        }
        List<String> args = new ArrayList<>(List.of(launcher, "hook", "createContainer"));
        for (String link : HookActions.libcudaLinks(edits.mounts())) {
            args.add("--link");
            args.add(link);
        }
        for (String dir : dirs) {
            args.add("--ldconfig");
            args.add(dir);
        }
        HookEdit hook = new HookEdit("createContainer", launcher, args, List.of(SpecEditor.HOOK_DEFAULT_ENV));
        return edits.plus(new ContainerEdits(List.of(), List.of(), List.of(), List.of(hook)));
    }

    /** JACCEL_RUNTIME (a name on PATH or a path), else the first of runc, crun on PATH. */
    static String resolveRuntime(Map<String, String> env) {
        String chosen = env.get("JACCEL_RUNTIME");
        String path = env.getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        if (chosen != null && !chosen.isBlank()) {
            return onPath(chosen, path).orElseThrow(() -> new JaccelException(ExitCode.DRIVER_UNAVAILABLE,
                    "JACCEL_RUNTIME=" + chosen + " is not an executable file (on PATH or as a path)"));
        }
        for (String name : DEFAULT_RUNTIMES) {
            Optional<String> found = onPath(name, path);
            if (found.isPresent()) {
                return found.get();
            }
        }
        throw new JaccelException(ExitCode.DRIVER_UNAVAILABLE,
                "no container runtime found: install runc or crun, or set JACCEL_RUNTIME to its path");
    }

    static Optional<String> onPath(String name, String path) {
        if (name.contains("/")) {
            Path p = Path.of(name).toAbsolutePath();
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p.toString()) : Optional.empty();
        }
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p.toAbsolutePath().toString());
            }
        }
        return Optional.empty();
    }

    private static int listenFds(Map<String, String> env) {
        try {
            return Math.max(0, Integer.parseInt(env.getOrDefault("LISTEN_FDS", "0").trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static List<String> environment(Map<String, String> env) {
        List<String> out = new ArrayList<>(env.size());
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }
}
