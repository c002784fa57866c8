package dev.jaccel.core.caps;

import dev.jaccel.core.fixtures.TestHosts;
import dev.jaccel.core.model.DeviceNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** uvm only with compute (or video), modeset only with display (docs/nvidia-container-semantics.md §3 step 8). */
class ControlNodesTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "utility | /dev/nvidiactl",
            "compute | /dev/nvidiactl /dev/nvidia-uvm /dev/nvidia-uvm-tools",
            "video | /dev/nvidiactl /dev/nvidia-uvm /dev/nvidia-uvm-tools",
            "display | /dev/nvidiactl /dev/nvidia-modeset",
            "graphics | /dev/nvidiactl",
            "compute,display | /dev/nvidiactl /dev/nvidia-uvm /dev/nvidia-uvm-tools /dev/nvidia-modeset",
    })
    void selectsByCapability(String caps, String expected) {
        List<DeviceNode> nodes = ControlNodes.select(TestHosts.controlNodes(),
                DriverCapability.parseSupported(caps, "test"));
        assertEquals(List.of(expected.split(" ")), nodes.stream().map(DeviceNode::path).toList());
    }
}
