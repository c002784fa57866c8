package dev.jaccel.core.json;

import dev.jaccel.core.edits.ContainerEdits;
import dev.jaccel.core.edits.DeviceNodeEdit;
import dev.jaccel.core.edits.HookEdit;
import dev.jaccel.core.edits.MountEdit;
import dev.jaccel.core.edits.Plan;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PlanJsonTest {
    @Test
    void nothingIsAnEmptySelectionAndNoEdits() {
        assertEquals("{\"selected\":[],\"containerEdits\":{}}", PlanJson.toJson(Plan.NOTHING, false));
    }

    @Test
    void writesCdiFieldNames() {
        Plan p = new Plan(List.of("GPU-1"), new ContainerEdits(List.of("A=1"),
                List.of(DeviceNodeEdit.charDevice("/dev/nvidia0", "/host/dev/nvidia0", 195, 0)),
                List.of(new MountEdit("/host/lib/libcuda.so.1.2", "/lib/libcuda.so.1.2", List.of("ro", "bind"))),
                List.of(new HookEdit("createContainer", "/usr/bin/jaccel", List.of("jaccel", "hook"),
                        List.of("PATH=/bin")))), List.of("a warning"));
        assertEquals("{\"selected\":[\"GPU-1\"],\"containerEdits\":{\"env\":[\"A=1\"],"
                + "\"deviceNodes\":[{\"path\":\"/dev/nvidia0\",\"hostPath\":\"/host/dev/nvidia0\",\"type\":\"c\","
                + "\"major\":195,\"minor\":0}],"
                + "\"mounts\":[{\"hostPath\":\"/host/lib/libcuda.so.1.2\",\"containerPath\":\"/lib/libcuda.so.1.2\","
                + "\"options\":[\"ro\",\"bind\"]}],"
                + "\"hooks\":[{\"hookName\":\"createContainer\",\"path\":\"/usr/bin/jaccel\",\"args\":[\"jaccel\",\"hook\"],"
                + "\"env\":[\"PATH=/bin\"]}]}}", PlanJson.toJson(p, false));
    }
}
