package dev.jaccel.hook.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NewCommandsHelpTest {
    @ParameterizedTest
    @CsvSource({
            // command words, an option its help must document
            "inventory refresh, --output",
            "cdi generate,      --output-dir",
            "cdi generate,      --inventory",
            "hooks-config,      --annotation",
            "hooks-config,      --always",
            "serve,             --socket",
    })
    void helpExitsZeroAndDocumentsTheOptions(String command, String option) {
        String[] words = (command + " --help").split(" ");
        Cli r = Cli.run(words);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Usage: jaccel " + command), r.out());
        assertTrue(r.out().contains(option), r.out());
    }

    @ParameterizedTest
    @CsvSource({"--set-as-default", "--dry-run", "--config"})
    void runtimeConfigureHelp(String option) {
        Cli r = Cli.runtimeConfigure("--help");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Usage: jaccel runtime configure"), r.out());
        assertTrue(r.out().contains(option), r.out());
    }
}
