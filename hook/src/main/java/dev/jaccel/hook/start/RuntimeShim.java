package dev.jaccel.hook.start;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.edits.Plan;
import dev.jaccel.core.io.AtomicFiles;
import dev.jaccel.core.oci.OciSpec;
import dev.jaccel.core.plan.ContainerPlanning;
import dev.jaccel.core.oci.SpecEditor;
import dev.jaccel.hook.Failures;
import dev.jaccel.core.Invocation;
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
 * {@code jaccel runtime [runtime flags] <subcommand> ...}: a runc-compatible shim (docs/design.md,
 * "Injection"). On {@code create} and {@code run} it edits {@code <bundle>/config.json} (devices,
 * cgroup allow rules, driver-file mounts by soname, env) and writes it back atomically; the runtime
 * then does everything itself, so no hook and no second jaccel process runs for the container.
 *
 * <p>Started by {@code bin/jaccel} (system property {@value #EXEC_PROPERTY}{@code =launcher}), the JVM
 * only edits the spec and exits; the launcher then {@code exec}s the real runtime with the same
 * arguments: no FFM linking on this path. Started otherwise, it replaces itself with the runtime
 * through {@code execve} (same pid, so signals, the exit status and inherited fds are the runtime's).
 * A spec that asks for no device is not rewritten.
 */
public final class RuntimeShim {
    /** Runtimes tried on PATH when JACCEL_RUNTIME is unset (NVIDIA's shim uses the same list). */
    static final List<String> DEFAULT_RUNTIMES = List.of("runc", "crun");
    /** Set to {@code launcher} by bin/jaccel: it execs the runtime itself once the JVM has exited 0. */
    static final String EXEC_PROPERTY = "jaccel.exec";

    private RuntimeShim() {
    }

    public static int run(List<String> args, Invocation invocation, PrintStream err) {
        Path cwd = Path.of("").toAbsolutePath();
        if ("launcher".equals(System.getProperty(EXEC_PROPERTY))) {
            return edit(args, cwd, invocation, err);
        }
        Map<String, String> env = invocation.env();
        RuntimeArgs parsed = null;
        try {
            parsed = RuntimeArgs.parse(args, cwd);
            String runtime = resolveRuntime(env);
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
            return failed(parsed, e, err, invocation);
        }
    }

    /**
     * The spec edit alone, for a caller that execs the real runtime itself once this returns 0
     * (bin/jaccel, the start service's client): {@code create} and {@code run} edit
     * {@code <bundle>/config.json}, every other subcommand is left to the runtime.
     *
     * @param cwd the caller's working directory, which a relative or absent {@code --bundle} names
     */
    public static int edit(List<String> args, Path cwd, Invocation invocation, PrintStream err) {
        RuntimeArgs parsed = null;
        try {
            parsed = RuntimeArgs.parse(args, cwd);
            if (parsed.editsSpec()) {
                inject(parsed.bundle().orElseThrow(), invocation.env(), err);
            }
            return 0;
        } catch (RuntimeException e) {
            return failed(parsed, e, err, invocation);
        }
    }

    private static int failed(RuntimeArgs parsed, RuntimeException e, PrintStream err, Invocation invocation) {
        int code = Failures.report("jaccel runtime", e, err, invocation.debug());
        if (parsed != null) {
            RuntimeLog.error(parsed, e instanceof JaccelException ? e.getMessage() : "internal error: " + e);
        }
        return code;
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
        Plan plan = ContainerPlanning.plan(spec.request(), spec.rootfs(bundle), env,
                w -> err.println("jaccel runtime: warning: " + w));
        SpecEditor.apply(spec, plan.edits());
        if (!spec.changed()) {
            return false;
        }
        try {
            // not fsync'd: runc reads it at once, and after a crash the container is gone anyway
            AtomicFiles.writeVolatile(config, spec.toBytes());
        } catch (IOException e) {
            throw JaccelException.badInput(config + ": cannot write the edited spec: " + e.getMessage());
        }
        return true;
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
