package dev.jaccel.hook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jaccel.core.json.JsonTree;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real podman is the judge of {@code hooks-config --annotation}: for each pattern, a hooks.d entry
 * holding it verbatim (written here by hand, so jaccel's check is not in the way) either lets
 * podman start a container or makes it fail; {@code jaccel hooks-config} must accept exactly the
 * patterns podman accepts. Java's Pattern accepts every one of the refused patterns below.
 */
class PodmanAnnotationRegexEndToEndTest {
    @TempDir
    Path tmp;
    Path rootfs;

    @BeforeEach
    void podman() throws IOException {
        Podman.assumeAvailable();
        rootfs = Podman.busyboxRootfs(tmp.resolve("rootfs"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            // accepted by Go's regexp
            "^jaccel\\.dev/.+$", "(?i)^JACCEL\\.dev/", "(?P<kind>gpu|neuron)$", "[[:alpha:]]+/\\pL+", "\\Qjaccel.dev/\\E",
            "a{2,1000}", "(?:a{10}){100}",
            // refused by Go's regexp, accepted by Java's
            "^(?=jaccel)", "(?<!x)jaccel", "(?<name>jaccel)", "(j)\\1", "jaccel.*+", "a{1001}", "(a{100}){11}",
            "[[:word]]x\\Z", "\\p{IsGreek}", "(?x) jaccel",
    })
    void jaccelAcceptsExactlyWhatPodmanAccepts(String pattern) throws IOException {
        Path hooksDir = Files.createDirectories(tmp.resolve("hooks.d"));
        String entry = "{\"version\": \"1.0.0\", \"hook\": {\"path\": \"/bin/true\", \"args\": [\"true\"]}, "
                + "\"when\": {\"annotations\": {" + new ObjectMapper().writeValueAsString(pattern)
                + ": \".*\"}}, \"stages\": [\"prestart\"]}";
        assertEquals(Map.of("annotations", Map.of(pattern, ".*")),
                ((Map<?, ?>) JsonTree.read(entry)).get("when"), "the entry holds the pattern verbatim");
        Files.writeString(hooksDir.resolve("50-regex.json"), entry);
        Podman.Result podman = Podman.runShell(List.of("--hooks-dir", hooksDir.toString()),
                List.of("--annotation", "jaccel.dev/request=gpu"), rootfs, "echo started");
        boolean podmanAccepts = podman.exit() == 0 && podman.output().contains("started");
        if (!podmanAccepts) {
            assertTrue(podman.output().contains("error parsing regexp") || podman.output().contains("regexp"),
                    "podman fails because of the pattern, not for another reason: " + podman.output());
        }

        Cli jaccel = Cli.run("hooks-config", "--jaccel", "/bin/true", "--annotation", pattern);
        assertEquals(podmanAccepts ? 0 : 2, jaccel.exit(), "podman " + (podmanAccepts ? "accepts" : "refuses")
                + " it: " + podman.output() + "\njaccel: " + jaccel.err());
    }
}
