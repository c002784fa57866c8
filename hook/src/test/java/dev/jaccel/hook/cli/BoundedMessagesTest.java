package dev.jaccel.hook.cli;

import dev.jaccel.core.Messages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 5 MB input (an image's env value, a flag) never comes back as a 5 MB stderr line: every
 * operator command quotes it bounded and on one line ({@link Messages}).
 */
class BoundedMessagesTest {
    /** Replaced by 5 MiB of the character that follows it ({@code ~}: DEL, a control character). */
    static final String HUGE = "HUGE";

    @TempDir
    Path tmp;
    Path inventory;

    @BeforeEach
    void inventory() throws IOException {
        FakeGpuHost host = new FakeGpuHost(tmp.resolve("host"));
        inventory = host.writeInventory(tmp.resolve("inventory.json"));
    }

    static String expand(String arg) {
        int at = arg.indexOf(HUGE);
        if (at < 0) {
            return arg;
        }
        char fill = arg.charAt(at + HUGE.length()) == '~' ? '\u007f' : arg.charAt(at + HUGE.length());
        return arg.substring(0, at) + String.valueOf(fill).repeat(5 << 20) + arg.substring(at + HUGE.length() + 1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // arguments after `plan --inventory INV` or as they are (blank-separated; HUGEc: 5 MiB of c) | exit | stderr starts with
            "plan --env NVIDIA_VISIBLE_DEVICES=HUGEx                         | 2 | jaccel: NVIDIA_VISIBLE_DEVICES: 'xxxx",
            "plan --env NVIDIA_VISIBLE_DEVICES=GPU-HUGEa                     | 3 | jaccel: device error: GPU-aaaa",
            "plan --env NVIDIA_VISIBLE_DEVICES=MIG-HUGE~                     | 2 | jaccel: NVIDIA_VISIBLE_DEVICES: 'MIG-\\x7f\\x7f",
            "plan --env NVIDIA_VISIBLE_DEVICES=0 --env NVIDIA_REQUIRE_CUDA=cuda>=HUGE1. | 2 | jaccel: invalid expression in NVIDIA_REQUIRE_CUDA='cuda>=1111",
            "plan --env NVIDIA_VISIBLE_DEVICES=0 --env NVIDIA_REQUIRE_HUGEX=cuda>=1.x | 2 | jaccel: invalid expression in NVIDIA_REQUIRE_XXXX",
            "plan --env NVIDIA_VISIBLE_DEVICES=0 --env NVIDIA_DRIVER_CAPABILITIES=HUGEz | 2 | jaccel: NVIDIA_DRIVER_CAPABILITIES='zzzz",
            "plan --env AWS_NEURON_VISIBLE_DEVICES=HUGE7                     | 2 | jaccel: AWS_NEURON_VISIBLE_DEVICES='7777",
            "plan --env NEURON_RT_VISIBLE_CORES=HUGE-                        | 2 | jaccel: NEURON_RT_VISIBLE_CORES='----",
            "plan --env HUGEk                                                | 2 | jaccel: --env 'kkkk",
            "cdi generate --vendor HUGEv                                     | 2 | jaccel: Invalid value for option '--vendor'",
            "hooks-config --jaccel /j --annotation (?=HUGEa                  | 2 | jaccel: --annotation '(?=aaaa",
            "hooks-config --jaccel /j --host-root HUGEr                      | 2 | jaccel: --host-root 'rrrr",
    })
    void aHugeInputIsQuotedBoundedOnOneLine(String args, int exit, String start) {
        List<String> argv = new ArrayList<>(Arrays.stream(args.split(" ")).map(BoundedMessagesTest::expand).toList());
        if (argv.getFirst().equals("plan")) {
            argv.addAll(1, List.of("--inventory", inventory.toString()));
        }
        // and quickly: a huge input must not cost more than reading it (a quadratic parse took 15 minutes)
        Cli r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Cli.run(argv.toArray(String[]::new)));
        assertEquals(exit, r.exit(), r.err().substring(0, Math.min(500, r.err().length())));
        assertEquals("", r.out());
        assertTrue(r.err().startsWith(start), r.err().substring(0, Math.min(500, r.err().length())));
        List<String> lines = r.err().lines().toList();
        assertTrue(lines.size() <= 2, "one line (picocli adds a 'Try --help' line): " + lines.size());
        for (String line : lines) {
            assertTrue(line.length() <= Messages.MESSAGE_LIMIT + 64, "a line of " + line.length() + " characters");
        }
        assertTrue(lines.getFirst().contains(" more characters]"), "says how much was left out");
    }
}
