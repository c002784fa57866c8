package dev.jaccel.bench.nvml;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The same NVML calls through JNA interface mapping, the way existing Java NVML wrappers bind it
 * (a {@code Library} interface loaded with {@code Native.load}). Benchmark comparison only: jaccel's
 * binding is FFM ({@code dev.jaccel.nvml}).
 */
public interface JnaNvml extends Library {
    int nvmlInit_v2();

    int nvmlShutdown();

    int nvmlDeviceGetCount_v2(IntByReference count);

    int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

    int nvmlDeviceGetMemoryInfo_v2(Pointer device, MemoryV2 memory);

    int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

    static JnaNvml load(String library) {
        return Native.load(library, JnaNvml.class);
    }

    /** {@code nvmlMemory_v2_t} (nvml.h): 40 bytes, {@code version} must be {@code 0x02000028}. */
    @Structure.FieldOrder({"version", "total", "reserved", "free", "used"})
    final class MemoryV2 extends Structure {
        public static final int VERSION = 0x02000028;
        public int version = VERSION;
        public long total;
        public long reserved;
        public long free;
        public long used;
    }
}
