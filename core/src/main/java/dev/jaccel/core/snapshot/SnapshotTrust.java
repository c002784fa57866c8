package dev.jaccel.core.snapshot;

import dev.jaccel.core.caps.DriverFileIndex;
import dev.jaccel.core.caps.DriverFiles;
import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.MigDevice;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.model.NvidiaInventory;
import dev.jaccel.core.spi.HostContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What makes a snapshot worth believing. It names the device nodes and host files a container
 * gets, so whoever can write it can hand a container {@code /dev/mem} or a host secret: it must be
 * writable only by root (or the user running jaccel), and its content must agree with the host.
 */
final class SnapshotTrust {
    private static final int GROUP_OR_OTHER_WRITE = 0022;
    private static final int OTHER_WRITE = 0002;
    private static final int STICKY = 01000;

    private SnapshotTrust() {
    }

    /**
     * The file is a regular file owned by root or by this process's user and writable by no one
     * else, in a folder that others cannot write to (unless sticky, as {@code /tmp} is, where they
     * cannot replace someone else's file).
     */
    static void checkOwnerAndMode(Path file) throws IOException {
        Map<String, Object> f = Files.readAttributes(file, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) f.get("mode");
        if ((mode & 0170000) != 0100000) {
            throw new IOException("not a regular file (a symbolic link?)");
        }
        int uid = (Integer) f.get("uid");
        int self = ownUid();
        if (uid != 0 && uid != self) {
            throw new IOException("owned by uid " + uid + ", not by root; recreate it with 'jaccel inventory refresh'");
        }
        if ((mode & GROUP_OR_OTHER_WRITE) != 0) {
            throw new IOException(String.format("mode %04o lets others write it; chmod 644 it or recreate it with "
                    + "'jaccel inventory refresh'", mode & 07777));
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Map<String, Object> d = Files.readAttributes(parent, "unix:uid,mode");
            int dirMode = (Integer) d.get("mode");
            int dirUid = (Integer) d.get("uid");
            if ((dirUid != 0 && dirUid != self) || ((dirMode & OTHER_WRITE) != 0 && (dirMode & STICKY) == 0)) {
                throw new IOException("its folder " + parent + " can be written by others (mode "
                        + String.format("%04o", dirMode & 07777) + ", uid " + dirUid + ")");
            }
        }
    }

    /**
     * Every device node the inventory names is on the host now, at that path with those numbers
     * (the fingerprint just listed them); every driver file is one the driver installs, where it
     * installs it; NVIDIA's versions are versions (the driver version is part of file names).
     */
    static void checkContent(Inventory inventory, HostFingerprint now, HostContext host) throws IOException {
        Set<String> nodes = new HashSet<>(now.deviceNodes());
        NvidiaInventory nvidia = inventory.nvidia();
        if (nvidia != null) {
            version("nvidia.driverVersion", nvidia.driverVersion());
            version("nvidia.cudaDriverVersion", nvidia.cudaDriverVersion());
            version("nvidia.nvmlVersion", nvidia.nvmlVersion());
            for (DeviceNode n : nvidia.controlNodes()) {
                node(n, nodes, host);
            }
            for (GpuDevice g : nvidia.devices()) {
                for (DeviceNode n : g.deviceNodes()) {
                    node(n, nodes, host);
                }
                for (MigDevice m : g.migDevices()) {
                    for (DeviceNode n : m.capabilityNodes()) {
                        node(n, nodes, host);
                    }
                }
            }
            DriverFileIndex files = nvidia.driverFiles();
            if (files != null) {
                if (!files.hostRoot().equals(host.hostRoot().toString())) {
                    throw new IOException("its driver files were found under another host root (" + files.hostRoot() + ")");
                }
                for (DriverFileIndex.DriverFile f : files.files()) {
                    DriverFiles.check(f, nvidia.driverVersion(), host);
                }
            }
        }
        if (inventory.neuron() != null) {
            for (NeuronDevice d : inventory.neuron().devices()) {
                if (d.deviceNode() != null) {
                    node(d.deviceNode(), nodes, host);
                }
            }
        }
    }

    private static void node(DeviceNode n, Set<String> onHost, HostContext host) throws IOException {
        String path = n.path();
        if (!path.startsWith("/dev/") || !DriverFiles.isNormalAbsolute(path)
                || !n.hostPath().equals(host.host(path).toString())) {
            throw new IOException("device node " + path + " (" + n.hostPath() + ") is not a node under the host's /dev");
        }
        String entry = path.substring("/dev/".length()) + " " + n.major() + ":" + n.minor();
        if (!onHost.contains(entry)) {
            throw new IOException("device node " + path + " " + n.major() + ":" + n.minor()
                    + " is not on the host with those numbers");
        }
    }

    /** Digits separated by dots ({@code 580.95.05}, {@code 13.0}, {@code 2.19.64.0}), or absent. */
    static void version(String field, String value) throws IOException {
        if (value == null) {
            return;
        }
        boolean digit = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c == '.' && digit) {
                digit = false;
            } else {
                throw new IOException(field + " '" + value + "' is not a version (digits and dots)");
            }
        }
        if (!digit) {
            throw new IOException(field + " '" + value + "' is not a version (digits and dots)");
        }
    }

    private static int ownUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }
}
