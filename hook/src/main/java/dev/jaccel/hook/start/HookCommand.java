package dev.jaccel.hook.start;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.Plan;
import dev.jaccel.core.oci.OciSpec;
import dev.jaccel.core.oci.OciState;
import dev.jaccel.core.plan.ContainerPlanning;
import dev.jaccel.hook.Failures;
import dev.jaccel.core.Invocation;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code jaccel hook <stage>}: an OCI hook (runtime-spec config.md "POSIX-platform Hooks") reading
 * the container state from stdin. Silent on success; on failure ONE line on stderr and a non-zero
 * exit (2 bad input, 3 unsatisfiable, 4 driver unavailable), which makes the runtime stop the start.
 *
 * <ul>
 *   <li>{@code prestart}, {@code createRuntime} (runtime namespace, before pivot_root; what Docker's
 *       {@code --gpus} and podman's hooks.d use): the whole injection. The plan's requirement checks,
 *       then, in the container's mount namespace ({@link Injector}: jaccel-inject), its device nodes
 *       and the driver files' read-only bind mounts, then the cgroup v1 allow rules. The state's pid is
 *       checked to be this container's first ({@link ContainerProcess});</li>
 *   <li>{@code createContainer} (already in the container's mount namespace, inside its cgroup):
 *       the driver files' bind mounts only;</li>
 *   <li>{@code poststart}, {@code poststop}: nothing.</li>
 * </ul>
 * Nothing of the image is read or executed, so an image can neither hang the hook nor make it write
 * outside the container's root; the one helper (jaccel-inject) is jaccel's own, with a deadline.
 */
public final class HookCommand {
    private static final Set<String> STAGES = Set.of("prestart", "createRuntime", "createContainer", "poststart",
            "poststop");

    private HookCommand() {
    }

    public static int run(List<String> args, Invocation invocation, PrintStream err) {
        String stage = args.isEmpty() ? "" : args.getFirst();
        String prefix = "jaccel hook " + stage;
        try {
            if (!STAGES.contains(stage)) {
                throw JaccelException.badInput("unknown hook stage '" + stage + "': give one of prestart, createRuntime, "
                        + "createContainer, poststart, poststop");
            }
            if (args.size() > 1) {
                throw JaccelException.badInput("unexpected argument '" + args.get(1) + "': a hook takes its stage only "
                        + "(a spec edited by jaccel 0.1 with createContainer --link/--ldconfig: create the container anew)");
            }
            byte[] stateBytes = invocation.in().readAllBytes();
            if (stage.equals("poststart") || stage.equals("poststop")) {
                return 0;
            }
            OciState state = OciState.parse(stateBytes);
            Path config = state.bundle().resolve("config.json");
            OciSpec spec = OciSpec.parse(read(config), config.toString());
            Path rootfs = spec.rootfs(state.bundle());
            Plan plan = ContainerPlanning.plan(spec.request(), rootfs, invocation.env(),
                    w -> err.println(prefix + ": warning: " + w));
            ContainerEdits edits = plan.edits();
            if (edits.deviceNodes().isEmpty() && edits.mounts().isEmpty()) {
                return 0;
            }
            if (stage.equals("createContainer")) {
                Injector.apply(0, rootfs, List.of(), edits.mounts());
            } else {
                inRuntimeNamespace(state, spec, rootfs, edits);
            }
            return 0;
        } catch (IOException e) {
            // reading stdin, or a system call on the container's root (PosixException names it)
            return Failures.report(prefix, JaccelException.badInput(e.getMessage()), err, invocation.debug());
        } catch (RuntimeException e) {
            return Failures.report(prefix, e, err, invocation.debug());
        }
    }

    static void inRuntimeNamespace(OciState state, OciSpec spec, Path rootfs, ContainerEdits edits) {
        ContainerProcess process = ContainerProcess.verify(state, spec.cgroupsPath(), Path.of("/proc"));
        // the container's mounts (its /dev tmpfs, its root) are only what they are in its namespace
        Injector.apply(process.pid(), rootfs, edits.deviceNodes(), edits.mounts());
        if (!edits.deviceNodes().isEmpty()) {
            CgroupDevices.of(Path.of("/proc"), process.pid()).allow(edits.deviceNodes());
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
