package dev.jaccel.core.plan;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.caps.DriverCapability;
import dev.jaccel.core.json.JsonTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlanConfigTest {
    @Test
    void defaultsAreNvidias() {
        PlanConfig d = PlanConfig.DEFAULTS;
        assertTrue(d.acceptEnvvarWhenUnprivileged());
        assertFalse(d.acceptVolumeMounts());
        assertEquals(List.of("cdi.k8s.io/"), d.cdiAnnotationPrefixes());
        assertEquals(EnumSet.allOf(DriverCapability.class), d.supportedDriverCapabilities());
        assertFalse(d.disableRequire() || d.cudaMinorVersionCompatibility() || d.allowCudaCompatLibsFromContainer());
        assertEquals(d, PlanConfig.fromJson(java.util.Map.of(), "x"));
    }

    @Test
    void readsNvidiasKeyNames() throws IOException {
        PlanConfig c = PlanConfig.fromJson(JsonTree.read("""
                {"accept-nvidia-visible-devices-envvar-when-unprivileged": false,
                 "accept-nvidia-visible-devices-as-volume-mounts": true,
                 "swarm-resource": "DOCKER_RESOURCE_GPUS, DOCKER_RESOURCE_GPUS_ADDITIONAL",
                 "cdi-annotation-prefixes": ["cdi.k8s.io/", "example.com/"],
                 "supported-driver-capabilities": "compute,utility",
                 "disable-require": true, "cuda-minor-version-compatibility": true,
                 "allow-cuda-compat-libs-from-container": true}"""), "config.json");
        assertEquals(new PlanConfig(false, true, List.of("cdi.k8s.io/", "example.com/"),
                List.of("DOCKER_RESOURCE_GPUS", "DOCKER_RESOURCE_GPUS_ADDITIONAL"),
                EnumSet.of(DriverCapability.COMPUTE, DriverCapability.UTILITY), true, true, true), c);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[] | config.json: expected a JSON object",
            "{\"mode\": \"cdi\"} | config.json: unknown setting 'mode'",
            "{\"disable-require\": \"yes\"} | config.json: 'disable-require' must be true or false",
            "{\"swarm-resource\": 3} | config.json: 'swarm-resource' must be a string or an array of strings",
            "{\"swarm-resource\": [3]} | config.json: 'swarm-resource' must hold strings",
            "{\"supported-driver-capabilities\": \"compute,gpu\"} | config.json: supported-driver-capabilities: unknown driver capability 'gpu'",
    })
    void badSettingsAreExit2(String json, String message) {
        JaccelException e = assertThrows(JaccelException.class, () -> PlanConfig.fromJson(JsonTree.read(json), "config.json"));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }
}
