package dev.jaccel.hook.cli;

import dev.jaccel.core.cdi.CdiGenerator;
import dev.jaccel.core.cdi.CdiSpec;
import dev.jaccel.core.cdi.CdiSpecJson;
import dev.jaccel.core.config.JaccelConfig;
import dev.jaccel.core.model.GpuDevice;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.nvml.NvmlLibrary;
import dev.jaccel.nvml.NvmlSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What {@code jaccel check} warns about besides versions: what makes container starts slow or gives
 * containers other devices than the host has. Warnings only; they never change check's exit code.
 */
final class OperationalChecks {
    private OperationalChecks() {
    }

    /** Every warning for this host, one line each. */
    static void report(Inventory inventory, HostContext host, JaccelConfig config, Map<String, String> env,
                       Consumer<String> warnings) {
        persistenceMode(inventory, host, warnings);
        snapshot(config.snapshotPath(env), host, warnings);
        cdiSpecs(inventory, host, config.cdiOutputDir(), warnings);
    }

    /**
     * GPUs without persistence mode: the driver tears its state down when the last client goes, so
     * the next NVML use (a discovery at container start, nvidia-smi) waits for it to come up again,
     * seconds per GPU (docs/nvml.md §8).
     */
    static void persistenceMode(Inventory inventory, HostContext host, Consumer<String> warnings) {
        if (inventory.nvidia() == null || inventory.nvidia().devices().isEmpty()) {
            return;
        }
        List<Integer> off = new ArrayList<>();
        try (NvmlSession nvml = NvmlLibrary.load(host.nvmlLibrary().orElse(NvmlLibrary.SONAME)).openSession()) {
            for (GpuDevice g : inventory.nvidia().devices()) {
                if (nvml.device(g.index()).persistenceMode().filter(on -> !on).isPresent()) {
                    off.add(g.index());
                }
            }
        } catch (RuntimeException e) {
            return;   // discovery just worked, so this is a GPU that cannot say: nothing to warn about
        }
        if (!off.isEmpty()) {
            warnings.accept("persistence mode is off on GPU " + join(off) + " (of " + inventory.nvidia().devices().size()
                    + "): each first use of NVML after the GPUs go idle waits for the driver to initialise them, "
                    + "seconds per GPU; enable it with systemctl enable --now nvidia-persistenced (or nvidia-smi -pm 1)");
        }
    }

    /**
     * A stale or untrusted snapshot makes every container start that asks for a device discover
     * (a host may do without one: a missing snapshot is not warned about).
     */
    static void snapshot(Path file, HostContext host, Consumer<String> warnings) {
        List<String> refused = new ArrayList<>();
        if (InventorySnapshot.read(file, host, refused::add).isPresent()) {
            return;
        }
        String fix = "; run jaccel inventory refresh (or enable jaccel-refresh.service)";
        if (!refused.isEmpty()) {
            refused.forEach(r -> warnings.accept(r + fix));
        } else if (Files.exists(file)) {
            warnings.accept("the inventory snapshot " + file + " is stale: the driver or the device nodes changed "
                    + "since it was taken" + fix);
        }
    }

    /** jaccel's own CDI specs that no longer say what this host has (a spec that is absent is not jaccel's business). */
    static void cdiSpecs(Inventory inventory, HostContext host, Path dir, Consumer<String> warnings) {
        List<CdiSpec> now;
        try {
            now = CdiGenerator.generate(inventory, host, w -> { });
        } catch (RuntimeException e) {
            return;   // cdi generate itself says what is wrong with the inventory
        }
        for (String vendor : List.of("nvidia", "neuron")) {
            Path file = dir.resolve("jaccel-" + vendor + ".json");
            byte[] onDisk;
            try {
                onDisk = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                warnings.accept("cannot read the CDI spec " + file + ": " + e.getMessage());
                continue;
            }
            String kind = vendor.equals("nvidia") ? CdiGenerator.NVIDIA_KIND : CdiGenerator.NEURON_KIND;
            byte[] expected = now.stream().filter(s -> s.kind().equals(kind)).findFirst().map(CdiSpecJson::toBytes)
                    .orElse(null);
            if (!Arrays.equals(onDisk, expected)) {
                warnings.accept("the CDI spec " + file + " is stale: " + (expected == null ? "this host has no "
                        + vendor + " device any more" : "it no longer matches this host's devices and driver files")
                        + "; run jaccel cdi generate (or enable jaccel-refresh.service)");
            }
        }
    }

    private static String join(List<Integer> indices) {
        return String.join(", ", indices.stream().map(String::valueOf).toList());
    }
}
