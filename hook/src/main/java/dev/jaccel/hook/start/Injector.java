package dev.jaccel.hook.start;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.edits.MountEdit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hands a container's device nodes and driver-file mounts to {@code jaccel-inject}
 * (hook/src/main/c/jaccel-inject.c), the hook's single-threaded helper: it joins the container's
 * mount namespace (which a multithreaded JVM cannot do without giving a thread its own filesystem
 * attributes) and makes the nodes and mounts with every path resolved inside the root by the
 * kernel. Why a helper rather than FFM here: linking a downcall handle costs a cold JVM more than
 * the JVM's whole start (docs/perf/README.md), starting the helper a few milliseconds.
 *
 * <p>The helper is found beside jaccel's own jar ({@code native/jaccel-inject}), never through the
 * environment; it gets an empty environment, at most {@value #DEADLINE_SECONDS} s (then it is
 * killed and the hook fails), and applies nothing unless it received the whole request.
 */
final class Injector {
    static final long DEADLINE_SECONDS = 10;
    static final String HELPER = "jaccel-inject";

    private Injector() {
    }

    /**
     * @param pid 0 when this process is already in the container's mount namespace (createContainer)
     */
    static void apply(int pid, Path rootfs, List<DeviceNodeEdit> nodes, List<MountEdit> mounts) {
        if (nodes.isEmpty() && mounts.isEmpty()) {
            return;
        }
        byte[] request = request(nodes, mounts);
        List<String> command = new ArrayList<>(List.of(helper().toString()));
        if (pid > 0) {
            command.add("--pid");
            command.add(Integer.toString(pid));
        }
        command.add(rootfs.toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new JaccelException(ExitCode.DRIVER_UNAVAILABLE, "cannot run " + command.getFirst() + ": " + e.getMessage());
        }
        try {
            try (OutputStream in = p.getOutputStream()) {
                in.write(request);
            }
            if (!p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new JaccelException(ExitCode.DRIVER_UNAVAILABLE, HELPER + " did not finish in " + DEADLINE_SECONDS
                        + " s (killed): the container's root or namespace is not answering");
            }
            if (p.exitValue() != 0) {
                String why = new String(p.getErrorStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
                int nl = why.indexOf('\n');
                why = (nl < 0 ? why : why.substring(0, nl)).replaceFirst("^" + HELPER + ": ", "");
                throw new JaccelException(p.exitValue() == 2 ? ExitCode.USAGE : ExitCode.DRIVER_UNAVAILABLE, why);
            }
        } catch (IOException e) {
            p.destroyForcibly();
            throw new JaccelException(ExitCode.DRIVER_UNAVAILABLE, HELPER + ": " + e.getMessage());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new JaccelException(ExitCode.DRIVER_UNAVAILABLE, HELPER + " interrupted");
        }
    }

    /** The request: NUL-terminated fields, the protocol of jaccel-inject.c. */
    static byte[] request(List<DeviceNodeEdit> nodes, List<MountEdit> mounts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        for (DeviceNodeEdit n : nodes) {
            if (!"c".equals(n.type())) {
                throw JaccelException.badInput("device node " + n.path() + " has type '" + n.type() + "', only 'c' is supported");
            }
            fields(out, "node", n.path(), Integer.toString(n.major()), Integer.toString(n.minor()), "0666");
        }
        for (MountEdit m : mounts) {
            fields(out, "mount", m.hostPath(), m.containerPath(), Long.toString(flags(m.options())),
                    Files.isDirectory(Path.of(m.hostPath())) ? "dir" : "file");
        }
        fields(out, "end");
        return out.toByteArray();
    }

    private static void fields(ByteArrayOutputStream out, String... values) {
        for (String v : values) {
            if (v.indexOf('\0') >= 0) {
                throw JaccelException.badInput("a path with a NUL byte cannot be injected");
            }
            out.writeBytes(v.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
    }

    /** mount(2) flags of the remount (sys/mount.h): ro, nosuid, nodev, noexec; the rest is implied by a bind. */
    static long flags(List<String> options) {
        long f = 0;
        for (String o : options) {
            f |= switch (o) {
                case "ro" -> 1L;
                case "nosuid" -> 2L;
                case "nodev" -> 4L;
                case "noexec" -> 8L;
                default -> 0L;
            };
        }
        return f;
    }

    /** {@code native/jaccel-inject} beside the jar (or class folder) this class was loaded from. */
    static Path helper() {
        try {
            Path codeSource = Path.of(Injector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path helper = codeSource.getParent().resolve("native").resolve(HELPER);
            if (!Files.isExecutable(helper)) {
                throw new JaccelException(ExitCode.DRIVER_UNAVAILABLE, helper + " is missing: the installation is "
                        + "incomplete (build with ./mvnw package, or reinstall jaccel)");
            }
            return helper;
        } catch (URISyntaxException e) {
            throw new UncheckedIOException(new IOException("cannot locate " + HELPER, e));
        }
    }
}
