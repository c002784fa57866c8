package dev.jaccel.deviceplugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.jaccel.core.Invocation;
import dev.jaccel.deviceplugin.resources.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/kubernetes: the manifests parse, carry what Kubernetes requires, run the plugin with
 * flags it accepts, mount every path those flags name (read-only where only read), and keep least
 * privilege; the example pod asks for the plugin's resource names; the image recipe runs the
 * distribution's launcher.
 */
class DeploymentManifestTest {
    static final Path DEPLOY = Path.of(System.getProperty("jaccel.repo", "..")).resolve("deploy/kubernetes");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static List<JsonNode> documents(String file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(DEPLOY.resolve(file).toFile())) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && !d.isNull() && !d.isEmpty()) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    static JsonNode daemonSet(String name) throws IOException {
        return documents("device-plugin.yaml").stream().filter(d -> d.at("/metadata/name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no DaemonSet " + name));
    }

    @Test
    void twoDaemonSetsThatNeverMeetOnOneNode() throws IOException {
        List<JsonNode> docs = documents("device-plugin.yaml");
        assertEquals(List.of("jaccel-device-plugin", "jaccel-device-plugin-neuron"),
                docs.stream().map(d -> d.at("/metadata/name").asText()).toList());
        JsonNode neuron = daemonSet("jaccel-device-plugin-neuron");
        JsonNode expr = neuron.at("/spec/template/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
                + "/nodeSelectorTerms/0/matchExpressions/0");
        assertEquals("jaccel.dev/nvidia", expr.get("key").asText());
        assertEquals("NotIn", expr.get("operator").asText());
        assertEquals("true", daemonSet("jaccel-device-plugin").at("/spec/template/spec/nodeSelector/jaccel.dev~1nvidia").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jaccel-device-plugin", "jaccel-device-plugin-neuron"})
    void daemonSetIsCompleteAndItsPathsAgreeWithThePluginsFlags(String name) throws Exception {
        JsonNode ds = daemonSet(name);
        assertEquals("apps/v1", ds.get("apiVersion").asText());
        assertEquals("DaemonSet", ds.get("kind").asText());
        assertEquals("kube-system", ds.at("/metadata/namespace").asText());
        JsonNode labels = ds.at("/spec/template/metadata/labels");
        ds.at("/spec/selector/matchLabels").fields().forEachRemaining(e ->
                assertEquals(e.getValue().asText(), labels.path(e.getKey()).asText(), "selector label " + e.getKey()));
        JsonNode pod = ds.at("/spec/template/spec");
        assertEquals(1, pod.get("containers").size());
        JsonNode c = pod.at("/containers/0");
        assertFalse(c.get("image").asText().isBlank());

        // the plugin accepts exactly these arguments
        List<String> args = new ArrayList<>();
        c.get("args").forEach(a -> args.add(a.asText()));
        DevicePluginCommand command = new DevicePluginCommand(new Invocation(InputStream.nullInputStream(), Map.of()));
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        assertEquals(PluginOptions.DEFAULT_PLUGIN_DIR, command.pluginDir);

        Map<String, JsonNode> mounts = new HashMap<>();
        c.get("volumeMounts").forEach(m -> mounts.put(m.get("mountPath").asText(), m));
        Map<String, JsonNode> volumes = new HashMap<>();
        pod.get("volumes").forEach(v -> volumes.put(v.get("name").asText(), v));
        // every path a flag names is on a mount: read-only for the host, writable for what the plugin writes
        assertMounted(mounts, volumes, command.pluginDir, false, "/var/lib/kubelet/device-plugins");
        assertMounted(mounts, volumes, Path.of(command.hostRoot), true, "/");
        assertMounted(mounts, volumes, command.healthDir, false, "/run/jaccel");
        assertMounted(mounts, volumes, command.readyFile, false, "/run/jaccel");
        assertMounted(mounts, volumes, command.cdiDir, false, "/etc/cdi");
        assertTrue(mounts.containsKey("/tmp"), "a writable /tmp for the native transport library");
        c.path("env").forEach(e -> {
            if (e.get("name").asText().startsWith("JACCEL_") && e.get("name").asText().endsWith("_LIBRARY")) {
                assertTrue(e.get("value").asText().startsWith(command.hostRoot + "/"), e.toString());
            }
        });

        // least privilege
        JsonNode sc = c.get("securityContext");
        assertFalse(sc.get("privileged").asBoolean());
        assertFalse(sc.get("allowPrivilegeEscalation").asBoolean());
        assertTrue(sc.get("readOnlyRootFilesystem").asBoolean());
        assertEquals("ALL", sc.at("/capabilities/drop/0").asText());
        assertFalse(pod.path("hostNetwork").asBoolean(false));
        assertFalse(pod.path("hostPID").asBoolean(false));
        assertFalse(pod.get("automountServiceAccountToken").asBoolean());
        assertTrue(c.at("/resources/limits/memory").isTextual());

        // ready exactly when the plugin says it is registered
        JsonNode probe = c.at("/readinessProbe/exec/command");
        assertEquals(List.of("test", "-e", command.readyFile.toString()),
                List.of(probe.get(0).asText(), probe.get(1).asText(), probe.get(2).asText()));
    }

    private static void assertMounted(Map<String, JsonNode> mounts, Map<String, JsonNode> volumes, Path path,
                                      boolean readOnly, String hostPath) {
        JsonNode mount = mounts.entrySet().stream().filter(e -> path.startsWith(e.getKey()))
                .max((a, b) -> Integer.compare(a.getKey().length(), b.getKey().length())).map(Map.Entry::getValue)
                .orElseThrow(() -> new AssertionError(path + " is on no volume mount"));
        assertEquals(readOnly, mount.path("readOnly").asBoolean(false), path + ": readOnly");
        JsonNode volume = volumes.get(mount.get("name").asText());
        assertEquals(hostPath, volume.at("/hostPath/path").asText(), path + ": host path");
    }

    @Test
    void examplePodAsksForTwoGpusAndFourNeuronCores() throws IOException {
        JsonNode pod = documents("example-pod.yaml").getFirst();
        assertEquals("Pod", pod.get("kind").asText());
        JsonNode limits = pod.at("/spec/containers/0/resources/limits");
        assertEquals(2, limits.get(Resource.NVIDIA_GPU).asInt());
        assertEquals(4, limits.get(Resource.NEURON_CORE).asInt());
    }

    @Test
    void imageRecipeRunsTheDistributionsLauncher() throws IOException {
        String recipe = Files.readString(DEPLOY.resolve("Containerfile"));
        assertTrue(recipe.contains("ADD jaccel-${VERSION}-linux-x86_64.tar.gz /opt/"), recipe);
        assertTrue(recipe.contains("ln -s /opt/jaccel-${VERSION} /opt/jaccel"), recipe);
        assertTrue(recipe.contains("ENTRYPOINT [\"/opt/jaccel/bin/jaccel\", \"device-plugin\"]"), recipe);
        assertTrue(Files.readString(DEPLOY.resolve("README.md")).contains("aws.amazon.com/neuroncore: 4"));
    }
}
