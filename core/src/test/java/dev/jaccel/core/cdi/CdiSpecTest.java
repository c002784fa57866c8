package dev.jaccel.core.cdi;

import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.edits.HookEdit;
import dev.jaccel.core.edits.MountEdit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CdiSpecTest {
    static final ContainerEdits NODE = new ContainerEdits(List.of(),
            List.of(new DeviceNodeEdit("/dev/x0", null, "c", 1, 3)), List.of(), List.of());

    @ParameterizedTest
    @CsvSource({
            // device name, hostPath set?, minimum version (nvidia-container-toolkit pkg/nvcdi/spec/set-minimum-version.go)
            "gpu0, false, 0.3.0",
            "0,    false, 0.5.0",
            "gpu0, true,  0.5.0",
    })
    void versionIsTheLowestThatExpressesTheContent(String name, boolean hostPath, String version) {
        ContainerEdits edits = new ContainerEdits(List.of(),
                List.of(new DeviceNodeEdit("/dev/x0", hostPath ? "/host/dev/x0" : null, "c", 1, 3)), List.of(), List.of());
        assertEquals(version, CdiSpec.of("example.com/x", Map.of(name, edits), ContainerEdits.NONE).cdiVersion());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nvidia.com", "/gpu", "nvidia.com/", "nvidia.com/g pu", "-x.com/gpu", "a/b/c"})
    void malformedKindsAreRefused(String kind) {
        assertThrows(IllegalArgumentException.class, () -> CdiSpec.of(kind, Map.of("0", NODE), ContainerEdits.NONE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-0", "0:", "a b", "gpu/0", "ä"})
    void malformedDeviceNamesAreRefused(String name) {
        assertThrows(IllegalArgumentException.class, () -> CdiSpec.of("x.com/y", Map.of(name, NODE), ContainerEdits.NONE));
    }

    @Test
    void devicesWithoutEditsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CdiSpec.of("x.com/y", Map.of("all", ContainerEdits.NONE), ContainerEdits.NONE));
        assertEquals("CDI device all has no edits", e.getMessage());
    }

    @Test
    void hooksWithoutAnExplicitEnvAreRefused() {
        ContainerEdits hook = new ContainerEdits(List.of(), List.of(), List.of(),
                List.of(new HookEdit("createContainer", "/usr/bin/jaccel", List.of("jaccel", "hook"), List.of())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CdiSpec.of("x.com/y", Map.of("0", NODE), hook));
        assertEquals("hook /usr/bin/jaccel needs an explicit env", e.getMessage());
    }

    @Test
    void aNodeWithoutHostPathHasNoHostPathField() {
        String json = new String(CdiSpecJson.toBytes(CdiSpec.of("x.com/y", Map.of("gpu0", NODE), ContainerEdits.NONE)),
                StandardCharsets.UTF_8).replaceAll("\\s", "");
        assertEquals("{\"cdiVersion\":\"0.3.0\",\"kind\":\"x.com/y\",\"devices\":[{\"name\":\"gpu0\",\"containerEdits\":"
                + "{\"deviceNodes\":[{\"path\":\"/dev/x0\",\"type\":\"c\",\"major\":1,\"minor\":3}]}}]}", json);
    }

    @Test
    void jsonHasTheCdiShape() {
        Map<String, ContainerEdits> devices = new LinkedHashMap<>();
        devices.put("0", new ContainerEdits(List.of(), List.of(DeviceNodeEdit.charDevice("/dev/x0", "/h/dev/x0", 1, 3)),
                List.of(), List.of()));
        ContainerEdits common = new ContainerEdits(List.of("A=1"), List.of(),
                List.of(new MountEdit("/h/lib/l.so", "/lib/l.so", MountEdit.DRIVER_FILE_OPTIONS)),
                List.of(new HookEdit("createContainer", "/bin/h", List.of("h", "x"), List.of("PATH=/bin"))));
        String json = new String(CdiSpecJson.toBytes(CdiSpec.of("x.com/y", devices, common)), StandardCharsets.UTF_8)
                .replaceAll("\\s", "");
        assertEquals("{\"cdiVersion\":\"0.5.0\",\"kind\":\"x.com/y\",\"devices\":[{\"name\":\"0\",\"containerEdits\":"
                + "{\"deviceNodes\":[{\"path\":\"/dev/x0\",\"hostPath\":\"/h/dev/x0\",\"type\":\"c\",\"major\":1,\"minor\":3}]}}],"
                + "\"containerEdits\":{\"env\":[\"A=1\"],\"mounts\":[{\"hostPath\":\"/h/lib/l.so\",\"containerPath\":\"/lib/l.so\","
                + "\"options\":[\"ro\",\"nosuid\",\"nodev\",\"bind\"]}],\"hooks\":[{\"hookName\":\"createContainer\","
                + "\"path\":\"/bin/h\",\"args\":[\"h\",\"x\"],\"env\":[\"PATH=/bin\"]}]}}", json);
    }
}
