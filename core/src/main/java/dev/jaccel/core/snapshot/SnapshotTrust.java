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
import java.util.HashSet;
import java.util.Set;

/**
 * What makes a snapshot worth believing. It names the device nodes and host files a container
 * gets, so whoever can write it can hand a container {@code /dev/mem} or a host secret: it must be
 * writable only by root (or the user running jaccel), and its content must agree with the host.
 */
final class SnapshotTrust {
    private SnapshotTrust() {
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
}
