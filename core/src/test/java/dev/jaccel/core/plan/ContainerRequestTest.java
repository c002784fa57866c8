package dev.jaccel.core.plan;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.json.JsonTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerRequestTest {
    @SuppressWarnings("unchecked")
    static ContainerRequest fromJson(String json) throws IOException {
        return ContainerRequest.fromSpec((Map<String, Object>) JsonTree.read(json));
    }

    @Test
    void readsEnvAnnotationsDevNullMountsAndPrivilege() throws IOException {
        ContainerRequest r = fromJson("""
                {"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "x-unknown": {"kept": true},
                 "process": {"env": ["PATH=/bin", "NVIDIA_VISIBLE_DEVICES=0,1", "EMPTY=", "NOEQUALS", "A=1", "A=2", "B=x=y"],
                             "capabilities": {"bounding": ["CAP_CHOWN", "CAP_SYS_ADMIN"], "effective": []}},
                 "annotations": {"cdi.k8s.io/gpu": "nvidia.com/gpu=0"},
                 "mounts": [{"destination": "/var/run/nvidia-container-devices/GPU-1", "source": "/dev/null", "type": "bind"},
                            {"destination": "/proc", "source": "proc", "type": "proc"},
                            {"destination": "/var/run/nvidia-container-devices/GPU-2", "source": "/tmp/x"},
                            {"destination": "/tmpfs"}]}
                """);
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
            // pre-1.0.0-rc5 specs: a flat array
            "{\"process\": {\"capabilities\": [\"CAP_SYS_ADMIN\"]}} | true",
            "{\"process\": {\"capabilities\": [\"CAP_CHOWN\"]}} | false",
    })
    void privilegeIsSysAdminInTheBoundingSet(String json, boolean privileged) throws IOException {
        assertEquals(privileged, fromJson(json).privileged());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"process\": []} | 'process' must be an object",
            "{\"process\": {\"env\": \"A=1\"}} | 'process.env' must be an array",
            "{\"process\": {\"env\": [1]}} | 'process.env' must be an array of strings",
            "{\"annotations\": []} | 'annotations' must be an object",
            "{\"annotations\": {\"a\": 1}} | 'annotations.a' must be a string",
            "{\"mounts\": {}} | 'mounts' must be an array",
            "{\"mounts\": [1]} | 'mounts[]' must be an object",
            "{\"mounts\": [{\"source\": \"/dev/null\"}]} | 'mounts[].destination' must be a string",
            "{\"mounts\": [{\"destination\": \"/x\", \"source\": 3}]} | 'mounts[].source' must be a string",
            "{\"process\": {\"capabilities\": \"CAP_SYS_ADMIN\"}} | 'process.capabilities' must be an object",
            "{\"process\": {\"capabilities\": {\"bounding\": [null]}}} | 'process.capabilities.bounding' must be an array of strings",
    })
    void malformedSpecsAreExit2NamingTheField(String json, String message) {
        JaccelException e = assertThrows(JaccelException.class, () -> fromJson(json));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals("OCI spec: " + message, e.getMessage().substring(0, ("OCI spec: " + message).length()));
    }

    @Test
    void ofEnvIsUnprivilegedWithoutAnnotationsOrMounts() {
        ContainerRequest r = ContainerRequest.ofEnv(Map.of("A", "1"));
        assertFalse(r.privileged());
        assertTrue(r.annotations().isEmpty() && r.mountDestinations().isEmpty());
    }
}
