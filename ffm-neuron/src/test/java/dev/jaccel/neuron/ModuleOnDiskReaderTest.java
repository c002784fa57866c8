package dev.jaccel.neuron;

import dev.jaccel.core.require.ModuleOnDisk;
import dev.jaccel.core.require.NeuronVersion;
import dev.jaccel.core.spi.HostContext;
import dev.jaccel.testkit.HostTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ModuleOnDiskReaderTest {
    @TempDir
    Path dir;

    @Test
    void theModuleIsFoundThroughModulesDep() throws Exception {
        HostTree tree = HostTree.at(dir).file("/proc/sys/kernel/osrelease", "6.1.0-test\n")
                .file("/lib/modules/6.1.0-test/modules.dep", "kernel/fs/x.ko:\nextra/aws/neuron.ko: kernel/y.ko\n")
                .file("/lib/modules/6.1.0-test/extra/aws/neuron.ko", "\u007fELF\0\0license=GPL\0version=2.26.5.0\0srcversion=ABC\0");
        ModuleOnDisk m = ModuleOnDiskReader.find(HostContext.ofRoot(tree.root()));
        assertEquals("/lib/modules/6.1.0-test/extra/aws/neuron.ko", m.path());
        assertEquals(NeuronVersion.of("2.26.5.0"), m.version());
        assertNull(m.note());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', nullValues = "-", value = {
            "updates/dkms/neuron.ko; '\0srcversion=1.2\0version=2.24.7.0\0'; 2.24.7.0; -",
            "extra/neuron.ko; '\0version=2.30.2.0\0'; 2.30.2.0; -",
            "updates/dkms/neuron.ko; '\0license=GPL\0'; -; /lib/modules/k/updates/dkms/neuron.ko has no version= in its modinfo",
            "updates/dkms/neuron.ko.xz; 'xz'; -; /lib/modules/k/updates/dkms/neuron.ko.xz is compressed: its version was not read",
    })
    void withoutModulesDepTheDkmsFoldersAreSearched(String file, String content, String version, String note) {
        HostTree tree = HostTree.at(dir).file("/proc/sys/kernel/osrelease", "k\n")
                .file("/lib/modules/k/" + file, content);
        ModuleOnDisk m = ModuleOnDiskReader.find(HostContext.ofRoot(tree.root()));
        assertEquals("/lib/modules/k/" + file, m.path());
        assertEquals(version, m.version() == null ? null : m.version().toString());
        assertEquals(note, m.note());
    }

    @Test
    void noKernelReleaseOrNoModuleIsNoModule() throws Exception {
        assertNull(ModuleOnDiskReader.find(HostContext.ofRoot(dir)));
        Files.createDirectories(dir.resolve("proc/sys/kernel"));
        Files.writeString(dir.resolve("proc/sys/kernel/osrelease"), "k\n");
        assertNull(ModuleOnDiskReader.find(HostContext.ofRoot(dir)));
    }
}
