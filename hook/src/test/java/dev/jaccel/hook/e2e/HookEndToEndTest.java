package dev.jaccel.hook.e2e;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jaccel hook <stage>} registered in config.json and run by real runc. */
class HookEndToEndTest {
    static final List<String> HOOK_ENV = List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

    @TempDir
    Path tmp;
    Path runcRoot;

    @BeforeEach
    void prerequisites() throws IOException {
        Jaccel.assumeEndToEnd();
        runcRoot = Files.createDirectories(tmp.resolve("runc-state"));
    }

    Jaccel.Result runcRun(Bundle b, String id) {
        return Jaccel.exec(List.of("runc", "--root", runcRoot.toString(), "run", "--bundle", b.dir.toString(), id),
                Map.of(), new byte[0]);
    }

    List<String> hook(String stage, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of(Jaccel.LAUNCHER.toString(), "hook", stage));
        args.addAll(List.of(extra));
        return args;
    }

    /** Every stage registered on a container that asks for nothing: it starts as without hooks. */
    @Test
    void plainContainerWithEveryStageRegisteredStarts() {
        Bundle b = Bundle.create(tmp.resolve("plain"), "ls /dev");
        for (String stage : List.of("prestart", "createRuntime", "createContainer", "poststart", "poststop")) {
            b.hook(stage, hook(stage), HOOK_ENV);
        }
        byte[] before = b.configBytes();
        Jaccel.Result r = runcRun(b, "hooks-plain");
        assertEquals(0, r.exit(), r.both());
        assertTrue(r.out().contains("null\n"), r.both());
        assertTrue(r.err().isEmpty(), "hooks are silent on success: " + r.err());
        assertArrayEquals(before, b.configBytes());
    }

    /** A failing hook stops the start; the runtime reports jaccel's one line. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "createContainer --link relative/libcuda.so | unexpected argument '--link': a hook takes its stage only",
            "bogus | unknown hook stage 'bogus'"})
    void failingHookStopsTheStartWithItsMessage(String args, String message) {
        Bundle b = Bundle.create(tmp.resolve("fail"), "echo started");
        List<String> a = new java.util.ArrayList<>(List.of(Jaccel.LAUNCHER.toString(), "hook"));
        a.addAll(List.of(args.split(" ")));
        b.hook("createRuntime", a, HOOK_ENV);
        Jaccel.Result r = runcRun(b, "hooks-fail");
        assertTrue(r.exit() != 0, r.both());
        assertTrue(!r.out().contains("started"), r.both());
        assertTrue(r.err().contains(message), r.both());
    }

    /** Run directly, a hook with a malformed state says so in one line and exits 2. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not json | OCI state on stdin: not JSON",
            "{\"id\":\"x\"} | OCI state on stdin: \"bundle\" must be an absolute path",
            "{\"id\":\"x\",\"bundle\":\"/nonexistent-bundle\",\"pid\":1} | /nonexistent-bundle/config.json: cannot read"})
    void malformedStateIsRefusedInOneLine(String state, String message) {
        Jaccel.Result r = Jaccel.run(List.of("hook", "prestart"), Map.of(), state.getBytes(StandardCharsets.UTF_8));
        assertEquals(2, r.exit(), r.both());
        assertEquals(1, r.err().lines().count(), r.both());
        assertTrue(r.err().startsWith("jaccel hook prestart: " + message), r.both());
    }
}
