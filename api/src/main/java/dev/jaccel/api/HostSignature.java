package dev.jaccel.api;

import dev.jaccel.core.spi.HostContext;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * What changes when the facts behind an inventory do, cheap enough to check on every call: the
 * drivers' version files ({@code /proc/driver/nvidia/version}, {@code /sys/module/neuron/version}:
 * an upgrade or reload changes them) and the modification times of {@code /dev} and
 * {@code /dev/nvidia-caps} (a device node created, removed or renumbered, a MIG instance's
 * capability node). At most two small reads and two {@code stat}s, no listing; a vendor this
 * instance does not serve is not looked at (a missing file costs an exception each time).
 */
record HostSignature(byte[] nvidiaVersion, byte[] neuronVersion, long devModified, long capsModified) {
    private static final int MAX = 256;
    private static final byte[] NOT_WATCHED = new byte[0];

    static HostSignature of(HostContext host, boolean nvidia, boolean neuron) {
        return new HostSignature(nvidia ? head(host.host("/proc/driver/nvidia/version")) : NOT_WATCHED,
                neuron ? head(host.host("/sys/module/neuron/version")) : NOT_WATCHED, modified(host.host("/dev")),
                nvidia ? modified(host.host("/dev/nvidia-caps")) : -1);
    }

    boolean sameAs(HostSignature o) {
        return devModified == o.devModified && capsModified == o.capsModified
                && Arrays.equals(nvidiaVersion, o.nvidiaVersion) && Arrays.equals(neuronVersion, o.neuronVersion);
    }

    // a record's generated equals/hashCode would compare the arrays by identity: sameAs is the comparison
    @Override
    public boolean equals(Object o) {
        return o instanceof HostSignature s && sameAs(s);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(devModified) * 31 + Arrays.hashCode(nvidiaVersion);
    }

    /** The first bytes of a small kernel file (its version line), empty when absent. */
    private static byte[] head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(MAX);
        } catch (NoSuchFileException e) {
            return new byte[0];
        } catch (IOException e) {
            return new byte[] {-1};   // unreadable now: different from any content, so the next call looks again
        }
    }

    private static long modified(Path dir) {
        try {
            return Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS).to(TimeUnit.NANOSECONDS);
        } catch (IOException e) {
            return -1;
        }
    }
}
