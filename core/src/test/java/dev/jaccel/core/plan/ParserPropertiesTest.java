package dev.jaccel.core.plan;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.caps.DriverCapabilities;
import dev.jaccel.core.caps.DriverCapability;
import dev.jaccel.core.fixtures.TestHosts;
import dev.jaccel.core.model.Inventory;
import dev.jaccel.core.model.PciBusId;
import dev.jaccel.core.neuron.NeuronSelector;
import dev.jaccel.core.require.CudaImageVersion;
import dev.jaccel.core.require.RequirementChecker;
import dev.jaccel.core.require.RequirementParser;
import dev.jaccel.core.require.DeviceFacts;
import dev.jaccel.core.select.GpuResolver;
import dev.jaccel.core.select.NvidiaVisibleDevices;
import dev.jaccel.core.spi.HostContext;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On any input the parsers and the planner either answer or throw the documented error: a
 * {@link JaccelException} with exit 2 (malformed) or 3 (unsatisfiable). Never anything else.
 */
class ParserPropertiesTest {
    static final Inventory HOST = new Inventory(TestHosts.dgx().nvidia(), TestHosts.trn2().neuron(), List.of());
    static final HostContext NO_FILES = HostContext.ofRoot(Path.of("/nonexistent-jaccel-root"));

    /** Strings built from the characters the grammars care about, plus anything at all. */
    @Provide
    Arbitrary<String> selectorish() {
        Arbitrary<String> grammar = Arbitraries.strings().withChars("0123456789abcdefABCDEF:.,-= <>!/GPUMIvoidnealcutrsbh \t")
                .ofMaxLength(40);
        Arbitrary<String> tokens = Arbitraries.of("0", "7", "8", "6:0", "6:9", "all", "none", "void", "ALL", "GPU-",
                "MIG-", "MIG-GPU-", "0000:47:00.0", "47:00.0", "nvidia.com/gpu=", "cuda>=", "driver<", "brand=",
                "arch>=", "12.4", "1-3", "3-1", ",", " ", "-", TestHosts.gpuUuid(3), TestHosts.migUuid(7, 1))
                .list().ofMaxSize(6).map(l -> String.join("", l));
        return Arbitraries.oneOf(grammar, tokens, Arbitraries.strings().ofMaxLength(30));
    }

    private static void documented(Runnable r, ExitCode... allowed) {
        try {
            r.run();
        } catch (JaccelException e) {
            assertTrue(List.of(allowed).contains(e.exitCode()), e.exitCode() + ": " + e.getMessage());
            assertTrue(!e.getMessage().isBlank() && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Property(tries = 1000)
    void visibleDevices(@ForAll("selectorish") String value) {
        documented(() -> GpuResolver.resolve(NvidiaVisibleDevices.interpret(NvidiaVisibleDevices.split(value)),
                HOST.nvidia(), "NVIDIA_VISIBLE_DEVICES", w -> { }), ExitCode.USAGE, ExitCode.UNSATISFIED);
    }

    @Property(tries = 1000)
    void requirements(@ForAll("selectorish") String value, @ForAll boolean gpu) {
        documented(() -> RequirementParser.parse("NVIDIA_REQUIRE_X", value).ifPresent(r ->
                new RequirementChecker(true, w -> { }).check(List.of(r),
                        gpu ? List.of(new DeviceFacts("550.54.15", "12.4", "Tesla", "8.0", "GPU 0")) : List.of(),
                        DeviceFacts.hostOnly("550.54.15", "12.4"))), ExitCode.USAGE, ExitCode.UNSATISFIED);
    }

    @Property(tries = 1000)
    void capabilities(@ForAll("selectorish") String value, @ForAll boolean legacy) {
        documented(() -> DriverCapabilities.fromEnv(Map.of(DriverCapabilities.VARIABLE, value), legacy,
                EnumSet.allOf(DriverCapability.class)), ExitCode.USAGE);
    }

    @Property(tries = 1000)
    void cudaVersion(@ForAll("selectorish") String value) {
        documented(() -> CudaImageVersion.majorMinor(value), ExitCode.USAGE);
    }

    @Property(tries = 1000)
    void pciBusIds(@ForAll("selectorish") String value) {
        PciBusId.parse(value); // total: empty or a value, never an exception
    }

    @Property(tries = 1000)
    void neuronSelectors(@ForAll("selectorish") String devices, @ForAll("selectorish") String cores) {
        documented(() -> NeuronSelector.select(devices, NeuronSelector.DEVICES, cores, HOST.neuron(), w -> { }),
                ExitCode.USAGE, ExitCode.UNSATISFIED);
    }

    @Property(tries = 500)
    void wholePlanner(@ForAll("selectorish") String nvd, @ForAll("selectorish") String require,
                      @ForAll("selectorish") String caps, @ForAll("selectorish") String neuron) {
        ContainerRequest r = new ContainerRequest(Map.of("NVIDIA_VISIBLE_DEVICES", nvd, "NVIDIA_REQUIRE_X", require,
                "NVIDIA_DRIVER_CAPABILITIES", caps, "NEURON_RT_VISIBLE_CORES", neuron),
                Map.of("cdi.k8s.io/x", nvd), List.of("/var/run/nvidia-container-devices/" + neuron), true);
        documented(() -> new DefaultPlanner().plan(r, HOST, NO_FILES), ExitCode.USAGE, ExitCode.UNSATISFIED);
    }

    /** Arbitrary JSON-shaped trees: what JsonTree can hand to the spec and config readers. */
    @Provide
    Arbitrary<Object> jsonTrees() {
        Arbitrary<Object> leaf = Arbitraries.oneOf(Arbitraries.of("/dev/null", "CAP_SYS_ADMIN",
                        "NVIDIA_VISIBLE_DEVICES=0", "cdi.k8s.io/x", "bounding", "true").map(o -> (Object) o),
                Arbitraries.strings().ofMaxLength(8).map(o -> (Object) o), Arbitraries.longs().map(o -> (Object) o),
                Arbitraries.of(Boolean.TRUE, Boolean.FALSE).map(o -> (Object) o), Arbitraries.just(null));
        Arbitrary<String> keys = Arbitraries.of("process", "env", "capabilities", "bounding", "annotations", "mounts",
                "source", "destination", "disable-require", "swarm-resource", "supported-driver-capabilities", "x");
        return Arbitraries.recursive(() -> leaf, inner -> Arbitraries.oneOf(
                inner.list().ofMaxSize(4).map(l -> (Object) new java.util.ArrayList<>(l)),
                Arbitraries.maps(keys, inner).ofMaxSize(4).map(m -> (Object) new java.util.HashMap<>(m))), 4);
    }

    @Property(tries = 1000)
    void ociSpecs(@ForAll("jsonTrees") Object tree) {
        documented(() -> {
            Object spec = tree;
            if (tree instanceof Map<?, ?> m) {
                Map<Object, Object> withVersion = new java.util.LinkedHashMap<>(m);
                withVersion.put("ociVersion", "1.0.2");
                spec = withVersion;
            }
            java.io.ByteArrayOutputStream json = new java.io.ByteArrayOutputStream();
            try (var g = dev.jaccel.core.json.JacksonStreams.FACTORY.createGenerator(json)) {
                dev.jaccel.core.json.JsonTree.write(spec, g);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            dev.jaccel.core.oci.OciSpec.parse(json.toByteArray(), "config.json").request();
        }, ExitCode.USAGE);
    }

    /** The container path's JSON reader on arbitrary bytes: a spec or a refusal with exit 2, nothing else. */
    @Property(tries = 2000)
    void ociSpecBytes(@ForAll byte[] bytes, @ForAll("jsonTrees") Object tree) {
        documented(() -> dev.jaccel.core.oci.OciSpec.parse(bytes, "config.json"), ExitCode.USAGE);
    }

    @Property(tries = 1000)
    void configs(@ForAll("jsonTrees") Object tree) {
        documented(() -> PlanConfig.fromJson(tree, "config.json"), ExitCode.USAGE);
    }

    @Property(tries = 300)
    void elfNotesOnArbitraryBytes(@ForAll byte[] prefix, @ForAll byte[] rest) throws java.io.IOException {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("jaccel-elf", ".so");
        try {
            byte[] head = {0x7f, 'E', 'L', 'F', 2, 1, 1};
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            b.writeBytes(prefix.length % 2 == 0 ? head : new byte[0]);
            b.writeBytes(prefix);
            b.writeBytes(rest);
            java.nio.file.Files.write(f, b.toByteArray());
            try {
                dev.jaccel.core.require.CudaForwardCompatibility.readNote(f);
            } catch (java.io.IOException expected) {
                // the documented outcome for a file that is not a well-formed ELF file
            }
        } finally {
            java.nio.file.Files.delete(f);
        }
    }
}
