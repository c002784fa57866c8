package dev.jaccel.hook.start;

import dev.jaccel.core.edits.MountEdit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HookActionsTest {
    static List<MountEdit> mounts(String paths) {
        return Arrays.stream(paths.split(" ")).map(p -> new MountEdit("/host" + p, p, MountEdit.DRIVER_FILE_OPTIONS)).toList();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"ro nosuid nodev bind | 7", "nosuid nodev noexec rbind rprivate | 14", "bind | 0"})
    void remountFlagsFollowTheOptions(String options, long flags) {
        assertEquals(flags, HookActions.flags(List.of(options.split(" "))));
    }
}
