package dev.jaccel.core.require;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** libnvidia-container dsl.c semantics with the vectors of docs/nvidia-container-semantics.md §2.2-§2.4. */
class RequirementCheckerTest {
    private static final String HINT = ", please update your driver to a newer version, or use an earlier cuda container";

    private static void check(String expression, DeviceFacts facts, boolean minorCompat, List<String> warnings) {
        Requirement r = RequirementParser.parse("NVIDIA_REQUIRE_CUDA", expression).orElseThrow();
        List<DeviceFacts> devices = facts.gpu() == null ? List.of() : List.of(facts);
        new RequirementChecker(minorCompat, warnings::add).check(List.of(r), devices,
                DeviceFacts.hostOnly(facts.driver(), facts.cuda()));
    }

    private static DeviceFacts facts(String cuda, String driver, String brand, String arch, boolean gpu) {
        return new DeviceFacts(driver, cuda, brand, arch, gpu ? "GPU 0 GPU-x" : null);
    }

    @ParameterizedTest(name = "{0} with cuda={1} driver={2} brand={3} arch={4} gpu={5} -> {6}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "cuda>=12.2 | 12.4 | - | - | - | false | pass",
            "cuda>=12.10 | 12.2 | - | - | - | false | unsatisfied condition: cuda>=12.10" + HINT,
            "cuda>=12.2 brand=tesla,driver>=470,driver<471 | 11.4 | 470.82.01 | Tesla | 8.0 | true | pass",
            "cuda>=12.2 brand=tesla,driver>=470,driver<471 | 11.4 | 470.82.01 | GeForce | 8.0 | true | unsatisfied condition: cuda>=12.2" + HINT,
            "driver>=535 | 12.2 | 535.104.05 | Tesla | 8.0 | true | pass",
            "driver=535 | 12.2 | 535.104.05 | Tesla | 8.0 | true | unsatisfied condition: driver=535",
            "arch>=8.0 | 12.2 | 535.104.05 | Tesla | 7.5 | true | unsatisfied condition: arch>=8.0",
            "arch>=8.0 | 12.2 | 535.104.05 | - | - | false | pass",
            "brand=TESLA | 12.2 | 535.104.05 | Tesla | 8.0 | true | pass",
            "brand!=tesla | 12.2 | 535.104.05 | Tesla | 8.0 | true | unsatisfied condition: brand!=tesla",
            "brand>=tesla | 12.2 | 535.104.05 | - | - | false | pass",
            // PETRIC2#27: driver 551.78 reports CUDA 12.4
            "cuda>=12.8 | 12.4 | 551.78 | GeForce | 8.6 | true | unsatisfied condition: cuda>=12.8" + HINT,
            // nvidia-docker#1442: a driver older than 450 has CUDA 10.x
            "cuda>=11.0 | 10.2 | 440.33.01 | Tesla | 7.0 | true | unsatisfied condition: cuda>=11.0" + HINT,
            "cuda>=12 | 12.0 | - | - | - | false | pass",
            "cuda=12 | 12.0 | - | - | - | false | pass",
            "cuda>12 | 12.0 | - | - | - | false | unsatisfied condition: cuda>12",
            // unknown host values make cuda/driver/arch/brand factors pass (libnvidia-container)
            "cuda>=99.0 | - | - | - | - | false | pass",
            "driver>=999 | 12.4 | - | Tesla | 8.0 | true | pass",
            "arch>=9.0 | 12.4 | 550.54.15 | Tesla | - | true | pass",
            // the message names the FIRST term of the expression, whichever failed
            "driver>=600 cuda>=13.0 | 12.4 | 550.54.15 | Tesla | 8.0 | true | unsatisfied condition: driver>=600",
            "cuda<13.6 cuda>=11.6,arch=5.3 | 13.8 | 580.1 | Tesla | 5.3 | true | pass",
            "cuda<13.6 cuda>=11.6,arch=5.3 | 13.8 | 580.1 | Tesla | 8.0 | true | unsatisfied condition: cuda<13.6",
    })
    void evaluates(String expression, String cuda, String driver, String brand, String arch, boolean gpu,
                   String expected) {
        DeviceFacts f = facts(cuda, driver, brand, arch, gpu);
        if (expected.equals("pass")) {
            check(expression, f, false, new ArrayList<>());
            return;
        }
        JaccelException e = assertThrows(JaccelException.class, () -> check(expression, f, false, new ArrayList<>()));
        assertEquals(ExitCode.UNSATISFIED, e.exitCode());
        assertEquals(expected + "; the host has " + f.describe(), e.getMessage());
    }

    @Test
    void failureTextEndsWithTheHostValues() {
        JaccelException e = assertThrows(JaccelException.class,
                () -> check("cuda>=12.5", facts("12.4", "550.54.15", "Tesla", "8.0", true), false, new ArrayList<>()));
        assertEquals("unsatisfied condition: cuda>=12.5" + HINT
                + "; the host has driver 550.54.15, cuda 12.4, brand Tesla, arch 8.0 (GPU 0 GPU-x)", e.getMessage());
    }

    @Test
    void brandWithAnOrderingOperatorIsInvalidWhenAGpuIsSelected() {
        JaccelException e = assertThrows(JaccelException.class,
                () -> check("brand>=tesla", facts("12.4", "550.54.15", "Tesla", "8.0", true), false, new ArrayList<>()));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("invalid expression"), e.getMessage());
    }

    @Test
    void everyRequirementIsCheckedOnEveryDevice() {
        Requirement arch = RequirementParser.parse("NVIDIA_REQUIRE_ARCH", "arch>=8.0").orElseThrow();
        DeviceFacts a100 = new DeviceFacts("550.54.15", "12.4", "Tesla", "8.0", "GPU 0 GPU-a");
        DeviceFacts v100 = new DeviceFacts("550.54.15", "12.4", "Tesla", "7.0", "GPU 1 GPU-b");
        RequirementChecker checker = new RequirementChecker(false, w -> { });
        checker.check(List.of(arch), List.of(a100), DeviceFacts.hostOnly("550.54.15", "12.4"));
        JaccelException e = assertThrows(JaccelException.class,
                () -> checker.check(List.of(arch), List.of(a100, v100), DeviceFacts.hostOnly("550.54.15", "12.4")));
        assertTrue(e.getMessage().endsWith("(GPU 1 GPU-b)"), e.getMessage());
    }

    /** GPUs with the same values are evaluated once; a failure still names the first GPU that fails. */
    @ParameterizedTest(name = "archs {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "8.0,7.0,7.0 | GPU 1",
            "7.0,8.0,7.0 | GPU 0",
            "8.0,8.0,7.0 | GPU 2",
            "8.0,9.0,8.0 | ",
    })
    void aFailureNamesTheFirstGpuWithTheFailingValues(String archs, String failing) {
        Requirement arch = RequirementParser.parse("NVIDIA_REQUIRE_ARCH", "arch>=8.0").orElseThrow();
        List<DeviceFacts> gpus = new ArrayList<>();
        String[] a = archs.split(",");
        for (int i = 0; i < a.length; i++) {
            gpus.add(new DeviceFacts("550.54.15", "12.4", "Tesla", a[i], "GPU " + i));
        }
        RequirementChecker checker = new RequirementChecker(false, w -> { });
        if (failing == null) {
            checker.check(List.of(arch), gpus, DeviceFacts.hostOnly("550.54.15", "12.4"));
            return;
        }
        JaccelException e = assertThrows(JaccelException.class,
                () -> checker.check(List.of(arch), gpus, DeviceFacts.hostOnly("550.54.15", "12.4")));
        assertTrue(e.getMessage().endsWith("(" + failing + ")"), e.getMessage());
    }

    @ParameterizedTest(name = "cuda>={0} on CUDA {1} driver {2} -> {3}")
    @CsvSource({
            "12.8, 12.4, 550.54.15, true",    // same major, driver >= 525
            "12.8, 12.0, 525.60.13, true",
            "12.8, 12.0, 520.1, false",       // below the 12.x minimum
            "13.0, 12.9, 575.57.08, false",   // another major
            "11.8, 11.4, 470.82.01, true",
            "13.1, 13.0, 580.65.06, true",
    })
    void minorVersionCompatibilityIsOptIn(String wanted, String cuda, String driver, boolean covered) {
        DeviceFacts f = facts(cuda, driver, "Tesla", "8.0", true);
        assertThrows(JaccelException.class, () -> check("cuda>=" + wanted, f, false, new ArrayList<>()));
        List<String> warnings = new ArrayList<>();
        if (covered) {
            check("cuda>=" + wanted, f, true, warnings);
            assertEquals(1, warnings.size());
            assertTrue(warnings.getFirst().contains("minor-version compatibility"), warnings.getFirst());
        } else {
            assertThrows(JaccelException.class, () -> check("cuda>=" + wanted, f, true, warnings));
        }
    }
}
