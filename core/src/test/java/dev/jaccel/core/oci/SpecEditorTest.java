package dev.jaccel.core.oci;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.edits.HookEdit;
import dev.jaccel.core.edits.MountEdit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecEditorTest {
    static final DeviceNodeEdit GPU3 = DeviceNodeEdit.charDevice("/dev/nvidia3", "/dev/nvidia3", 195, 3);
    static final DeviceNodeEdit CTL = DeviceNodeEdit.charDevice("/dev/nvidiactl", "/dev/nvidiactl", 195, 255);
    static final MountEdit LIBCUDA = new MountEdit("/usr/lib/x86_64-linux-gnu/libcuda.so.580.95.05",
            "/usr/lib/x86_64-linux-gnu/libcuda.so.580.95.05", MountEdit.DRIVER_FILE_OPTIONS);
    static final HookEdit LDCONFIG = new HookEdit("createContainer", "/usr/bin/jaccel",
            List.of("jaccel", "hook", "createContainer"), List.of());

    static final ContainerEdits GPU_EDITS = new ContainerEdits(
            List.of("NVIDIA_VISIBLE_DEVICES=void", "JACCEL_SELECTED=GPU-5c2bd5a8"),
            List.of(GPU3, CTL), List.of(LIBCUDA), List.of(LDCONFIG));

    static byte[] resource(String name) throws IOException {
        try (InputStream in = SpecEditorTest.class.getResourceAsStream("/oci/" + name)) {
            return in.readAllBytes();
        }
    }

    static String edit(String spec, ContainerEdits edits) {
        OciSpec s = OciSpec.parse(spec.getBytes(StandardCharsets.UTF_8), "config.json");
        SpecEditor.apply(s, edits);
        return new String(s.toBytes(), StandardCharsets.UTF_8);
    }

    static Stream<Arguments> rules() {
        String base = "{\"ociVersion\":\"1.0.2\",\"process\":{\"env\":[\"A=1\",\"NVIDIA_VISIBLE_DEVICES=0\"]},\"x\":1e999}";
        return Stream.of(
                Arguments.of("env: same key replaced in place, new key appended", base,
                        new ContainerEdits(List.of("NVIDIA_VISIBLE_DEVICES=void", "B=2"), List.of(), List.of(), List.of()),
                        "{\"ociVersion\":\"1.0.2\",\"process\":{\"env\":[\"A=1\",\"NVIDIA_VISIBLE_DEVICES=void\",\"B=2\"]},\"x\":1e999}"),
                Arguments.of("device: node and allow rule, objects created where absent", base,
                        new ContainerEdits(List.of(), List.of(GPU3), List.of(), List.of()),
                        "{\"ociVersion\":\"1.0.2\",\"process\":{\"env\":[\"A=1\",\"NVIDIA_VISIBLE_DEVICES=0\"]},\"x\":1e999,"
                                + "\"linux\":{\"devices\":[{\"path\":\"/dev/nvidia3\",\"type\":\"c\",\"major\":195,\"minor\":3,\"fileMode\":438,\"uid\":0,\"gid\":0}],"
                                + "\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":195,\"minor\":3,\"access\":\"rwm\"}]}}}"),
                Arguments.of("device: same path with other numbers replaced, allow rule after deny-all",
                        "{\"ociVersion\":\"1\",\"linux\":{\"devices\":[{\"path\":\"/dev/nvidia3\",\"type\":\"c\",\"major\":1,\"minor\":3}],"
                                + "\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}}}",
                        new ContainerEdits(List.of(), List.of(GPU3), List.of(), List.of()),
                        "{\"ociVersion\":\"1\",\"linux\":{\"devices\":[{\"path\":\"/dev/nvidia3\",\"type\":\"c\",\"major\":195,\"minor\":3,\"fileMode\":438,\"uid\":0,\"gid\":0}],"
                                + "\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":195,\"minor\":3,\"access\":\"rwm\"}]}}}"),
                Arguments.of("mount: read-only nosuid nodev bind, same destination replaced",
                        "{\"ociVersion\":\"1\",\"mounts\":[{\"destination\":\"/usr/lib/x86_64-linux-gnu/libcuda.so.580.95.05\",\"type\":\"bind\",\"source\":\"/tmp/evil\",\"options\":[\"rw\"]}]}",
                        new ContainerEdits(List.of(), List.of(), List.of(LIBCUDA), List.of()),
                        "{\"ociVersion\":\"1\",\"mounts\":[{\"destination\":\"/usr/lib/x86_64-linux-gnu/libcuda.so.580.95.05\",\"type\":\"bind\","
                                + "\"source\":\"/usr/lib/x86_64-linux-gnu/libcuda.so.580.95.05\",\"options\":[\"ro\",\"nosuid\",\"nodev\",\"bind\"]}]}"),
                Arguments.of("hook: explicit env even when the edit has none", "{\"ociVersion\":\"1\"}",
                        new ContainerEdits(List.of(), List.of(), List.of(), List.of(LDCONFIG)),
                        "{\"ociVersion\":\"1\",\"hooks\":{\"createContainer\":[{\"path\":\"/usr/bin/jaccel\","
                                + "\"args\":[\"jaccel\",\"hook\",\"createContainer\"],\"env\":[\"" + SpecEditor.HOOK_DEFAULT_ENV + "\"]}]}}"),
                Arguments.of("nothing to do: bytes untouched", "{ \"ociVersion\" : \"1\" ,\"weird\":[ 1,2 ] }",
                        ContainerEdits.NONE, "{ \"ociVersion\" : \"1\" ,\"weird\":[ 1,2 ] }"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void appliesEachRule(String rule, String spec, ContainerEdits edits, String expected) {
        assertEquals(expected, edit(spec, edits));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void applyingTwiceEqualsApplyingOnce(String rule, String spec, ContainerEdits edits, String expected) {
        assertEquals(expected, edit(edit(spec, edits), edits));
    }

    /** A real `runc spec` output plus GPU edits: the golden file shows the only lines that change. */
    @Test
    void runcSpecWithGpuEditsMatchesGoldenFile() throws IOException {
        OciSpec spec = OciSpec.parse(resource("runc-spec.json"), "config.json");
        SpecEditor.apply(spec, GPU_EDITS);
        assertEquals(new String(resource("runc-spec-gpu.json"), StandardCharsets.UTF_8),
                new String(spec.toBytes(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc-spec.json", "containerd-compact.json", "python-indent2.json"})
    void unknownFieldsUnicodeAndBigNumbersSurviveAnEdit(String file) throws IOException {
        byte[] src = resource(file);
        OciSpec spec = OciSpec.parse(src, file);
        SpecEditor.apply(spec, new ContainerEdits(List.of(), List.of(GPU3), List.of(), List.of()));
        String out = new String(spec.toBytes(), StandardCharsets.UTF_8);
        // every field of the source is still there, spelt as it was
        for (String kept : List.of("\"huge\":123456789012345678901234567890", "\"weight\":1.50", "\\u0026\\u0026",
                "18446744073709551615", "Grüße aus 東京 😀", "\"x-unknown-linux-field\"")) {
            if (new String(src, StandardCharsets.UTF_8).contains(kept)) {
                assertTrue(out.contains(kept), kept);
            }
        }
        assertTrue(out.contains("\"/dev/nvidia3\""), "edited");
        assertTrue(out.length() > src.length);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("{\"ociVersion\":1}", "'ociVersion' is missing or not a string"),
                Arguments.of("[1]", "not valid JSON (expected a JSON object at the top level)"),
                Arguments.of("{\"ociVersion\":\"1\",\"process\":{\"env\":\"A=1\"}}", "'process.env' must be an array"),
                Arguments.of("{\"ociVersion\":\"1\",\"process\":{\"env\":[1]}}", "'process.env' must be an array of strings"),
                Arguments.of("{\"ociVersion\":\"1\",\"linux\":{\"devices\":{}}}", "'linux.devices' must be an array"),
                Arguments.of("{\"ociVersion\":\"1\",\"mounts\":[\"/x\"]}", "'mounts[]' must be an object"),
                Arguments.of("{\"ociVersion\":\"1\",\"hooks\":{\"prestart\":{}}}", "'hooks.prestart' must be an array"),
                Arguments.of("{\"ociVersion\":\"1\",", "not valid JSON"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedSpecIsRefusedWithAMessageNamingIt(String spec, String reason) {
        JaccelException e = assertThrows(JaccelException.class,
                () -> OciSpec.parse(spec.getBytes(StandardCharsets.UTF_8), "/b/config.json"));
        assertEquals(2, e.exitCode().code());
        assertTrue(e.getMessage().startsWith("/b/config.json: " + reason), e.getMessage());
        assertTrue(e.getMessage().endsWith("(it was left unchanged)"), e.getMessage());
    }

    @Test
    void requestCarriesEnvAnnotationsDevNullMountsAndPrivilege() throws IOException {
        OciSpec spec = OciSpec.parse(resource("containerd-compact.json"), "config.json");
        assertEquals("GPU-5c2bd5a8-7a0e-4b5c-9d34-0b3c6f3f1a01", spec.request().env().get("NVIDIA_VISIBLE_DEVICES"));
        assertEquals("✓", spec.request().annotations().get("io.example/ünïcode"));
        assertEquals(false, spec.request().privileged());
        OciSpec priv = OciSpec.parse(("{\"ociVersion\":\"1\",\"process\":{\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"]}},"
                + "\"mounts\":[{\"destination\":\"/var/run/nvidia-container-devices/GPU0\",\"source\":\"/dev/null\"},"
                + "{\"destination\":\"/etc/x\",\"source\":\"/etc/x\"}]}").getBytes(StandardCharsets.UTF_8), "c");
        assertEquals(true, priv.request().privileged());
        assertEquals(List.of("/var/run/nvidia-container-devices/GPU0"), priv.request().mountDestinations());
    }

    @Test
    void rootfsIsResolvedAgainstTheBundle() {
        OciSpec spec = OciSpec.parse("{\"ociVersion\":\"1\",\"root\":{\"path\":\"rootfs\"}}".getBytes(StandardCharsets.UTF_8), "c");
        assertEquals(java.nio.file.Path.of("/b/rootfs"), spec.rootfs(java.nio.file.Path.of("/b")));
        OciSpec abs = OciSpec.parse("{\"ociVersion\":\"1\",\"root\":{\"path\":\"/r/x/../y\"}}".getBytes(StandardCharsets.UTF_8), "c");
        assertEquals(java.nio.file.Path.of("/r/y"), abs.rootfs(java.nio.file.Path.of("/b")));
    }
}
