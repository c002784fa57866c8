package dev.jaccel.hook.oci;

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

    /** What the createContainer stage derives from the driver-file mounts of a plan. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // mounts | ldconfig dirs | libcuda.so links
            "/usr/lib/x86_64-linux-gnu/libcuda.so.580.95.05 /usr/lib/x86_64-linux-gnu/libnvidia-ml.so.580.95.05"
                    + " | /usr/lib/x86_64-linux-gnu | /usr/lib/x86_64-linux-gnu/libcuda.so",
            "/usr/lib64/libnvidia-ml.so.550.54.15 /usr/bin/nvidia-smi | /usr/lib64 | -",
            "/usr/bin/nvidia-smi /run/nvidia-persistenced/socket /lib/firmware/nvidia/580.95.05/gsp_ga10x.bin | - | -",
            "/usr/lib/x86_64-linux-gnu/vdpau/libvdpau_nvidia.so.580.95.05 /usr/lib/x86_64-linux-gnu/libcuda.so.1"
                    + " | /usr/lib/x86_64-linux-gnu/vdpau /usr/lib/x86_64-linux-gnu | -",
    })
    void ldconfigDirectoriesAndLinksComeFromLibraryMounts(String paths, String dirs, String links) {
        List<MountEdit> m = mounts(paths);
        assertEquals(dirs == null ? List.of() : List.of(dirs.split(" ")), List.copyOf(HookActions.libraryDirectories(m)));
        assertEquals(links == null ? List.of() : List.of(links.split(" ")), HookActions.libcudaLinks(m));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"ro nosuid nodev bind | 7", "nosuid nodev noexec rbind rprivate | 14", "bind | 0"})
    void remountFlagsFollowTheOptions(String options, long flags) {
        assertEquals(flags, HookActions.flags(List.of(options.split(" "))));
    }
}
