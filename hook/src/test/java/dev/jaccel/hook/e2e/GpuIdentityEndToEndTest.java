package dev.jaccel.hook.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A GPU or MIG device whose UUID NVML will not give (nvmlDeviceGetUUID: NO_PERMISSION) fails the
 * NVIDIA inventory on every path, as libnvidia-container and nvidia-ctk do: {@code plan}, a
 * container start through the shim and through the prestart hook, {@code cdi generate} and
 * {@code check} exit 4 with one line naming the device and the NVML error; no {@code null} id is
 * printed or written anywhere. Real runc, the fake NVML through {@code bin/jaccel}.
 */
class GpuIdentityEndToEndTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void prerequisites() {
        Jaccel.assumeEndToEnd();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // the device whose UUID is refused (GPU index, MIG index or -1) | how the message names it
            "2 | -1 | GPU 2 (00000000:3A:00.0)",
            "1 |  0 | MIG device 1:0",
    })
    void aDeviceWithoutItsUuidFailsEveryPathWithExitFour(int gpu, int mig, String named) throws IOException {
        FaultyHost host = FaultyHost.create(tmp.resolve("host"), null);
        Path cdi = tmp.resolve("cdi");
        assertEquals(0, host.jaccel("cdi", "generate", "--output-dir", cdi.toString()).exit());
        byte[] spec = Files.readAllBytes(cdi.resolve("jaccel-nvidia.json"));
        Files.delete(host.snapshot);  // container starts discover, as after a reboot
        if (mig < 0) {
            host.deviceError(gpu, "nvmlDeviceGetUUID", "NO_PERMISSION");
        } else {
            host.nvml(c -> ((ObjectNode) c.get("devices").get(gpu).get("migDevices").get(mig))
                    .withObjectProperty("errors").put("nvmlDeviceGetUUID", "NO_PERMISSION"));
        }
        String reason = named + ": its UUID cannot be read (nvmlDeviceGetUUID: NO_PERMISSION (4): Insufficient "
                + "Permissions), so its devices cannot be selected or described; run as root or give this user "
                + "access to /dev/nvidia*";

        List<Jaccel.Result> failures = new ArrayList<>();
        failures.add(host.jaccel("plan", "--env", "NVIDIA_VISIBLE_DEVICES=0"));
        failures.add(host.jaccel("plan", "--env", "NVIDIA_VISIBLE_DEVICES=all"));
        failures.add(host.jaccel("cdi", "generate", "--output-dir", cdi.toString()));
        Bundle shim = Bundle.create(tmp.resolve("shim"), "echo started").env("NVIDIA_VISIBLE_DEVICES=0");
        byte[] config = shim.configBytes();
        Path runcRoot = Files.createDirectories(tmp.resolve("runc"));
        failures.add(host.shimRun(runcRoot, shim, "uuid-shim"));
        failures.add(host.jaccel("check"));
        for (Jaccel.Result r : failures) {
            assertEquals(4, r.exit(), r.both());
            assertTrue(r.out().isEmpty() || r.out().startsWith("nvidia driver: FAIL "), r.both());
            // one line (plan adds its note on where the inventory came from)
            assertEquals(1, r.err().lines().filter(l -> !l.startsWith("jaccel: note: ")).count(), r.both());
            assertTrue(r.err().contains(reason), r.both());
            assertFalse(r.err().contains("NullPointerException") || r.err().contains("internal error"), r.both());
        }
        assertArrayEquals(config, shim.configBytes(), "the refused spec is left as it was");
        assertArrayEquals(spec, Files.readAllBytes(cdi.resolve("jaccel-nvidia.json")), "the spec of the last good run is kept");

        // hook mode: runc refuses to start the container, with jaccel's line
        Bundle hooked = Bundle.create(tmp.resolve("hook"), "echo started").env("NVIDIA_VISIBLE_DEVICES=0")
                .jaccelPrestartHook(host.env);
        Jaccel.Result hook = Jaccel.exec(List.of("runc", "--root", runcRoot.toString(), "run", "--bundle",
                hooked.dir.toString(), "uuid-hook-" + ProcessHandle.current().pid()), java.util.Map.of(), new byte[0]);
        assertNotEquals(0, hook.exit(), hook.both());
        assertFalse(hook.out().contains("started"), hook.both());
        assertTrue(hook.err().contains(reason), hook.both());
        assertFalse(hook.err().contains("NullPointerException"), hook.both());

        // the inventory document says why, with no null id in it
        Jaccel.Result devices = host.jaccel("devices", "--json");
        assertTrue(devices.out().startsWith("{\"nvidia\":null,"), devices.both());
        assertTrue(devices.out().contains(reason), devices.both());
        assertFalse(devices.out().contains("\"uuid\":null"), devices.both());
    }
}
