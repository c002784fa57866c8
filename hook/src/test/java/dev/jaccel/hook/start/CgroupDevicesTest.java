package dev.jaccel.hook.start;

import dev.jaccel.core.edits.DeviceNodeEdit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CgroupDevicesTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "12:devices:/docker/abc\\n1:name=systemd:/docker/abc\\n0::/ | /docker/abc",
            "5:cpu,devices:/kubepods/pod1/c1 | /kubepods/pod1/c1",
            "0::/system.slice/x.scope | -",
            "4:memory:/m\\n3:freezer:/f | -",
    })
    void devicesHierarchyIsFoundInProcPidCgroup(String cgroup, String expected) {
        assertEquals(Optional.ofNullable(expected), CgroupDevices.devicesCgroupPath(cgroup.replace("\\n", "\n")));
    }

    static final String MOUNTINFO = """
            25 30 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
            33 25 0:27 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
            40 33 0:34 / /sys/fs/cgroup/devices rw,nosuid,nodev,noexec,relatime shared:20 - cgroup cgroup rw,devices
            41 33 0:35 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:21 - cgroup cgroup rw,memory
            """;

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "/docker/abc | /sys/fs/cgroup/devices/docker/abc",
            "/ | /sys/fs/cgroup/devices",
    })
    void devicesDirectoryJoinsMountPointAndPath(String cgroupPath, String expected) {
        assertEquals(Optional.ofNullable(expected).map(Path::of), CgroupDevices.devicesDirectory(MOUNTINFO, cgroupPath));
    }

    @Test
    void nestedMountRootIsStripped() {
        String nested = "40 33 0:34 /docker/abc /sys/fs/cgroup/devices rw - cgroup cgroup rw,devices\n";
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/devices/c1")),
                CgroupDevices.devicesDirectory(nested, "/docker/abc/c1"));
        assertEquals(Optional.empty(), CgroupDevices.devicesDirectory("1 2 0:1 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n", "/x"));
    }

    /** cgroup v2 only: device rules are an eBPF program; the error names what to use instead. */
    @Test
    void cgroupV2IsRefusedNamingTheShimAndCdi(@org.junit.jupiter.api.io.TempDir Path proc) throws java.io.IOException {
        java.nio.file.Files.createDirectories(proc.resolve("42"));
        java.nio.file.Files.createDirectories(proc.resolve("self"));
        java.nio.file.Files.writeString(proc.resolve("42/cgroup"), "0::/system.slice/c1.scope\n");
        java.nio.file.Files.writeString(proc.resolve("self/mountinfo"),
                "30 25 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw\n");
        dev.jaccel.core.JaccelException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.jaccel.core.JaccelException.class, () -> CgroupDevices.of(proc, 42));
        assertEquals(3, e.exitCode().code());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("jaccel runtime")
                && e.getMessage().contains("jaccel cdi generate") && e.getMessage().contains("eBPF"), e.getMessage());
    }

    @Test
    void ruleIsTypeMajorMinorAccess() {
        assertEquals("c 195:3 rwm", CgroupDevices.rule(DeviceNodeEdit.charDevice("/dev/nvidia3", "/dev/nvidia3", 195, 3)));
    }
}
