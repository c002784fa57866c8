package dev.jaccel.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NeuronHostFixtureTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}: {1} devices of {2} cores, {3} major {4}")
    @CsvSource({
            "inf1, 4, 4, Inferentia, 245, 2.24.7.0",
            "inf2, 6, 2, Inferentia2, 244, 2.28.0.0",
            "trn1-32xl, 16, 2, Trainium1, 238, 2.29.0.0",
            "trn2, 16, 8, Trainium2, 511, 2.30.2.0",
    })
    void profilesLayOutNodesSysfsAndDriver(String profile, int devices, int cores, String name, int major,
                                          String driver) throws Exception {
        HostTree tree = HostTree.at(dir);
        NeuronHostFixture.layOutProfile(profile, tree);
        try (var nodes = Files.list(tree.path("/dev"))) {
            assertEquals(devices, nodes.count());
        }
        String last = "/sys/devices/virtual/neuron_device/neuron" + (devices - 1) + "/";
        assertEquals(Integer.toString(cores), Files.readString(tree.path(last + "core_count")), "no newline, as the driver");
        assertEquals(name + "\n", Files.readString(tree.path(last + "info/architecture/device_name")));
        assertEquals(major + ":" + (devices - 1) + "\n", Files.readString(tree.path(last + "dev")));
        assertEquals(driver + "\n", Files.readString(tree.path("/sys/module/neuron/version")));
        assertTrue(Files.readString(tree.path("/proc/devices")).contains(major + " neuron\n"));
        assertTrue(NeuronHostFixture.nrtConfig(profile).contains("\"instanceInfo\""));
        if (tree.realDeviceNodes()) {
            long rdev = ((Number) Files.getAttribute(tree.path("/dev/neuron" + (devices - 1)), "unix:rdev")).longValue();
            assertEquals(HostTree.makedev(major, devices - 1), rdev);
        }
    }

    @Test
    void trn1DeviceZeroHasTheTorusNeighboursOfTheSysfsGuide() throws Exception {
        HostTree tree = HostTree.at(dir);
        NeuronHostFixture.layOutProfile("trn1-32xl", tree);
        assertEquals("12, 3, 4, 1\n", Files.readString(
                tree.path("/sys/devices/virtual/neuron_device/neuron0/connected_devices")));
    }

    @Test
    void optionsOfTheDescription() throws Exception {
        HostTree tree = HostTree.at(dir).file("/proc/devices",
                "Character devices:\n195 nvidia\n\nBlock devices:\n  8 sd\n");
        NeuronHostFixture.layOut("""
                {"driver": {"version": "2.24.7.0", "major": 240},
                 "logicalNcConfig": "NEURON_LOGICAL_NC_CONFIG=1",
                 "deviceDefaults": {"coreCount": 2, "archType": "NDv2", "instanceType": "Trn1", "deviceName": "Trainium1"},
                 "devices": [{"index": 0, "unreadable": ["core_count"]},
                             {"index": 1, "node": false, "serial": "00000000000000ab"}]}
                """, tree);
        assertEquals("Character devices:\n195 nvidia\n240 neuron\n\nBlock devices:\n  8 sd\n",
                Files.readString(tree.path("/proc/devices")), "the NVIDIA lines are kept");
        assertTrue(Files.isDirectory(tree.path("/sys/devices/virtual/neuron_device/neuron0/core_count")));
        assertFalse(Files.exists(tree.path("/dev/neuron1")));
        assertFalse(Files.exists(tree.path("/sys/devices/virtual/neuron_device/neuron0/info/serial_number")));
        assertEquals("00000000000000ab\n", Files.readString(
                tree.path("/sys/devices/virtual/neuron_device/neuron1/info/serial_number")));
        assertEquals("\n", Files.readString(tree.path("/sys/devices/virtual/neuron_device/neuron1/connected_devices")));
        assertEquals("NEURON_LOGICAL_NC_CONFIG=1\n", Files.readString(tree.path("/opt/aws/neuron/logical_nc_config")));
        assertFalse(Files.exists(tree.path("/lib/modules")), "no moduleOnDisk, no module file");
    }
}
