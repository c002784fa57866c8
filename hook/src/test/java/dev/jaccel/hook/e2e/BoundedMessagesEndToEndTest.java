package dev.jaccel.hook.e2e;

import dev.jaccel.core.Messages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An image whose env holds a 5 MB value (config.json carries it; execve would not) gets one short
 * line from the shim under real runc, quickly, and its spec is left as it was.
 */
class BoundedMessagesEndToEndTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void prerequisites() {
        Jaccel.assumeEndToEnd();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // the image's env entries (HUGE: 5 MiB of 'f') | exit | stderr starts with
            "NVIDIA_VISIBLE_DEVICES=GPU-HUGE                                   | 3 | jaccel runtime: device error: GPU-ffff",
            "NVIDIA_VISIBLE_DEVICES=0;NVIDIA_REQUIRE_CUDA=cuda>=1HUGE.         | 2 | jaccel runtime: invalid expression in NVIDIA_REQUIRE_CUDA='cuda>=1fff",
            "AWS_NEURON_VISIBLE_DEVICES=HUGE                                   | 2 | jaccel runtime: AWS_NEURON_VISIBLE_DEVICES='ffff",
    })
    void aHugeEnvValueComesBackAsOneShortLine(String env, int exit, String start) throws IOException {
        FaultyHost host = FaultyHost.create(tmp.resolve("host"), "inf2");
        Bundle b = Bundle.create(tmp.resolve("bundle"), "echo started")
                .env(env.replace("HUGE", "f".repeat(5 << 20)).split(";"));
        byte[] config = b.configBytes();
        Path runcRoot = Files.createDirectories(tmp.resolve("runc"));
        Jaccel.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> host.shimRun(runcRoot, b, "bounded"));
        String head = r.err().substring(0, Math.min(400, r.err().length()));
        assertEquals(exit, r.exit(), head);
        assertEquals("", r.out(), head);
        assertTrue(r.err().startsWith(start), head);
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), head);
        assertTrue(lines.getFirst().length() < Messages.MESSAGE_LIMIT + 64, "a line of " + lines.getFirst().length());
        assertArrayEquals(config, b.configBytes(), "the refused spec is left as it was");
    }
}
