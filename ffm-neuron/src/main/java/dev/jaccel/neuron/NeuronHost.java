package dev.jaccel.neuron;

import dev.jaccel.core.LibraryUnavailableException;
import dev.jaccel.core.model.NeuronDevice;
import dev.jaccel.core.model.NeuronInventory;
import dev.jaccel.core.require.NeuronVersion;
import dev.jaccel.core.spi.BackendUnavailableException;
import dev.jaccel.core.spi.HostContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Neuron side of a host, in-process, for a service that uses NeuronCores without owning
 * them: devices and cores from {@code /dev} and sysfs, the driver version, the runtime's version
 * and instance info from libnrt (when it loads), the logical NeuronCore config, and the driver's
 * sysfs counters. It never calls {@code nrt_init}, which would take the cores for this process and
 * reset them (docs/neuron-semantics.md §1.5): a service that runs models does that itself, through
 * its framework.
 *
 * <p>Devices are read once, at {@link #open}; {@link #coreStats()} and {@link #deviceStats()} read
 * sysfs at each call. Thread-safe and immutable apart from those reads; nothing to close (libnrt
 * stays loaded, as every jaccel binding does).
 */
public final class NeuronHost {
    private final HostContext host;
    private final NeuronInventory inventory;
    private final LogicalCoreConfig lnc;
    private final Optional<NrtVersion> runtimeVersion;
    private final Optional<NrtInstanceInfo> instanceInfo;

    private NeuronHost(HostContext host, NeuronInventory inventory, LogicalCoreConfig lnc,
                       Optional<NrtVersion> runtimeVersion, Optional<NrtInstanceInfo> instanceInfo) {
        this.host = host;
        this.inventory = inventory;
        this.lnc = lnc;
        this.runtimeVersion = runtimeVersion;
        this.instanceInfo = instanceInfo;
    }

    /**
     * Reads the host: devices (no {@code /dev/neuron*} node and no driver is a
     * {@link LibraryUnavailableException} naming what is missing), then libnrt, whose absence or
     * failure leaves the runtime facts empty and says why in {@link #notes()}.
     */
    public static NeuronHost open(HostContext host) {
        try {
            return read(host, NeuronDiscovery.discover(host));
        } catch (BackendUnavailableException e) {
            throw LibraryUnavailableException.absent("the Neuron driver", host.hostRoot().toString(), e.getMessage());
        }
    }

    /** The runtime half on top of what device discovery found (the Neuron backend's path too). */
    static NeuronHost read(HostContext host, NeuronDiscovery.Found found) {
        List<String> notes = new ArrayList<>(found.notes());
        Optional<NrtVersion> version = Optional.empty();
        Optional<NrtInstanceInfo> info = Optional.empty();
        NrtLibrary nrt = null;
        try {
            nrt = NrtLibrary.load(host.nrtLibrary());
            version = nrt.version();
            if (version.isEmpty()) {
                notes.add("runtime version unknown: " + nrt.source() + " has no nrt_get_version (a pre-2023 libnrt)");
            }
        } catch (LibraryUnavailableException | NrtException e) {
            notes.add("runtime version unknown: " + e.getMessage());
        }
        if (nrt != null) {
            try {
                info = nrt.instanceInfo();
            } catch (NrtException e) {
                notes.add("runtime instance info unknown: " + e.getMessage());
            }
        }
        NeuronInventory inventory = new NeuronInventory(found.driverVersion(),
                version.map(NrtVersion::toString).orElse(null), found.devices(), notes);
        return new NeuronHost(host, inventory, found.lnc(), version, info);
    }

    /** The devices this process can see, in index order (records: what {@code jaccel devices} reports). */
    public List<NeuronDevice> devices() {
        return inventory.devices();
    }

    /** The same facts as the inventory's Neuron half (what {@code jaccel devices --json} prints). */
    public NeuronInventory inventory() {
        return inventory;
    }

    /** {@code /sys/module/neuron/version}. */
    public Optional<NeuronVersion> driverVersion() {
        return Optional.ofNullable(NeuronVersion.parse(inventory.driverVersion()));
    }

    /** libnrt's {@code nrt_get_version}; empty without libnrt (see {@link #notes()}). */
    public Optional<NrtVersion> runtimeVersion() {
        return runtimeVersion;
    }

    /** libnrt's {@code nrt_get_instance_info}: the instance family and size the runtime detected. */
    public Optional<NrtInstanceInfo> instanceInfo() {
        return instanceInfo;
    }

    /**
     * The logical NeuronCore config set for this host (1 or 2 physical cores per logical core,
     * Trainium2 and later) from {@code NEURON_LOGICAL_NC_CONFIG} or {@code /opt/aws/neuron/logical_nc_config};
     * empty when neither sets it (the default: 2 on Trainium2/3, 1 elsewhere). Each device's
     * {@link NeuronDevice#logicalCoreCount()} already applies it.
     */
    public Optional<Integer> logicalCoreConfig() {
        return Optional.ofNullable(lnc.configured());
    }

    /** Where {@link #logicalCoreConfig()} came from: the variable, the file, or {@code default}. */
    public String logicalCoreConfigSource() {
        return lnc.source();
    }

    /** Why a fact is missing (an unreadable sysfs file, no libnrt, ...). */
    public List<String> notes() {
        return inventory.notes();
    }

    /** The driver's counters of every physical core of every device, read now. */
    public List<NeuronCoreStats> coreStats() {
        List<NeuronCoreStats> out = new ArrayList<>();
        for (NeuronDevice d : devices()) {
            NeuronSysfsStats stats = stats(d);
            int cores = d.coreCount() == null ? 0 : d.coreCount();
            for (int core = 0; core < cores; core++) {
                out.add(stats.core(d.index(), core));
            }
        }
        return out;
    }

    /** The driver's counters of every device, read now. */
    public List<NeuronDeviceStats> deviceStats() {
        return devices().stream().map(d -> stats(d).device(d.index())).toList();
    }

    /** A renamed node ({@code /dev/neuron0} for host device 5) is found in sysfs by its minor, the host index. */
    private NeuronSysfsStats stats(NeuronDevice d) {
        int hostIndex = d.deviceNode() == null ? d.index() : d.deviceNode().minor();
        Path dir = host.host(NeuronDiscovery.SYSFS + "neuron" + hostIndex);
        return new NeuronSysfsStats(dir);
    }
}
