package dev.jaccel.neuron;

import dev.jaccel.core.LibraryUnavailableException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The binding of the AWS Neuron runtime, {@code libnrt.so.1}: the only class that touches its memory.
 *
 * <p>Only the calls that are safe before {@code nrt_init} are bound ({@code nrt_get_version}, the core
 * counts, {@code nrt_get_instance_info}, {@code nrt_get_status_as_str}). {@code nrt_init} is
 * deliberately absent: it takes the configured NeuronCores exclusively and resets them (seconds per
 * process), so a discovery tool must never call it (docs/neuron-semantics.md §1.5).
 *
 * <p>Symbols differ by release (the 2022 header had only the {@code *_nc_count} calls), so each is
 * looked up lazily and a missing one is an empty result, never a crash. Downcall handles are
 * address-less, {@code static final} and shared by shape; the symbol address is the first argument.
 *
 * <p>Where it loads from: an explicit path or name ({@code --nrt-library} / {@code JACCEL_NRT_LIBRARY}),
 * else {@value #DEFAULT_PATH}, else the system search for {@value #SONAME}. The default path is read
 * on the real filesystem, not under the host root: the library runs inside this process, and code
 * from a host root that may be a container image must never be executed with our privileges.
 *
 * <p>Lifecycle, as {@code NvmlLibrary}'s: the same name or path gives the same instance, loaded
 * once and never unloaded (unloading under another thread's call would pull code from under it);
 * a library that cannot be loaded is a {@link LibraryUnavailableException}, a failing call an
 * unchecked {@link NrtException}. There is no session: nothing here initialises the runtime.
 */
@SuppressWarnings("restricted")   // FFM downcalls are this class's purpose; the JVM runs with --enable-native-access
public final class NrtLibrary {
    /** The library in messages. */
    static final String LIBRARY = "the Neuron runtime (libnrt)";
    /** Where {@code aws-neuronx-runtime-lib} installs the library (docs/neuron-semantics.md §1.1). */
    public static final String DEFAULT_PATH = "/opt/aws/neuron/lib/libnrt.so.1";
    /** The stable soname (libfabric dlopens it by this name, docs/neuron-semantics.md §1.1). */
    public static final String SONAME = "libnrt.so.1";

    private static final Linker LINKER = Linker.nativeLinker();
    private static final ValueLayout SIZE_T = (ValueLayout) LINKER.canonicalLayouts().get("size_t");

    /**
     * The downcall handles, created when first used, after a library loaded: linking is a restricted
     * operation, and a JVM that denies native access must get the load's clear error, not a failed
     * class initialisation.
     */
    private static final class Downcalls {
        /** {@code NRT_STATUS f(uint32_t *)}: the four count calls. */
        static final MethodHandle STATUS_OF_POINTER = LINKER.downcallHandle(FunctionDescriptor.of(JAVA_INT, ADDRESS));
        /** {@code NRT_STATUS f(struct *, size_t)}: nrt_get_version, nrt_get_instance_info. */
        static final MethodHandle STATUS_OF_POINTER_SIZE =
                LINKER.downcallHandle(FunctionDescriptor.of(JAVA_INT, ADDRESS, SIZE_T));
        /** {@code const char *f(NRT_STATUS)}: nrt_get_status_as_str. */
        static final MethodHandle STRING_OF_STATUS = LINKER.downcallHandle(FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /** {@code nrt_version_t} (nrt_version.h): 4 x uint64, char[128], char[64]; 224 bytes. */
    static final StructLayout VERSION = MemoryLayout.structLayout(
            JAVA_LONG.withName("rt_major"),
            JAVA_LONG.withName("rt_minor"),
            JAVA_LONG.withName("rt_patch"),
            JAVA_LONG.withName("rt_maintenance"),
            MemoryLayout.sequenceLayout(128, JAVA_BYTE).withName("rt_detail"),
            MemoryLayout.sequenceLayout(64, JAVA_BYTE).withName("git_hash"));
    /** {@code nrt_instance_info_t} (nrt.h): uint32 family, uint32 size, char[16], char[8]; 32 bytes. */
    static final StructLayout INSTANCE_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("family"),
            JAVA_INT.withName("size"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("arch_name"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("device_revision"));

    private static final long RT_MAJOR = VERSION.byteOffset(groupElement("rt_major"));
    private static final long RT_MINOR = VERSION.byteOffset(groupElement("rt_minor"));
    private static final long RT_PATCH = VERSION.byteOffset(groupElement("rt_patch"));
    private static final long RT_MAINTENANCE = VERSION.byteOffset(groupElement("rt_maintenance"));
    private static final long RT_DETAIL = VERSION.byteOffset(groupElement("rt_detail"));
    private static final long GIT_HASH = VERSION.byteOffset(groupElement("git_hash"));
    private static final long FAMILY = INSTANCE_INFO.byteOffset(groupElement("family"));
    private static final long SIZE = INSTANCE_INFO.byteOffset(groupElement("size"));
    private static final long ARCH_NAME = INSTANCE_INFO.byteOffset(groupElement("arch_name"));
    private static final long DEVICE_REVISION = INSTANCE_INFO.byteOffset(groupElement("device_revision"));

    private static final ConcurrentHashMap<String, NrtLibrary> LOADED = new ConcurrentHashMap<>();

    private final SymbolLookup lookup;
    private final String source;
    private final Map<String, Optional<MemorySegment>> symbols = new ConcurrentHashMap<>();

    private NrtLibrary(SymbolLookup lookup, String source) {
        this.lookup = lookup;
        this.source = source;
    }

    /**
     * Loads libnrt: {@code explicit} (a path, or a bare name for the system search) when given,
     * else the first of {@link #DEFAULT_PATH} and the system search for {@link #SONAME}.
     */
    public static NrtLibrary load(Optional<String> explicit) {
        return load(explicit, List.of(Path.of(DEFAULT_PATH)), SONAME);
    }

    /**
     * As {@link #load(Optional)}, with the default locations and the name for the system search
     * given (tests: once a library with the soname is loaded, the search finds it by that name).
     */
    static NrtLibrary load(Optional<String> explicit, List<Path> defaults, String soname) {
        if (explicit.isPresent()) {
            return open(explicit.get(), "it was named explicitly: check the path");
        }
        for (Path candidate : defaults) {
            if (Files.exists(candidate)) {
                return open(candidate.toString(), null);
            }
        }
        return open(soname, "not at " + String.join(", ", defaults.stream().map(Path::toString).toList())
                + " either; install aws-neuronx-runtime-lib or give the library's path");
    }

    private static NrtLibrary open(String library, String hint) {
        String key = library.contains("/") ? Path.of(library).toAbsolutePath().normalize().toString() : library;
        NrtLibrary existing = LOADED.get(key);
        if (existing != null) {
            return existing;
        }
        SymbolLookup lookup;
        try {
            lookup = key.contains("/")
                    ? SymbolLookup.libraryLookup(Path.of(key), Arena.global())
                    : SymbolLookup.libraryLookup(key, Arena.global());
        } catch (IllegalCallerException e) {
            throw LibraryUnavailableException.nativeAccessDenied(LIBRARY, library, NrtLibrary.class, e);
        } catch (IllegalArgumentException e) {
            throw LibraryUnavailableException.notFound(LIBRARY, library, hint, e);
        }
        NrtLibrary loaded = new NrtLibrary(lookup, library);
        NrtLibrary raced = LOADED.putIfAbsent(key, loaded);
        return raced != null ? raced : loaded;
    }

    /** The path or name this library was loaded from. */
    public String source() {
        return source;
    }

    /** Whether the library exports {@code symbol}. */
    public boolean exports(String symbol) {
        return symbol(symbol).isPresent();
    }

    /** {@code nrt_get_version}; empty when the library predates it. */
    public Optional<NrtVersion> version() {
        return query("nrt_get_version", VERSION, v -> new NrtVersion(v.get(JAVA_LONG, RT_MAJOR),
                v.get(JAVA_LONG, RT_MINOR), v.get(JAVA_LONG, RT_PATCH), v.get(JAVA_LONG, RT_MAINTENANCE),
                string(v, RT_DETAIL, 128), string(v, GIT_HASH, 64)));
    }

    /**
     * All NeuronCores of the host as the runtime numbers them (logical cores under LNC), ignoring the
     * {@code NEURON_RT_*} selectors: {@code nrt_get_total_vnc_count}, else the deprecated
     * {@code nrt_get_total_nc_count}; empty when the library has neither.
     */
    public Optional<Integer> totalCoreCount() {
        return count("nrt_get_total_vnc_count", "nrt_get_total_nc_count");
    }

    /**
     * The NeuronCores this process may use under {@code NEURON_RT_VISIBLE_CORES} / {@code NEURON_RT_NUM_CORES}:
     * {@code nrt_get_visible_vnc_count}, else {@code nrt_get_visible_nc_count}. Some releases compute
     * it only after {@code nrt_init} and then fail with {@code NRT_FAILURE} or {@code NRT_UNINITIALIZED}.
     */
    public Optional<Integer> visibleCoreCount() {
        return count("nrt_get_visible_vnc_count", "nrt_get_visible_nc_count");
    }

    /** {@code nrt_get_instance_info}; empty when the library predates it. */
    public Optional<NrtInstanceInfo> instanceInfo() {
        return query("nrt_get_instance_info", INSTANCE_INFO, info -> new NrtInstanceInfo(info.get(JAVA_INT, FAMILY),
                info.get(JAVA_INT, SIZE), string(info, ARCH_NAME, 16), string(info, DEVICE_REVISION, 8)));
    }

    /** The library's own text for a status ({@code nrt_get_status_as_str}); empty when it has none. */
    public Optional<String> statusText(int status) {
        Optional<MemorySegment> fn = symbol("nrt_get_status_as_str");
        if (fn.isEmpty()) {
            return Optional.empty();
        }
        try {
            MemorySegment text = (MemorySegment) Downcalls.STRING_OF_STATUS.invokeExact(fn.get(), status);
            // a static C string: bounded read, NUL-terminated
            return text.equals(MemorySegment.NULL) ? Optional.empty()
                    : Optional.of(text.reinterpret(4096).getString(0));
        } catch (Throwable t) {
            throw new IllegalStateException("downcall nrt_get_status_as_str failed", t);
        }
    }

    private Optional<Integer> count(String current, String deprecated) {
        String name = exports(current) ? current : deprecated;
        Optional<MemorySegment> fn = symbol(name);
        if (fn.isEmpty()) {
            return Optional.empty();
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment n = call.allocate(JAVA_INT);
            check(name, (int) Downcalls.STATUS_OF_POINTER.invokeExact(fn.get(), n));
            return Optional.of(n.get(JAVA_INT, 0));   // uint32_t: fits an int for <= 64 x 8 cores
        } catch (NrtException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("downcall " + name + " failed", t);
        }
    }

    /**
     * A {@code NRT_STATUS function(struct *, size_t)} query, the struct read by {@code read}; empty when
     * the library predates {@code function}.
     */
    private <T> Optional<T> query(String function, StructLayout layout, Function<MemorySegment, T> read) {
        Optional<MemorySegment> fn = symbol(function);
        if (fn.isEmpty()) {
            return Optional.empty();
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment struct = call.allocate(layout);
            // pass our size: a newer library fills only what an older caller knows (docs/neuron-semantics.md §1.2)
            check(function, (int) Downcalls.STATUS_OF_POINTER_SIZE.invokeExact(fn.get(), struct, layout.byteSize()));
            return Optional.of(read.apply(struct));
        } catch (NrtException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("downcall " + function + " failed", t);
        }
    }

    private Optional<MemorySegment> symbol(String name) {
        return symbols.computeIfAbsent(name, lookup::find);
    }

    private static void check(String function, int status) {
        if (status != NrtStatus.SUCCESS) {
            throw new NrtException(function, status);
        }
    }

    /** A NUL-terminated string inside a fixed char array (never read past the array). */
    private static String string(MemorySegment struct, long offset, long capacity) {
        MemorySegment field = struct.asSlice(offset, capacity);
        long end = 0;
        while (end < capacity && field.get(JAVA_BYTE, end) != 0) {
            end++;
        }
        return new String(field.asSlice(0, end).toArray(JAVA_BYTE), java.nio.charset.StandardCharsets.UTF_8);
    }
}
