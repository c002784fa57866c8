package dev.jaccel.neuron;

import dev.jaccel.core.require.ModuleOnDisk;
import dev.jaccel.core.require.NeuronVersion;
import dev.jaccel.core.spi.HostContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds the neuron kernel module installed for the running kernel, as {@code modinfo neuron} would:
 * the kernel release from {@code /proc/sys/kernel/osrelease}, the module's path from
 * {@code /lib/modules/<release>/modules.dep} (else the DKMS folders {@code updates/dkms} and
 * {@code extra}), and its {@code version=} from the module's {@code .modinfo} strings. What it is
 * for: {@link ModuleOnDisk}.
 */
public final class ModuleOnDiskReader {
    private static final List<String> NAMES = List.of("neuron.ko", "neuron.ko.xz", "neuron.ko.zst", "neuron.ko.gz");
    private static final List<String> DKMS_DIRS = List.of("updates/dkms", "extra", "updates");
    private static final byte[] KEY = "\0version=".getBytes(StandardCharsets.US_ASCII);

    private ModuleOnDiskReader() {
    }

    /** The module of the running kernel under the host root; {@code null} when none is installed. */
    public static ModuleOnDisk find(HostContext host) {
        String release;
        try {
            release = Files.readString(host.host("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return null;
        }
        String base = "/lib/modules/" + release + "/";
        String relative = fromModulesDep(host.host(base + "modules.dep"));
        if (relative == null) {
            relative = DKMS_DIRS.stream().flatMap(d -> NAMES.stream().map(n -> d + "/" + n))
                    .filter(p -> Files.isRegularFile(host.host(base + p))).findFirst().orElse(null);
        }
        if (relative == null) {
            return null;
        }
        String path = base + relative;
        return read(path, host.host(path));
    }

    private static String fromModulesDep(Path modulesDep) {
        try {
            for (String line : Files.readAllLines(modulesDep)) {
                int colon = line.indexOf(':');
                String module = colon < 0 ? line : line.substring(0, colon);
                String file = module.substring(module.lastIndexOf('/') + 1);
                if (NAMES.contains(file)) {
                    return module;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    static ModuleOnDisk read(String path, Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return new ModuleOnDisk(path, null, path + " is unreadable (" + HostFiles.reason(e) + ")");
        }
        if (!path.endsWith(".ko")) {
            return new ModuleOnDisk(path, null, path + " is compressed: its version was not read");
        }
        // .modinfo holds NUL-separated key=value strings; "\0version=" occurs in no other section
        // ("srcversion=" is preceded by "src", not NUL)
        int at = indexOf(bytes, KEY);
        if (at < 0) {
            return new ModuleOnDisk(path, null, path + " has no version= in its modinfo");
        }
        int start = at + KEY.length;
        int end = start;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        String text = new String(bytes, start, end - start, StandardCharsets.US_ASCII);
        NeuronVersion version = NeuronVersion.parse(text);
        return new ModuleOnDisk(path, version, version == null ? path + ": version=" + text + " is not a version" : null);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
