package dev.jaccel.hook.oci;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.Plan;
import dev.jaccel.core.oci.OciSpec;
import dev.jaccel.core.oci.OciState;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.hook.Failures;
import dev.jaccel.hook.Invocation;
import dev.jaccel.hook.ContainerPlanning;
import dev.jaccel.hook.posix.ContainerRoot;
import dev.jaccel.hook.posix.PosixException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code jaccel hook <stage>}: an OCI hook (runtime-spec config.md "POSIX-platform Hooks") reading
 * the container state from stdin. Silent on success; on failure ONE line on stderr and a non-zero
 * exit (2 bad input, 3 unsatisfiable, 4 driver unavailable), which makes the runtime stop the start.
 *
 * <ul>
 *   <li>{@code prestart}, {@code createRuntime} (runtime namespace): plan (requirement checks), device
 *       nodes created through {@code /proc/<pid>/root/<rootfs>}, cgroup v1 allow rules;</li>
 *   <li>{@code createContainer} (container mount namespace, before pivot_root): driver-file bind
 *       mounts, {@code libcuda.so} link, host ldconfig. With {@code --link DIR/libcuda.so} and
 *       {@code --ldconfig DIR} arguments (added by the runtime shim, whose runtime already did the
 *       mounts) only the link and ldconfig are done;</li>
 *   <li>{@code poststart}, {@code poststop}: nothing.</li>
 * </ul>
 */
public final class HookCommand {
    private static final Set<String> STAGES = Set.of("prestart", "createRuntime", "createContainer", "poststart",
            "poststop");

    private HookCommand() {
    }

    public static int run(List<String> args, Invocation invocation, PrintStream err) {
        Map<String, String> env = invocation.env();
        String stage = args.isEmpty() ? "" : args.getFirst();
        try {
            if (!STAGES.contains(stage)) {
                throw JaccelException.badInput("unknown hook stage '" + stage + "': give one of prestart, createRuntime, "
                        + "createContainer, poststart, poststop");
            }
            byte[] stateBytes = invocation.in().readAllBytes();
            if (stage.equals("poststart") || stage.equals("poststop")) {
                return 0;
            }
            OciState state = OciState.parse(stateBytes);
            Path config = state.bundle().resolve("config.json");
            OciSpec spec = OciSpec.parse(read(config), config.toString());
            Path rootfs = spec.rootfs(state.bundle());
            List<String> rest = args.subList(1, args.size());
            if (stage.equals("createContainer") && !rest.isEmpty()) {
                linksAndLdconfig(rootfs, rest);
                return 0;
            }
            Plan plan = ContainerPlanning.plan(spec.request(), HostContext.resolve(env, null, null, null));
            ContainerEdits edits = plan.edits();
            if (edits.isEmpty()) {
                return 0;
            }
            if (stage.equals("createContainer")) {
                inContainerNamespace(rootfs, edits);
            } else {
                inRuntimeNamespace(state, rootfs, edits);
            }
            return 0;
        } catch (IOException e) {
            // reading stdin, or a system call on the container's root (PosixException names it)
            return Failures.report("jaccel hook " + stage, JaccelException.badInput(e.getMessage()), err,
                    invocation.debug());
        } catch (RuntimeException e) {
            return Failures.report("jaccel hook " + stage, e, err, invocation.debug());
        }
    }

    static void inRuntimeNamespace(OciState state, Path rootfs, ContainerEdits edits) throws PosixException {
        if (state.pid() <= 0) {
            throw JaccelException.badInput("the OCI state has no pid: register jaccel for prestart or createRuntime, "
                    + "which run after the container process exists");
        }
        if (edits.deviceNodes().isEmpty()) {
            return;
        }
        // the container's mounts (its /dev tmpfs) are only visible through its mount namespace
        Path root = Path.of("/proc/" + state.pid() + "/root" + rootfs);
        try (ContainerRoot r = ContainerRoot.open(root)) {
            HookActions.createDeviceNodes(r, edits.deviceNodes());
        }
        CgroupDevices.of(Path.of("/proc"), state.pid()).allow(edits.deviceNodes());
    }

    static void inContainerNamespace(Path rootfs, ContainerEdits edits) throws PosixException {
        Set<String> dirs = HookActions.libraryDirectories(edits.mounts());
        try (ContainerRoot r = ContainerRoot.open(rootfs)) {
            HookActions.bindMounts(r, edits.mounts());
            HookActions.createLinks(r, HookActions.libcudaLinks(edits.mounts()));
            if (!dirs.isEmpty()) {
                HookActions.prepareLdconfig(r);
            }
        }
        if (!dirs.isEmpty()) {
            HookActions.ldconfig(rootfs, dirs);
        }
    }

    private static void linksAndLdconfig(Path rootfs, List<String> args) throws PosixException {
        List<String> links = new ArrayList<>();
        Set<String> dirs = new LinkedHashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("--link") || a.equals("--ldconfig")) && i + 1 < args.size() && args.get(i + 1).startsWith("/")) {
                (a.equals("--link") ? links : dirs).add(args.get(++i));
            } else {
                throw JaccelException.badInput("unexpected argument '" + a + "': createContainer takes --link /DIR/libcuda.so "
                        + "and --ldconfig /DIR");
            }
        }
        try (ContainerRoot r = ContainerRoot.open(rootfs)) {
            HookActions.createLinks(r, links);
            if (!dirs.isEmpty()) {
                HookActions.prepareLdconfig(r);
            }
        }
        if (!dirs.isEmpty()) {
            HookActions.ldconfig(rootfs, dirs);
        }
    }

    private static byte[] read(Path config) {
        try {
            return Files.readAllBytes(config);
        } catch (IOException e) {
            throw JaccelException.badInput(config + ": cannot read the OCI spec (" + e.getClass().getSimpleName() + ")");
        }
    }
}
