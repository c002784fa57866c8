package dev.jaccel.core.oci;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.plan.ContainerRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one reader of what a container asks for: {@link OciSpec#parse} and {@link OciSpec#request()}. */
class OciSpecTest {
    static OciSpec spec(String json) {
        return OciSpec.parse(json.getBytes(StandardCharsets.UTF_8), "config.json");
    }

    /** The table's specs, given the one field every spec needs ({@code {...}} becomes {@code {"ociVersion": "1.0.2", ...}}). */
    static OciSpec withVersion(String json) {
        String body = json.strip().substring(1);
        return spec("{\"ociVersion\": \"1.0.2\"" + (body.strip().equals("}") ? "" : ", ") + body);
    }

    @Test
    void readsEnvAnnotationsDevNullMountsAndPrivilege() {
        ContainerRequest r = spec("""
                {"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "x-unknown": {"kept": true},
                 "process": {"env": ["PATH=/bin", "NVIDIA_VISIBLE_DEVICES=0,1", "EMPTY=", "A=1", "A=2", "B=x=y"],
                             "capabilities": {"bounding": ["CAP_CHOWN", "CAP_SYS_ADMIN"], "effective": []}},
                 "annotations": {"cdi.k8s.io/gpu": "nvidia.com/gpu=0"},
                 "mounts": [{"destination": "/var/run/nvidia-container-devices/GPU-1", "source": "/dev/null", "type": "bind"},
                            {"destination": "/proc", "source": "proc", "type": "proc"},
                            {"destination": "/var/run/nvidia-container-devices/GPU-2", "source": "/tmp/x"},
                            {"destination": "/tmpfs"}]}
                """).request();
        assertEquals(Map.of("PATH", "/bin", "NVIDIA_VISIBLE_DEVICES", "0,1", "EMPTY", "", "A", "2", "B", "x=y"), r.env());
        assertEquals(Map.of("cdi.k8s.io/gpu", "nvidia.com/gpu=0"), r.annotations());
        assertEquals(List.of("/var/run/nvidia-container-devices/GPU-1"), r.mountDestinations());
        assertTrue(r.privileged());
    }

    @ParameterizedTest(name = "{0} -> privileged {1}")
    @CsvSource(delimiter = '|', value = {
            "{} | false",
            "{\"process\": {}} | false",
            "{\"process\": {\"capabilities\": {\"bounding\": [\"CAP_NET_ADMIN\"], \"effective\": [\"CAP_SYS_ADMIN\"]}}} | false",
            "{\"process\": {\"capabilities\": {\"bounding\": [\"CAP_SYS_ADMIN\"]}}} | true",
            // before runtime-spec 1.0.0-rc5: a flat array
            "{\"process\": {\"capabilities\": [\"CAP_SYS_ADMIN\"]}} | true",
            "{\"process\": {\"capabilities\": [\"CAP_CHOWN\"]}} | false",
    })
    void privilegeIsSysAdminInTheBoundingSet(String json, boolean privileged) {
        assertEquals(privileged, withVersion(json).request().privileged());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"process\": []} | 'process' must be an object",
            "{\"process\": {\"env\": \"A=1\"}} | 'process.env' must be an array",
            "{\"process\": {\"env\": [1]}} | 'process.env' must be an array of strings",
            "{\"process\": {\"env\": [\"NOEQUALS\"]}} | 'process.env' entry 'NOEQUALS' is not KEY=VALUE",
            "{\"process\": {\"env\": [\"=x\"]}} | 'process.env' entry '=x' is not KEY=VALUE",
            "{\"annotations\": []} | 'annotations' must be an object",
            "{\"annotations\": {\"a\": 1}} | 'annotations.a' must be a string",
            "{\"mounts\": {}} | 'mounts' must be an array",
            "{\"mounts\": [1]} | 'mounts[]' must be an object",
            "{\"mounts\": [{\"source\": \"/dev/null\"}]} | 'mounts[].destination' must be a string",
            "{\"mounts\": [{\"destination\": \"/x\", \"source\": 3}]} | 'mounts[].source' must be a string",
            "{\"process\": {\"capabilities\": \"CAP_SYS_ADMIN\"}} | 'process.capabilities' must be an object",
            "{\"process\": {\"capabilities\": {\"bounding\": [null]}}} | 'process.capabilities.bounding' must be an array of strings",
            "{\"root\": {\"path\": 7}} | 'root.path' must be a string",
            "{\"hooks\": {\"prestart\": {}}} | 'hooks.prestart' must be an array",
            "{\"linux\": {\"resources\": {\"devices\": {}}}} | 'linux.resources.devices' must be an array",
    })
    void malformedSpecsAreExit2NamingTheField(String json, String message) {
        JaccelException e = assertThrows(JaccelException.class, () -> withVersion(json));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("config.json: " + message), e.getMessage());
        assertTrue(e.getMessage().endsWith("(it was left unchanged)"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{} | 'ociVersion' is missing",
            "{\"ociVersion\": 1} | 'ociVersion' is missing or not a string",
            "[] | expected a JSON object",
            "{\"ociVersion\": \"1.0.2\", \"a\": 1, \"a\": 2} | duplicate key",
    })
    void notASpecAtAll(String json, String message) {
        JaccelException e = assertThrows(JaccelException.class, () -> spec(json));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void anUneditedSpecIsTheBytesItWasReadFrom() {
        byte[] src = "{\"ociVersion\":\"1.0.2\" ,  \"process\":{\"env\":[\"A=\\u00fc\"]}}\n\n".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(src, OciSpec.parse(src, "config.json").toBytes());
    }
}
