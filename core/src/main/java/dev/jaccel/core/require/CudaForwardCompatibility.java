package dev.jaccel.core.require;

import dev.jaccel.core.json.JsonTree;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a container's CUDA forward-compatibility driver ({@code /usr/local/cuda/compat/libcuda.so.X.Y.Z})
 * should be used instead of the host's libcuda. Off unless configured: NVIDIA disables container
 * compat libraries by default since CVE-2025-23359. The rule is the {@code enable-cuda-compat}
 * hook's (nvidia-container-toolkit {@code cmd/nvidia-cdi-hook/cudacompat}; docs/nvidia-container-semantics.md §5):
 * <ul>
 *   <li>with the {@code .note.cuda.fwd_compatibility} note and the host driver: use it iff the
 *       host's branch is in the note's {@code Driver} list and the compat version is newer;</li>
 *   <li>with the note and only the host CUDA version: iff the note's CUDA version is newer;</li>
 *   <li>without a note: iff the host driver's major is below the compat library's major.</li>
 * </ul>
 */
public final class CudaForwardCompatibility {
    public static final String NOTE_SECTION = ".note.cuda.fwd_compatibility";
    public static final String CONTAINER_COMPAT_DIR = "/usr/local/cuda/compat";
    private static final Pattern LIBCUDA = Pattern.compile("libcuda\\.so\\.(\\d+(?:\\.\\d+)+)");

    private CudaForwardCompatibility() {
    }

    /** What the note says: the CUDA version the library provides and the host branches it supports. */
    public record FwdNote(String cudaVersion, List<String> driverBranches) {
        public FwdNote {
            driverBranches = List.copyOf(driverBranches);
        }
    }

    /** The note of a compat libcuda, or empty when it has none; malformed JSON is an IOException. */
    public static Optional<FwdNote> readNote(Path library) throws IOException {
        Optional<ElfNotes.Note> note = ElfNotes.read(library, NOTE_SECTION);
        if (note.isEmpty()) {
            return Optional.empty();
        }
        String json = new String(note.get().descriptor(), StandardCharsets.UTF_8).replace("\0", "").trim();
        if (!(JsonTree.read(json) instanceof Map<?, ?> o)) {
            throw new IOException(library + ": " + NOTE_SECTION + " is not a JSON object");
        }
        List<String> branches = new ArrayList<>();
        if (o.get("Driver") instanceof List<?> list) {
            for (Object item : list) {
                branches.add(String.valueOf(item));
            }
        }
        Object cuda = o.get("CUDA Version");
        return Optional.of(new FwdNote(cuda == null ? null : String.valueOf(cuda), branches));
    }

    /**
     * The one regular {@code libcuda.so.X.Y[.Z]} file directly in {@code compatDir} (symlinks are
     * refused: the directory belongs to the image), or empty when there is none or more than one.
     */
    public static Optional<Path> findLibrary(Path compatDir) throws IOException {
        if (!Files.isDirectory(compatDir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(compatDir, "libcuda.so.*.*")) {
            for (Path p : entries) {
                if (LIBCUDA.matcher(p.getFileName().toString()).matches()
                        && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    found.add(p);
                }
            }
        }
        return found.size() == 1 ? Optional.of(found.getFirst()) : Optional.empty();
    }

    /** The driver version a compat library provides, from its name ({@code libcuda.so.575.57.08}). */
    public static Optional<NumericVersion> libraryVersion(Path library) {
        Matcher m = LIBCUDA.matcher(library.getFileName().toString());
        return m.matches() ? NumericVersion.parse(m.group(1)) : Optional.empty();
    }

    /**
     * The decision for one container.
     *
     * @param library     the compat library inside the container ({@code /usr/local/cuda/compat/libcuda.so.X.Y.Z})
     * @param use         whether to put its directory ahead of the host driver (an ld.so.conf.d entry)
     * @param explanation one line saying why, for logs and warnings
     */
    public record Decision(String library, boolean use, String explanation) {
    }

    /**
     * Decides for the image under {@code containerRoot}: empty when the feature is off
     * ({@code allow-cuda-compat-libs-from-container}, off by default as in NVIDIA's toolkit since
     * CVE-2025-23359) or the image has no single compat libcuda. Paths are resolved inside the
     * root; symlinks never lead out of it.
     *
     * @throws IOException when the library exists but is not a readable ELF file with a valid note
     */
    public static Optional<Decision> decide(boolean enabled, Path containerRoot, String hostDriver, String hostCuda)
            throws IOException {
        if (!enabled) {
            return Optional.empty();
        }
        Optional<Path> lib = findLibrary(InRootPath.resolve(containerRoot, CONTAINER_COMPAT_DIR));
        if (lib.isEmpty()) {
            return Optional.empty();
        }
        NumericVersion version = libraryVersion(lib.get()).orElseThrow();
        Optional<FwdNote> note = readNote(lib.get());
        boolean use = shouldUse(version, note, hostDriver, hostCuda);
        String inContainer = CONTAINER_COMPAT_DIR + "/" + lib.get().getFileName();
        String why = (use ? "using " : "not using ") + inContainer + " (" + version + ", "
                + note.map(n -> "note: CUDA " + n.cudaVersion() + ", driver branches " + n.driverBranches())
                .orElse("no " + NOTE_SECTION + " note") + ") with host driver "
                + (hostDriver == null ? "unknown" : hostDriver) + ", CUDA " + (hostCuda == null ? "unknown" : hostCuda);
        return Optional.of(new Decision(inContainer, use, why));
    }

    /**
     * @param compatVersion the compat library's version ({@link #libraryVersion})
     * @param note          its note, if any
     * @param hostDriver    the host driver version, or {@code null} when unknown
     * @param hostCuda      the host driver's CUDA version, or {@code null} when unknown
     */
    public static boolean shouldUse(NumericVersion compatVersion, Optional<FwdNote> note, String hostDriver,
                                    String hostCuda) {
        Optional<NumericVersion> driver = NumericVersion.parse(hostDriver == null ? "" : hostDriver);
        if (note.isPresent()) {
            if (driver.isPresent()) {
                BigInteger branch = driver.get().major();
                boolean listed = note.get().driverBranches().stream()
                        .anyMatch(b -> NumericVersion.parse(b).map(v -> v.major().equals(branch)).orElse(false));
                return listed && compatVersion.compareTo(driver.get()) > 0;
            }
            Optional<NumericVersion> cuda = NumericVersion.parse(hostCuda == null ? "" : hostCuda);
            Optional<NumericVersion> noteCuda = NumericVersion.parse(
                    note.get().cudaVersion() == null ? "" : note.get().cudaVersion());
            return cuda.isPresent() && noteCuda.isPresent() && noteCuda.get().compareTo(cuda.get()) > 0;
        }
        return driver.isPresent() && driver.get().major().compareTo(compatVersion.major()) < 0;
    }
}
