package dev.jaccel.hook.cli;

import dev.jaccel.core.Invocation;
import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.Messages;
import dev.jaccel.core.cdi.CdiGenerator;
import dev.jaccel.core.cdi.CdiSpec;
import dev.jaccel.core.cdi.CdiSpecJson;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.config.JaccelConfig;
import dev.jaccel.core.plan.NeuronDeviceNames;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.core.snapshot.InventorySnapshot;
import dev.jaccel.core.spi.Inventories;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code jaccel cdi generate}: one CDI spec per vendor, {@code nvidia.com/gpu} and
 * {@code aws.amazon.com/neuron} (a CDI file holds exactly one kind).
 */
@Command(name = "generate", mixinStandardHelpOptions = true, description = {
        "Write CDI specs for the devices of this host: kind nvidia.com/gpu (devices named by index, UUID,",
        "<gpu>:<mig> and all) and kind aws.amazon.com/neuron (by index and all). One file per kind, replaced",
        "atomically. Also writes the inventory snapshot and the /dev/char links of the device nodes (unless",
        "--inventory is given).",
        "",
        "Files: without --output, <DIR>/jaccel-nvidia.json and <DIR>/jaccel-neuron.json, DIR being --output-dir",
        "(default: the configuration's cdi.output-dir, /etc/cdi unless set); the file of a vendor that has no",
        "device any more is removed. With --output FILE,",
        "FILE when there is one kind, else <FILE stem>-nvidia<.ext> and <FILE stem>-neuron<.ext>.",
        "",
        "A vendor whose kernel module is loaded but whose driver cannot be read (NVML fails) is an error (exit 4):",
        "nothing is written or removed, so the specs of the last good run stay in place."})
public final class CdiGenerateCommand implements Runnable {
    private final Invocation invocation;

    public CdiGenerateCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    enum Vendor {
        nvidia, neuron;

        static Vendor of(CdiSpec spec) {
            return spec.kind().equals(CdiGenerator.NVIDIA_KIND) ? nvidia : neuron;
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    HostOptions hostOptions;

    @Option(names = "--output", paramLabel = "FILE", description = "Spec file (see Files above).")
    Path output;

    @Option(names = "--output-dir", paramLabel = "DIR", description = "Folder of jaccel-<vendor>.json (default: cdi.output-dir, /etc/cdi).")
    Path outputDir;

    @Option(names = "--vendor", paramLabel = "VENDOR", description = "Only this vendor: ${COMPLETION-CANDIDATES}.")
    Vendor vendor;

    @Option(names = "--inventory", paramLabel = "FILE",
            description = "Describe the devices of this inventory (a `jaccel devices --json` document or a snapshot) instead of discovering them.")
    Path inventoryFile;

    @Option(names = "--snapshot", paramLabel = "FILE",
            description = "Where to write the inventory snapshot (default: $JACCEL_SNAPSHOT, else inventory.snapshot, "
                    + "/var/lib/jaccel/inventory.json).")
    Path snapshot;

    @Option(names = "--if-stale", description = {"Do nothing costly when nothing changed: while the snapshot still "
            + "matches the host (driver versions and device nodes), write the specs from it (no NVML, no libnrt) and only "
            + "where they differ; otherwise discover as usual. What the systemd units run."})
    boolean ifStale;

    @Override
    public void run() {
        if (output != null && outputDir != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --output or --output-dir, not both");
        }
        Map<String, String> env = invocation.env();
        HostContext host = hostOptions.resolve(env);
        JaccelConfig config = hostOptions.config(env);
        Path dir = outputDir != null ? outputDir : config.cdiOutputDir();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        if (ifStale && inventoryFile != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--if-stale works from the snapshot: not with --inventory");
        }
        Path snapshotFile = snapshot != null ? snapshot : config.snapshotPath(env);
        Inventory inventory;
        boolean fresh = false;
        if (inventoryFile != null) {
            inventory = InventoryFile.read(inventoryFile);
        } else {
            Optional<Inventory> current = ifStale
                    ? InventorySnapshot.read(snapshotFile, host, w -> Diagnostics.warning(err, w)) : Optional.empty();
            fresh = current.isPresent();
            if (fresh) {
                out.println(snapshotFile + " matches the host (driver versions and device nodes): no discovery");
            }
            inventory = current.orElseGet(() -> Inventories.discover(host));
        }
        if (!fresh) {
            // a loaded driver that cannot be read is a failure, not "no devices": keep every spec as it is
            Snapshots.requireUsableDrivers(inventory, host, vendor == null ? Set.of("nvidia", "neuron") : Set.of(vendor.name()),
                    "nothing was written: the existing CDI specs and inventory snapshot are kept");
            Snapshots.warn(inventory, err);
        }

        List<CdiSpec> specs = new ArrayList<>();
        List<CdiSpec> generated;
        try {
            generated = CdiGenerator.generate(inventory, host, w -> Diagnostics.warning(err, w));
        } catch (IllegalArgumentException e) {
            throw JaccelException.badInput("the inventory cannot be written as CDI: " + e.getMessage());
        }
        for (CdiSpec s : generated) {
            if (vendor == null || Vendor.of(s) == vendor) {
                specs.add(s);
            }
        }
        // another spec declaring the same devices in the same folder makes the runtime refuse them all
        for (CdiSpec s : specs) {
            clashes(target(s, specs.size(), dir), s, config.cdiSpecDirs(), err);
        }
        if (inventoryFile == null && !fresh) {
            Snapshots.write(snapshotFile, inventory, host, "--snapshot");
            out.println("wrote " + snapshotFile + " (inventory snapshot: " + Snapshots.describe(inventory) + ")");
        }
        if (inventoryFile == null) {
            DevCharLinks.createQuietly(inventory, host, out, err);
        }
        if (specs.isEmpty()) {
            throw new JaccelException(ExitCode.DRIVER_UNAVAILABLE,
                    "no " + (vendor == null ? "NVIDIA GPU or Neuron device" : vendor + " device")
                            + " to describe (" + Snapshots.describe(inventory) + ")");
        }
        if (config.plan().neuronDeviceNames() == NeuronDeviceNames.FROM_ZERO
                && specs.stream().anyMatch(s -> Vendor.of(s) == Vendor.neuron)) {
            Diagnostics.warning(err, "neuron.device-numbering = \"from-zero\" cannot apply to CDI devices (a static "
                    + "spec cannot renumber): containers that name aws.amazon.com/neuron devices see host names");
        }
        for (CdiSpec s : specs) {
            Path file = target(s, specs.size(), dir);
            byte[] bytes = CdiSpecJson.toBytes(s);
            if (ifStale && sameContent(file, bytes)) {
                out.println(file + " is current (" + s.kind() + ": " + s.devices().size() + " devices)");
                continue;
            }
            write(file, bytes, err);
            out.println("wrote " + file + " (" + s.kind() + ": " + s.devices().size() + " devices)");
        }
        if (output == null) {
            removeVanished(specs, dir, out);
        }
    }

    /**
     * Refuses (exit 2, before anything is written) a spec whose devices another spec in the same
     * folder already declares; warns where a spec in another spec folder declares them too.
     */
    private static void clashes(Path target, CdiSpec s, List<Path> specDirs, PrintWriter err) {
        Path folder = CdiSpecDirs.folder(target.toAbsolutePath().getParent());
        List<Path> folders = specDirs.stream().map(CdiSpecDirs::folder).toList();
        int priority = folders.indexOf(folder);
        // a folder the runtime does not read can only clash with its own files
        List<Path> scanned = priority < 0 ? List.of(folder) : folders;
        Set<String> names = new LinkedHashSet<>();
        s.devices().keySet().forEach(name -> names.add(s.kind() + "=" + name));
        CdiSpecDirs.SpecFile ours = new CdiSpecDirs.SpecFile(folder.resolve(target.getFileName()), Math.max(priority, 0),
                s.kind(), names);
        for (CdiSpecDirs.SpecFile other : CdiSpecDirs.read(scanned)) {
            CdiSpecDirs.clash(ours, other).ifPresent(c -> {
                if (c.conflict()) {
                    throw JaccelException.badInput(Messages.input(target.toString()) + " would declare " + c.names() + ", which " + other.path()
                            + " already declares in the same folder: podman and the other CDI runtimes would refuse "
                            + "these devices (\"unresolvable CDI devices\"); remove " + other.path() + " or write over "
                            + "it with --output " + other.path() + "; nothing was written");
                }
                Diagnostics.warning(err, c.describe());
            });
        }
    }

    private Path target(CdiSpec s, int count, Path dir) {
        Vendor v = Vendor.of(s);
        if (output == null) {
            return dir.resolve("jaccel-" + v + ".json");
        }
        if (count == 1) {
            return output;
        }
        String name = output.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String derived = dot > 0 ? name.substring(0, dot) + "-" + v + name.substring(dot) : name + "-" + v;
        return output.resolveSibling(derived);
    }

    /** A vendor whose devices are gone must not leave a spec behind that injects them. */
    private void removeVanished(List<CdiSpec> written, Path dir, PrintWriter out) {
        for (Vendor v : Vendor.values()) {
            if ((vendor == null || vendor == v) && written.stream().noneMatch(s -> Vendor.of(s) == v)) {
                Path stale = dir.resolve("jaccel-" + v + ".json");
                try {
                    if (Files.deleteIfExists(stale)) {
                        out.println("removed " + stale + " (no " + v + " device any more)");
                    }
                } catch (IOException e) {
                    throw JaccelException.badInput("cannot remove the stale spec " + stale + ": " + e.getMessage());
                }
            }
        }
    }

    private static boolean sameContent(Path file, byte[] content) {
        try {
            return Arrays.equals(Files.readAllBytes(file), content);
        } catch (IOException e) {
            return false;
        }
    }

    private static void write(Path file, byte[] content, PrintWriter err) {
        try {
            RuntimeInputFiles.write(file, content, err);
        } catch (IOException e) {
            throw JaccelException.badInput("cannot write " + Messages.input(file.toString()) + ": " + e.getMessage());
        }
    }

}
