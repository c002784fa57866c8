package dev.jaccel.core.select;

import dev.jaccel.core.ExitCode;
import dev.jaccel.core.JaccelException;
import dev.jaccel.core.model.DeviceNode;
import dev.jaccel.core.spi.HostContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NVIDIA_MIG_CONFIG_DEVICES / NVIDIA_MIG_MONITOR_DEVICES gating (docs/nvidia-container-semantics.md §1.3, §1.5). */
class MigControlTest {
    @ParameterizedTest(name = "{0}={1} privileged={2} specific={3} -> {4}")
    @CsvSource(delimiter = '|', nullValues = "~", value = {
            "CONFIG | ~ | false | false | no",
            "CONFIG | '' | false | false | no",
            "CONFIG | all | true | false | yes",
            "MONITOR | all | true | false | yes",
            "CONFIG | all | false | false | cannot set MIG_CONFIG_DEVICES in non privileged container",
            "MONITOR | all | false | false | cannot set MIG_MONITOR_DEVICES in non privileged container",
            "CONFIG | mig0,mig1 | true | false | NVIDIA_MIG_CONFIG_DEVICES='mig0,mig1': only 'all' devices are currently supported",
            "CONFIG | all | true | true | cannot enable mig-config with specific MIG devices selected",
            "MONITOR | all | true | true | cannot enable mig-monitor with specific MIG devices selected",
    })
    void gates(MigControl control, String value, boolean privileged, boolean specific, String expected) {
        Map<String, String> env = value == null ? Map.of() : Map.of(control.variable(), value);
        if (expected.equals("yes") || expected.equals("no")) {
            assertEquals(expected.equals("yes"), control.requested(env, privileged, specific));
            return;
        }
        JaccelException e = assertThrows(JaccelException.class, () -> control.requested(env, privileged, specific));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }

    @Test
    void nodesComeFromMigMinorsAndProcDevices(@TempDir Path root) throws IOException {
        HostContext host = HostContext.ofRoot(root);
        assertEquals(Optional.empty(), MigControl.CONFIG.node(host));
        Files.createDirectories(host.host("/proc/driver/nvidia-caps"));
        Files.writeString(host.host("/proc/devices"), "Character devices:\n  1 mem\n195 nvidia\n509 nvidia-caps\n"
                + "\nBlock devices:\n  8 sd\n");
        Files.writeString(host.host("/proc/driver/nvidia-caps/mig-minors"),
                "config 1\nmonitor 2\ngpu0/gi0/access 3\ngpu0/gi0/ci0/access 4\n");
        assertEquals(Optional.of(new DeviceNode("/dev/nvidia-caps/nvidia-cap1",
                host.host("/dev/nvidia-caps/nvidia-cap1").toString(), 509, 1)), MigControl.CONFIG.node(host));
        assertEquals(2, MigControl.MONITOR.node(host).orElseThrow().minor());
        Files.writeString(host.host("/proc/devices"), "Character devices:\n195 nvidia\nBlock devices:\n509 nvidia-caps\n");
        assertFalse(MigControl.CONFIG.node(host).isPresent(), "a block major is not the caps major");
    }
}
