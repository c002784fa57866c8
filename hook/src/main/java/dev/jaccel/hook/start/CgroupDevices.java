package dev.jaccel.hook.start;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.edits.DeviceNodeEdit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * Grants a container access to device nodes through the cgroup v1 {@code devices} controller:
 * one {@code c MAJ:MIN rwm} line per node written to {@code devices.allow} of the container's
 * cgroup (libnvidia-container does the same, docs/nvidia-container-semantics.md §3 step 10). On cgroup v2 device access
 * is an eBPF program attached by the runtime; replacing it from a hook is not done here, and the
 * error says what to use instead.
 */
public final class CgroupDevices {
    private final Path devicesDir;

    private CgroupDevices(Path devicesDir) {
        this.devicesDir = devicesDir;
    }

    public Path directory() {
        return devicesDir;
    }

    /** The devices cgroup of process {@code pid}, found through {@code <proc>/<pid>/cgroup} and {@code <proc>/self/mountinfo}. */
    public static CgroupDevices of(Path proc, int pid) {
        String cgroup;
        String mountinfo;
        try {
            cgroup = Files.readString(proc.resolve(pid + "/cgroup"), StandardCharsets.UTF_8);
            mountinfo = Files.readString(proc.resolve("self/mountinfo"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw JaccelException.badInput("cannot read the cgroup of container process " + pid + ": " + e.getMessage());
        }
        Optional<String> path = devicesCgroupPath(cgroup);
        Optional<Path> dir = path.flatMap(p -> devicesDirectory(mountinfo, p));
        if (dir.isEmpty()) {
            throw new JaccelException(dev.jaccel.core.ExitCode.UNSATISFIED,
                    "this host has no cgroup v1 devices controller (cgroup v2 device rules are an eBPF program a hook "
                            + "cannot safely extend): inject devices with the runtime shim (jaccel runtime) or CDI "
                            + "(jaccel cdi generate) instead of the OCI hook");
        }
        return new CgroupDevices(dir.get());
    }

    /** From {@code /proc/PID/cgroup}: the path of the v1 hierarchy that has the devices controller. */
    static Optional<String> devicesCgroupPath(String procPidCgroup) {
        for (String line : procPidCgroup.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && List.of(f[1].split(",")).contains("devices")) {
                return Optional.of(f[2]);
            }
        }
        return Optional.empty();
    }

    /**
     * From {@code /proc/self/mountinfo}: where the devices hierarchy is mounted, joined with the
     * cgroup path relative to that mount's root (fields: id parent maj:min root mountpoint opts ... - fstype source superopts).
     */
    static Optional<Path> devicesDirectory(String mountinfo, String cgroupPath) {
        for (String line : mountinfo.split("\n")) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] pre = line.substring(0, dash).split(" ");
            String[] post = line.substring(dash + 3).split(" ");
            if (pre.length < 5 || post.length < 3 || !post[0].equals("cgroup")
                    || !List.of(post[2].split(",")).contains("devices")) {
                continue;
            }
            String root = unescape(pre[3]);
            String mountPoint = unescape(pre[4]);
            String rel = cgroupPath;
            if (!root.equals("/") && (rel.equals(root) || rel.startsWith(root + "/"))) {
                rel = rel.substring(root.length());
            }
            return Optional.of(Path.of(mountPoint, rel.startsWith("/") ? rel.substring(1) : rel));
        }
        return Optional.empty();
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    /** Allows each node (read, write, mknod), one write per rule as the kernel parses one rule per write. */
    public void allow(List<DeviceNodeEdit> nodes) {
        Path allow = devicesDir.resolve("devices.allow");
        for (DeviceNodeEdit n : nodes) {
            String rule = rule(n);
            try {
                Files.writeString(allow, rule, StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw JaccelException.badInput("cannot allow " + n.path() + " (" + rule + ") in " + allow + ": " + e.getMessage());
            }
        }
    }

    static String rule(DeviceNodeEdit n) {
        return n.type() + " " + n.major() + ":" + n.minor() + " rwm";
    }
}
