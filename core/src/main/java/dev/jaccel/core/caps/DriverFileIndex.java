package dev.jaccel.core.caps;

import java.util.List;
import java.util.Objects;

/**
 * The files of one NVIDIA driver installation that containers may get, located once under a host
 * root by {@link DriverFiles#index} and kept in the inventory snapshot, so that a container start
 * only picks from the list ({@link DriverFiles#mounts}).
 *
 * @param hostRoot      the host root the files were found under
 * @param driverVersion the driver version the library names end in; null when unknown
 * @param files         in the order found (library folders in search order)
 * @param notes         what the user should know (e.g. a library whose soname was refused)
 */
public record DriverFileIndex(String hostRoot, String driverVersion, List<DriverFile> files, List<String> notes) {
    public DriverFileIndex {
        Objects.requireNonNull(hostRoot, "hostRoot");
        files = List.copyOf(files);
        notes = List.copyOf(notes);
    }

    /** What a file is, which decides the capability that brings it and where it goes. */
    public enum Kind {
        LIBRARY, LIBRARY32, BINARY, FIRMWARE, SOCKET, DIRECTORY;

        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Kind ofJsonName(String name) {
            for (Kind k : values()) {
                if (k.jsonName().equals(name)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown driver file kind '" + name + "'");
        }
    }

    /**
     * One file.
     *
     * @param path     where the driver installed it, as seen from the host root ({@code /usr/lib/x86_64-linux-gnu/libcuda.so.580.95.05})
     * @param hostPath the same file on this machine (under the host root)
     * @param soname   a library's {@code DT_SONAME} ({@code libcuda.so.1}), null when it has none
     */
    public record DriverFile(Kind kind, String path, String hostPath, String soname) {
        public DriverFile {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(hostPath, "hostPath");
        }

        /** {@code libcuda} for {@code .../libcuda.so.580.95.05}, {@code nvidia-smi} for {@code /usr/bin/nvidia-smi}. */
        public String baseName() {
            String name = path.substring(path.lastIndexOf('/') + 1);
            int so = name.indexOf(".so.");
            return so > 0 ? name.substring(0, so) : name;
        }
    }
}
