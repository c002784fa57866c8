package dev.jaccel.core.require;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Neuron runtime/driver rules (docs/neuron-semantics.md §5) and the version order they compare with. */
class NeuronRulesTest {
    @ParameterizedTest(name = "{0}: driver {1}, runtime {2}, on disk {3}")
    @CsvSource(delimiter = ';', nullValues = "-", value = {
            // host; driver; runtime; module on disk; outcomes in table order
            // (inf1-driver inf1-runtime runtime-2.32-driver driver-2.29-runtime trn2-driver stale-module)
            "inf1; 2.24.7.0; 2.19.5.0; 2.24.7.0; PASS PASS N/A N/A N/A PASS",
            "inf1; 2.25.0.0; 2.19.5.0; 2.25.0.0; FAIL PASS N/A N/A N/A PASS",
            "inf1; 2.24.7.0; 2.21.0.0; 2.24.7.0; PASS FAIL N/A N/A N/A PASS",
            "inf1; 2.24; 2.20.99; -; PASS PASS N/A N/A N/A UNKNOWN",
            "trn1; 2.26.0.0; 2.32.31.0; 2.26.0.0; N/A N/A FAIL N/A N/A PASS",
            "trn1; 2.26.9.9; 2.32.0.0; 2.26.9.9; N/A N/A FAIL N/A N/A PASS",
            "trn1; 2.27.4.0; 2.32.31.0; 2.27.4.0; N/A N/A PASS N/A N/A PASS",
            "trn1; 2.29.0.0; 2.32.31.0; 2.29.0.0; N/A N/A PASS FAIL N/A PASS",
            "trn1; 2.29.0.0; 2.33.10.0; 2.29.0.0; N/A N/A PASS PASS N/A PASS",
            "trn1; 2.28.0.0; 2.31.24.0; 2.30.2.0; N/A N/A N/A N/A N/A FAIL",
            "trn1; 2.30.2.0; 2.34.10.0; 2.28.0.0; N/A N/A PASS PASS N/A PASS",   // an older module on disk is no stale load
            "trn2; 2.19.0.0; 2.24.53.0; 2.19.0.0; N/A N/A N/A N/A FAIL PASS",
            "trn2; 2.20.28.0; 2.24.53.0; 2.20.28.0; N/A N/A N/A N/A PASS PASS",
            "trn1; 2.29.0.0; -; 2.29.0.0; N/A N/A UNKNOWN UNKNOWN UNKNOWN PASS",
            "inf1; -; -; -; UNKNOWN UNKNOWN UNKNOWN UNKNOWN UNKNOWN UNKNOWN",
    })
    void rulesTable(String host, String driver, String runtime, String onDisk, String outcomes) {
        NeuronFacts facts = new NeuronFacts(NeuronVersion.parse(driver), NeuronVersion.parse(runtime),
                onDisk == null ? null : new ModuleOnDisk("/lib/modules/k/updates/dkms/neuron.ko", NeuronVersion.of(onDisk), null),
                host.equals("inf1"), host.equals("trn2"));
        assertEquals(outcomes, NeuronRules.evaluate(facts).stream()
                .map(r -> r.outcome() == NeuronRule.Outcome.NOT_APPLICABLE ? "N/A" : r.outcome().name())
                .collect(Collectors.joining(" ")));
    }

    @Test
    void aFailureNamesTheRuleBothVersionsAndTheCure() {
        NeuronFacts facts = new NeuronFacts(NeuronVersion.of("2.26.0.0"), NeuronVersion.of("2.32.31.0"), null, false, false);
        NeuronRule.Result result = NeuronRules.evaluate(facts).get(2);
        assertEquals("rule runtime-2.32-driver failed: runtime 2.32 or newer needs a driver newer than 2.26; "
                + "found driver 2.26.0.0, runtime 2.32.31.0. Cure: upgrade aws-neuronx-dkms to 2.27 or newer, "
                + "or use a runtime (DLC) older than 2.32 (source: aws-neuron-sdk release-notes/components/runtime.rst "
                + "(runtime 2.32 / SDK 2.30 DLCs are not backward compatible with driver <= 2.26))", result.message());
        assertEquals("runtime-2.32-driver: not checked, runtime unknown", NeuronRules.evaluate(
                new NeuronFacts(NeuronVersion.of("2.26"), null, null, false, false)).get(2).message());
    }

    @Test
    void theStaleModuleMessageNamesTheFileOnDisk() {
        NeuronFacts facts = new NeuronFacts(NeuronVersion.of("2.28.0.0"), NeuronVersion.of("2.31.24.0"),
                new ModuleOnDisk("/lib/modules/6.1/updates/dkms/neuron.ko", NeuronVersion.of("2.30.2.0"), null), false, false);
        String message = NeuronRules.evaluate(facts).getLast().message();
        assertTrue(message.startsWith("rule stale-module failed: the loaded driver must not be older than the module "
                + "installed on disk; found driver 2.28.0.0, runtime 2.31.24.0, module on disk 2.30.2.0 "
                + "(/lib/modules/6.1/updates/dkms/neuron.ko). Cure: a process still holds the old module"), message);
    }

    @ParameterizedTest(name = "{0} vs {1}: {2}")
    @CsvSource({"2.24.7.0, 2.25, -1", "2.24, 2.24.0.0, 0", "2.26.9, 2.26.10, -1", "2.30.2.0-0a1b2c, 2.30.2, 0",
            "10.0, 9.99, 1", "2.33.10.0, 2.33, 1",
            "2.4294967296, 2.4294967295, 1"})
    void versionsCompareNumerically(String a, String b, int sign) {
        assertEquals(sign, Integer.signum(NeuronVersion.of(a).compareTo(NeuronVersion.of(b))));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {"2.24.7.0, 2.24.7.0", "' 2.30.2.0\n', 2.30.2.0", "2.26.x, 2.26", "2.026-rc1, 2.26",
            "abc, -", "'', -", "-2.26, -"})
    void versionsParseTheLeadingNumbers(String text, String expected) {
        NeuronVersion v = NeuronVersion.parse(text.replace("\\n", "\n"));
        assertEquals(expected, v == null ? null : v.toString());
    }
}
