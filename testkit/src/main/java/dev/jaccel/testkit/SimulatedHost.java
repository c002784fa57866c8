package dev.jaccel.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * A whole simulated machine from a bundled profile ({@code hosts/<profile>/} on the class path):
 * {@code <dir>/root} is the host tree, {@code <dir>/nvml.json} the fake NVML's config, and the
 * environment that points jaccel at them.
 *
 * <pre>
 *   java -cp testkit/target/classes:... dev.jaccel.testkit.SimulatedHost create /tmp/h100 [--profile h100x8-mig]
 * </pre>
 *
 * Extension point: other vendors add a {@link Part} (a {@code META-INF/services} entry for
 * {@code dev.jaccel.testkit.SimulatedHost$Part}); a part whose config file (e.g. {@code neuron.json})
 * is in the profile gets it copied beside {@code nvml.json} and writes its share of the tree.
 */
public final class SimulatedHost {
    public static final String DEFAULT_PROFILE = "h100x8-mig";

    /** One vendor's share of a simulated host. */
    public interface Part {
        /** The config file this part reads from a profile, e.g. {@code neuron.json}. */
        String configFile();

        /** Further files of the profile this part needs beside its config (copied with it). */
        default List<String> companionFiles() {
            return List.of();
        }

        /** Writes this vendor's files into the tree, from its config. */
        void write(Path config, HostTree tree);

        /** Environment variables that point the vendor's fake at its config and library. */
        Map<String, String> env(Path config);
    }

    /** The NVIDIA part: {@code nvml.json}, {@link NvidiaHostFixture}, the fake libnvidia-ml.so.1. */
    static final class NvidiaPart implements Part {
        @Override
        public String configFile() {
            return "nvml.json";
        }

        @Override
        public void write(Path config, HostTree tree) {
            NvidiaHostFixture.fromFile(config).writeTo(tree);
        }

        @Override
        public Map<String, String> env(Path config) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("FAKE_NVML_CONFIG", config.toString());
            env.put("JACCEL_NVML_LIBRARY", nativeDir().resolve("libnvidia-ml.so.1").toString());
            return env;
        }
    }

    /**
     * The Neuron part: {@code neuron.json} (a {@link NeuronHostFixture} host description) with the
     * fake libnrt's {@code nrt.json} beside it.
     */
    static final class NeuronPart implements Part {
        @Override
        public String configFile() {
            return "neuron.json";
        }

        @Override
        public List<String> companionFiles() {
            return List.of("nrt.json");
        }

        @Override
        public void write(Path config, HostTree tree) {
            NeuronHostFixture.layOut(config, tree);
        }

        @Override
        public Map<String, String> env(Path config) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("FAKE_NRT_CONFIG", config.resolveSibling("nrt.json").toString());
            env.put("JACCEL_NRT_LIBRARY", nativeDir().resolve("libnrt.so.1").toString());
            return env;
        }
    }

    private SimulatedHost() {
    }

    /** The environment to use, in order: each part's variables, then {@code JACCEL_HOST_ROOT}. */
    public static Map<String, String> create(Path dir, String profile) throws IOException {
        List<Part> parts = new ArrayList<>();
        parts.add(new NvidiaPart());
        parts.add(new NeuronPart());
        ServiceLoader.load(Part.class).forEach(parts::add);
        Files.createDirectories(dir);
        HostTree tree = HostTree.at(dir.resolve("root"));
        Map<String, String> env = new LinkedHashMap<>();
        boolean any = false;
        for (Part part : parts) {
            String resource = "/hosts/" + profile + "/" + part.configFile();
            try (InputStream in = SimulatedHost.class.getResourceAsStream(resource)) {
                if (in == null) {
                    continue;
                }
                Path config = dir.resolve(part.configFile()).toAbsolutePath();
                Files.copy(in, config, StandardCopyOption.REPLACE_EXISTING);
                for (String companion : part.companionFiles()) {
                    copyResource("/hosts/" + profile + "/" + companion, dir.resolve(companion));
                }
                part.write(config, tree);
                env.putAll(part.env(config));
                any = true;
            }
        }
        if (!any) {
            throw new IllegalArgumentException("no simulated host profile named '" + profile + "' (bundled: "
                    + DEFAULT_PROFILE + ", " + String.join(", ", NeuronHostFixture.PROFILES) + ")");
        }
        env.put("JACCEL_HOST_ROOT", tree.root().toAbsolutePath().toString());
        return env;
    }

    private static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = SimulatedHost.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("profile resource " + resource + " is missing");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** testkit/target/native: the system property when set, else beside this class's build output. */
    static Path nativeDir() {
        String prop = System.getProperty(FakeLibraries.NATIVE_DIR_PROPERTY);
        if (prop != null) {
            return Path.of(prop).toAbsolutePath();
        }
        try {
            Path classes = Path.of(SimulatedHost.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return classes.getParent().resolve("native").toAbsolutePath();  // target/classes or target/*.jar
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot find the fake libraries: set -D"
                    + FakeLibraries.NATIVE_DIR_PROPERTY + "=<repo>/testkit/target/native", e);
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String usage = "usage: SimulatedHost create <dir> [--profile NAME]   (default profile " + DEFAULT_PROFILE + ")";
        if (args.length < 2 || !args[0].equals("create")) {
            err.println(usage);
            return 2;
        }
        String profile = DEFAULT_PROFILE;
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("--profile") && i + 1 < args.length) {
                profile = args[++i];
            } else {
                err.println("unknown argument '" + args[i] + "'; " + usage);
                return 2;
            }
        }
        try {
            Map<String, String> env = create(Path.of(args[1]), profile);
            env.forEach((k, v) -> out.println("export " + k + "=" + v));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        } catch (IOException | UncheckedIOException e) {
            err.println("cannot write the simulated host under " + args[1] + ": " + e.getMessage());
            return 1;
        }
    }
}
