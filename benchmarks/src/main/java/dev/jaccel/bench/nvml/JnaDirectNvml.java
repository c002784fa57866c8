package dev.jaccel.bench.nvml;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The same NVML calls through JNA direct mapping ({@code Native.register}: static native methods,
 * JNA's fast path). Primitive and array arguments only, so JNA marshals as little as it can; the
 * memory struct is a 40-byte {@code long[]} (version in the low half of element 0, little-endian).
 * Benchmark comparison only.
 */
public final class JnaDirectNvml {
    private static volatile boolean registered;

    private JnaDirectNvml() {
    }

    /** Binds the natives below to {@code library}; once per JVM. */
    public static synchronized void register(String library) {
        if (!registered) {
            Native.register(JnaDirectNvml.class, NativeLibrary.getInstance(library));
            registered = true;
        }
    }

    public static native int nvmlInit_v2();

    public static native int nvmlDeviceGetCount_v2(int[] count);

    public static native int nvmlDeviceGetHandleByIndex_v2(int index, long[] device);

    public static native int nvmlDeviceGetMemoryInfo_v2(Pointer device, long[] memory);

    public static native int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);
}
