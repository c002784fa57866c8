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
    @Test
    void ofEnvIsUnprivilegedWithoutAnnotationsOrMounts() {
        ContainerRequest r = ContainerRequest.ofEnv(Map.of("A", "1"));
        assertFalse(r.privileged());
        assertTrue(r.annotations().isEmpty() && r.mountDestinations().isEmpty());
    }
}
