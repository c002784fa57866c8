package dev.jaccel.dist;

import dev.jaccel.testkit.FakeLibraries;
import dev.jaccel.testkit.HostTree;
import dev.jaccel.testkit.NeuronHostFixture;
import dev.jaccel.testkit.SimulatedHost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One simulated GPU and Inferentia node for a container engine: the testkit's 8 x H100 host (fake
 * NVML) with an inf2.24xlarge's six Neuron devices (fake libnrt) laid out in the same host root,
 * and the environment that points jaccel at it. Engines pass their own environment on to the
 * runtimes and hooks they start, so the engine is started with it.
 */
final class SimulatedNode {
    private SimulatedNode() {
    }

    static Map<String, String> create(Path dir) throws IOException {
        Map<String, String> env = new LinkedHashMap<>(SimulatedHost.create(dir, SimulatedHost.DEFAULT_PROFILE));
        HostTree tree = HostTree.at(Path.of(env.get("JACCEL_HOST_ROOT")));
        NeuronHostFixture.layOutProfile("inf2", tree);
        Path nrt = Files.writeString(dir.resolve("nrt.json"), NeuronHostFixture.nrtConfig("inf2"));
        env.put("FAKE_NRT_CONFIG", nrt.toString());
        env.put("JACCEL_NRT_LIBRARY", FakeLibraries.nrt().toString());
        env.put("JACCEL_SNAPSHOT", dir.resolve("inventory.json").toString());
        return env;
    }
}
