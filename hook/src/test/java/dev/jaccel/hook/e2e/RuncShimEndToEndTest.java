package dev.jaccel.hook.e2e;

import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.oci.OciSpec;
import dev.jaccel.core.oci.SpecEditor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bin/jaccel runtime} in front of real runc, with busybox containers. */
class RuncShimEndToEndTest {
    /** /dev/kmsg: harmless to open write-only, and not among the devices runc allows by default. */
    static final int KMSG_MAJOR = 1;
    static final int KMSG_MINOR = 11;

    @TempDir
    Path tmp;
    Path runcRoot;

    @BeforeEach
    void prerequisites() throws IOException {
        Jaccel.assumeEndToEnd();
        runcRoot = Files.createDirectories(tmp.resolve("runc-state"));
    }

    Jaccel.Result runtimeRun(Bundle b, String id, Map<String, String> env) {
        return Jaccel.run(List.of("runtime", "--root", runcRoot.toString(), "--log-format", "text", "run",
                "--bundle", b.dir.toString(), id), env, new byte[0]);
    }

    @Test
    void plainContainerIsUnaffected() {
        Bundle b = Bundle.create(tmp.resolve("plain"), "ls /dev; env | sort");
        byte[] before = b.configBytes();
        Jaccel.Result shim = runtimeRun(b, "plain-shim", Map.of());
        Jaccel.Result runc = Jaccel.exec(List.of("runc", "--root", runcRoot.toString(), "run", "--bundle",
                b.dir.toString(), "plain-runc"), Map.of(), new byte[0]);
        assertEquals(0, shim.exit(), shim.both());
        assertEquals(runc.out(), shim.out(), "same devices and env as plain runc");
        assertTrue(shim.out().contains("PATH=/usr/local/sbin"), shim.both());
        assertArrayEquals(before, b.configBytes(), "config.json untouched");
    }

    /**
     * The runtime's exit status and streams come through unchanged, on the no-JVM path and on the
     * JVM path (a spec mentioning nvidia.com anywhere goes through the JVM, which then execs runc).
     */
    @ParameterizedTest
    @ValueSource(strings = {"launcher", "jvm"})
    void exitStatusAndStreamsAreTheRuntimes(String path) {
        Bundle b = Bundle.create(tmp.resolve(path), "echo to-stdout; echo to-stderr >&2; exit 7");
        if (path.equals("jvm")) {
            b.spec().put("hostname", "gpu.nvidia.com");
            b.write();
        }
        byte[] before = b.configBytes();
        Jaccel.Result r = runtimeRun(b, "status-" + path, Map.of());
        assertEquals(7, r.exit(), r.both());
        assertEquals("to-stdout\n", r.out());
        assertEquals("to-stderr\n", r.err());
        assertArrayEquals(before, b.configBytes(), "nothing requested: config.json untouched");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"ociVersion\":\"1.0.2\",\"process\":{\"env\":\"NVIDIA_VISIBLE_DEVICES=all\"}}",
            "{\"ociVersion\":\"1.0.2\",\"process\":{\"env\":[\"NVIDIA_VISIBLE_DEVICES=all\"]},}",
            "{\"ociVersion\":\"1.0.2\",\"linux\":{\"devices\":{}},\"process\":{\"env\":[\"CUDA_VERSION=12.4\"]}}",
            // an env entry without '=': runc would refuse the spec after the edit, so jaccel refuses it first
            "{\"ociVersion\":\"1.0.2\",\"process\":{\"env\":[\"NVIDIA_VISIBLE_DEVICES=all\",\"NOEQUALS\"]}}",
            // a byte-order mark, which runc's JSON reader refuses too
            "\uFEFF{\"ociVersion\":\"1.0.2\",\"process\":{\"env\":[\"NVIDIA_VISIBLE_DEVICES=all\"]}}"})
    void malformedSpecIsRefusedWithOneLineAndLeftUnchanged(String config) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Path file = dir.resolve("config.json");
        Files.writeString(file, config);
        Jaccel.Result r = Jaccel.run(List.of("runtime", "--root", runcRoot.toString(), "create", "--bundle",
                dir.toString(), "bad"), Map.of(), new byte[0]);
        assertEquals(2, r.exit(), r.both());
        assertEquals(1, r.err().lines().count(), r.both());
        assertTrue(r.err().startsWith("jaccel runtime: " + file + ": "), r.both());
        assertEquals(config, Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * The spec edits give the container the node and its cgroup rule: the same device node opens
     * where jaccel's edits added it and is refused (EPERM from the devices cgroup) where only the
     * node exists without a rule.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void cgroupRuleFromTheEditsDecidesWhetherANodeOpens(boolean selected) {
        String script = ": > /dev/nvidia0 && echo opened";
        Bundle b = Bundle.create(tmp.resolve("cg-" + selected), script);
        if (selected) {
            OciSpec spec = OciSpec.parse(b.configBytes(), "config.json");
            SpecEditor.apply(spec, new ContainerEdits(List.of(), List.of(DeviceNodeEdit.charDevice("/dev/nvidia0",
                    "/dev/kmsg", KMSG_MAJOR, KMSG_MINOR)), List.of(), List.of()));
            try {
                Files.write(b.dir.resolve("config.json"), spec.toBytes());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        } else {
            b.nodeWithoutRule("/dev/nvidia0", KMSG_MAJOR, KMSG_MINOR);
        }
        Jaccel.Result r = runtimeRun(b, "cg-" + selected, Map.of());
        if (selected) {
            assertEquals(0, r.exit(), r.both());
            assertEquals("opened\n", r.out());
        } else {
            assertEquals(1, r.exit(), r.both());
            assertTrue(r.err().contains("Operation not permitted"), r.both());
        }
    }
}
