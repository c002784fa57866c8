package dev.jaccel.core.caps;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TestGetNvidiaConfig / TestGetDriverCapabilities rows (docs/nvidia-container-semantics.md §1.3, §1.4). "~" = variable unset. */
class DriverCapabilitiesTest {
    private static Set<DriverCapability> parse(String value, boolean legacy, String supported) {
        Map<String, String> env = new HashMap<>();
        if (!value.equals("~")) {
            env.put(DriverCapabilities.VARIABLE, value);
        }
        return DriverCapabilities.fromEnv(env, legacy, DriverCapability.parseSupported(supported, "test"));
    }

    @ParameterizedTest(name = "[{0}] legacy={1} supported={2} -> {3}")
    @CsvSource(delimiter = '|', value = {
            "~ | true | all | compat32,compute,display,graphics,ngx,utility,video",
            "~ | false | all | compute,utility",
            "'' | true | all | compute,utility",
            "'' | false | all | compute,utility",
            "all | true | all | compat32,compute,display,graphics,ngx,utility,video",
            "all | false | all | compat32,compute,display,graphics,ngx,utility,video",
            "video,display | true | all | display,video",
            "' video , display ,' | false | all | display,video",
            "compute | false | all | compute",
            "utility,all | false | all | compat32,compute,display,graphics,ngx,utility,video",
            // TestGetDriverCapabilities with supported = compute,display,utility,video
            "~ | true | compute,display,utility,video | compute,display,utility,video",
            "~ | false | compute,display,utility,video | compute,utility",
            "'' | true | compute,display,utility,video | compute,utility",
            "~ | true | compute | compute",
            "all | false | video,display | display,video",
    })
    void resolves(String value, boolean legacy, String supported, String expected) {
        assertEquals(expected, DriverCapability.join(parse(value, legacy, supported)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"compute,foo | foo", "COMPUTE | COMPUTE", "gpu | gpu", "'compute, ,x ' | x"})
    void unknownCapabilityIsExit2NamingIt(String value, String named) {
        JaccelException e = assertThrows(JaccelException.class, () -> parse(value, false, "all"));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("unknown driver capability '" + named + "'"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"compute | video,display", "graphics,video | video,display"})
    void unsupportedCapabilityIsRefusedInNvidiasWords(String value, String supported) {
        JaccelException e = assertThrows(JaccelException.class, () -> parse(value, false, supported));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("unsupported capabilities found in '" + value + "' (allowed 'display,video')"),
                e.getMessage());
    }

    @ParameterizedTest(name = "{0}: compute libs {1}, graphics libs {2}")
    @CsvSource(delimiter = '|', value = {"compute | true | false", "video | true | false", "utility | false | false",
            "graphics | false | true", "display | false | true", "ngx,compat32 | false | false"})
    void impliedLibraryGroups(String caps, boolean compute, boolean graphics) {
        Set<DriverCapability> set = parse(caps, false, "all");
        assertEquals(compute, DriverCapabilities.needsComputeLibraries(set));
        assertEquals(graphics, DriverCapabilities.needsGraphicsLibraries(set));
        assertEquals(compute, DriverFiles.libraryGroups(set).contains(DriverCapability.COMPUTE));
        assertEquals(graphics, DriverFiles.libraryGroups(set).contains(DriverCapability.GRAPHICS));
    }
}
