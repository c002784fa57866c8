package dev.jaccel.hook.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jaccel.testkit.FakeLibraries;
import dev.jaccel.testkit.HostTree;
import dev.jaccel.testkit.NeuronHostFixture;
import dev.jaccel.testkit.SimulatedHost;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The simulated 8-GPU host (optionally with a Neuron profile laid over it) whose fake NVML is then
 * made to fail the way real drivers do (testkit's {@code init} and per-device {@code errors} keys),
 * driven through {@code bin/jaccel} so that every run loads the fake with its own config.
 */
final class FaultyHost {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, String> env;
    final HostTree tree;
    final Path nvmlConfig;
    final Path snapshot;

    private FaultyHost(Map<String, String> env, Path snapshot) {
        this.env = env;
        this.tree = HostTree.at(Path.of(env.get("JACCEL_HOST_ROOT")));
        this.nvmlConfig = Path.of(env.get("FAKE_NVML_CONFIG"));
        this.snapshot = snapshot;
    }

    /** The h100x8-mig host under {@code dir}; with {@code neuronProfile}, that profile's Neuron devices too. */
    static FaultyHost create(Path dir, String neuronProfile) {
        try {
            Map<String, String> env = new HashMap<>(SimulatedHost.create(dir, SimulatedHost.DEFAULT_PROFILE));
            if (neuronProfile != null) {
                NeuronHostFixture.layOutProfile(neuronProfile, HostTree.at(Path.of(env.get("JACCEL_HOST_ROOT"))));
                Path nrt = Files.writeString(dir.resolve("nrt.json"), NeuronHostFixture.nrtConfig(neuronProfile));
                env.put("FAKE_NRT_CONFIG", nrt.toString());
                env.put("JACCEL_NRT_LIBRARY", FakeLibraries.nrt().toString());
            } else {
                env.put("JACCEL_NRT_LIBRARY", dir.resolve("no-libnrt.so.1").toString());
            }
            Path snapshot = dir.resolve("inventory.json");
            env.put("JACCEL_SNAPSHOT", snapshot.toString());
            return new FaultyHost(env, snapshot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Edits the fake NVML's config; the next {@code bin/jaccel} run reads it. */
    FaultyHost nvml(Consumer<ObjectNode> edit) {
        try {
            ObjectNode config = (ObjectNode) JSON.readTree(nvmlConfig.toFile());
            edit.accept(config);
            JSON.writeValue(nvmlConfig.toFile(), config);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code nvml(c -> c.put("init", code))}: what nvmlInit_v2 returns. */
    FaultyHost init(String code) {
        return nvml(c -> c.put("init", code));
    }

    /** Makes {@code function} return {@code code} for the GPU at NVML index {@code index}. */
    FaultyHost deviceError(int index, String function, String code) {
        return nvml(c -> ((ObjectNode) c.get("devices").get(index)).withObjectProperty("errors").put(function, code));
    }

    /** The fake's UUID of the GPU at {@code index}. */
    String uuid(int index) {
        try {
            return JSON.readTree(nvmlConfig.toFile()).get("devices").get(index).get("uuid").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Jaccel.Result jaccel(String... args) {
        return Jaccel.run(List.of(args), env, new byte[0]);
    }

    /** {@code jaccel runtime --root RUNC_ROOT run --bundle B ID}: a container start through the shim and runc. */
    Jaccel.Result shimRun(Path runcRoot, Bundle b, String id) {
        return jaccel("runtime", "--root", runcRoot.toString(), "run", "--bundle", b.dir.toString(),
                id + "-" + ProcessHandle.current().pid());
    }
}
