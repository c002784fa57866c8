package dev.jaccel.hook.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The validator really applies the CDI schema: a valid spec passes, each kind of defect fails. */
class CdiSchemaTest {
    static final String VALID = """
            {"cdiVersion": "0.5.0", "kind": "nvidia.com/gpu",
             "devices": [{"name": "0", "containerEdits": {"deviceNodes": [{"path": "/dev/nvidia0", "hostPath": "/dev/nvidia0",
               "type": "c", "major": 195, "minor": 0}]}}],
             "containerEdits": {"env": ["NVIDIA_VISIBLE_DEVICES=void"],
               "mounts": [{"hostPath": "/usr/bin/nvidia-smi", "containerPath": "/usr/bin/nvidia-smi", "options": ["ro"]}],
               "hooks": [{"hookName": "createContainer", "path": "/bin/true", "env": ["PATH=/bin"]}]}}
            """;

    @Test
    void aValidSpecPasses() {
        assertEquals(List.of(), CdiSchema.errors(VALID));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no kind                  | \"kind\": \"nvidia.com/gpu\",                  | ",
            "no devices               | \"devices\": [                                 | \"devicez\": [",
            "device without edits     | \"name\": \"0\", \"containerEdits\"                | \"name\": \"0\", \"containerEditz\"",
            "device name not a string | \"name\": \"0\"                                  | \"name\": 0",
            "node without path        | {\"path\": \"/dev/nvidia0\",                      | {",
            "major not an integer     | \"major\": 195                                 | \"major\": \"195\"",
            "negative gid             | \"minor\": 0}                                  | \"minor\": 0, \"gid\": -1}",
            "mount without target     | \"containerPath\": \"/usr/bin/nvidia-smi\",      | ",
            "options not strings      | \"options\": [\"ro\"]                            | \"options\": [1]",
            "hook without path        | \"path\": \"/bin/true\",                         | ",
            "hook env not strings     | \"env\": [\"PATH=/bin\"]                         | \"env\": [7]",
            "edits not an object      | \"containerEdits\": {\"env\"                      | \"containerEdits\": [], \"x\": {\"env\"",
    })
    void eachDefectFails(String defect, String from, String to) {
        String broken = VALID.replace(from.strip(), to == null ? "" : to.strip());
        assertFalse(broken.equals(VALID), "the case must change the document: " + defect);
        assertFalse(CdiSchema.errors(broken).isEmpty(), defect + " passed:\n" + broken);
    }
}
