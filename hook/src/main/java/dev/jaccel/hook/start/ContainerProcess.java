package dev.jaccel.hook.start;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.oci.OciState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process a prestart or createRuntime hook works on: the state's {@code pid}, checked to be
 * this container's before the hook creates nodes in its root, mounts into its namespace or widens
 * its devices cgroup. A state is only as trustworthy as whoever wrote it; these checks make a state
 * that names another container's process (or a host process) fail instead of reaching it:
 * <ul>
 *   <li>the process has a mount namespace of its own (a container's init, not a host process);</li>
 *   <li>its cgroup is the one the spec asks for ({@code linux.cgroupsPath}, in runc's cgroupfs form
 *       {@code /a/b} or systemd form {@code slice:prefix:name} = {@code .../prefix-name.scope}), or,
 *       when the spec leaves the path to the runtime, a cgroup whose path names the container id
 *       (runc's default is the id; Docker, podman and containerd name it in theirs).</li>
 * </ul>
 */
record ContainerProcess(int pid, String cgroupPath) {

    static ContainerProcess verify(OciState state, String specCgroupsPath, Path proc) {
        int pid = state.pid();
        if (pid <= 0) {
            throw JaccelException.badInput("the OCI state has no pid: register jaccel for prestart or createRuntime, "
                    + "which run after the container process exists");
        }
        String ours;
        String theirs;
        String cgroups;
        try {
            ours = Files.readSymbolicLink(proc.resolve("self/ns/mnt")).toString();
            theirs = Files.readSymbolicLink(proc.resolve(pid + "/ns/mnt")).toString();
            cgroups = Files.readString(proc.resolve(pid + "/cgroup"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw JaccelException.badInput("container process " + pid + " of " + state.id() + " is not readable in "
                    + proc + " (" + e.getMessage() + "); is it still running?");
        }
        if (ours.equals(theirs)) {
            throw JaccelException.badInput("process " + pid + " named by the OCI state of " + state.id()
                    + " shares this hook's mount namespace: it is not a container's process");
        }
        String path = cgroupPath(cgroups);
        if (!belongs(path, specCgroupsPath, state.id())) {
            throw JaccelException.badInput("process " + pid + " named by the OCI state of " + state.id()
                    + " is in cgroup " + path + ", not the container's ("
                    + (specCgroupsPath == null ? "one naming " + state.id() : specCgroupsPath) + ")");
        }
        return new ContainerProcess(pid, path);
    }

    /** The devices controller's path (cgroup v1), else the unified one (v2), from {@code /proc/PID/cgroup}. */
    static String cgroupPath(String procPidCgroup) {
        String unified = "";
        for (String line : procPidCgroup.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            for (String controller : f[1].split(",")) {
                if (controller.equals("devices")) {
                    return f[2];
                }
            }
            if (f[0].equals("0") && f[1].isEmpty()) {
                unified = f[2];
            }
        }
        return unified;
    }

    static boolean belongs(String cgroupPath, String specCgroupsPath, String id) {
        if (specCgroupsPath == null) {
            for (String part : cgroupPath.split("/")) {
                if (namesId(part, id)) {
                    return true;
                }
            }
            return false;
        }
        String[] systemd = specCgroupsPath.split(":");
        if (systemd.length == 3 && !specCgroupsPath.startsWith("/")) {
            String unit = (systemd[1].isEmpty() ? "" : systemd[1] + "-") + systemd[2]
                    + (systemd[2].endsWith(".scope") || systemd[2].endsWith(".slice") ? "" : ".scope");
            return cgroupPath.endsWith("/" + unit);
        }
        String wanted = specCgroupsPath.startsWith("/") ? specCgroupsPath : "/" + specCgroupsPath;
        return cgroupPath.equals(wanted) || cgroupPath.endsWith(wanted);
    }

    /** {@code id} as a whole word of {@code part}: {@code <id>}, {@code docker-<id>.scope}, {@code libpod-<id>}. */
    static boolean namesId(String part, String id) {
        for (int at = part.indexOf(id); at >= 0; at = part.indexOf(id, at + 1)) {
            int end = at + id.length();
            if ((at == 0 || !Character.isLetterOrDigit(part.charAt(at - 1)))
                    && (end == part.length() || !Character.isLetterOrDigit(part.charAt(end)))) {
                return true;
            }
        }
        return false;
    }
}
