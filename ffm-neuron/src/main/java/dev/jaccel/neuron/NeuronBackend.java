package dev.jaccel.neuron;

import dev.jaccel.core.model.NeuronInventory;
import dev.jaccel.core.spi.AcceleratorBackend;
import dev.jaccel.core.spi.BackendUnavailableException;
import dev.jaccel.core.spi.HostContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The AWS Neuron backend: devices from {@code /dev} and sysfs ({@link NeuronDiscovery}), the runtime
 * version from libnrt when it loads. It never calls {@code nrt_init}.
 */
public final class NeuronBackend implements AcceleratorBackend {
    @Override
    public String name() {
        return "neuron";
    }

    @Override
    public NeuronInventory discover(HostContext host) throws BackendUnavailableException {
        NeuronDiscovery.Found found = NeuronDiscovery.discover(host);
        List<String> notes = new ArrayList<>(found.notes());
        String runtimeVersion = runtimeVersion(host.nrtLibrary(), notes);
        return new NeuronInventory(found.driverVersion(), runtimeVersion, found.devices(), notes);
    }

    /** The libnrt version, or {@code null} with a note saying why it is unknown. */
    static String runtimeVersion(Optional<String> library, List<String> notes) {
        try (NrtLibrary nrt = NrtLibrary.load(library)) {
            Optional<NrtVersion> version = nrt.version();
            if (version.isEmpty()) {
                notes.add("runtime version unknown: " + nrt.source() + " has no nrt_get_version (a pre-2023 libnrt)");
            }
            return version.map(NrtVersion::toString).orElse(null);
        } catch (NrtLoadException e) {
            notes.add("runtime version unknown: " + e.getMessage());
        } catch (NrtException e) {
            notes.add("runtime version unknown: " + e.getMessage());
        }
        return null;
    }
}
