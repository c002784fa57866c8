package dev.jaccel.hook.cli.engine;

import dev.jaccel.core.io.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Applies an {@link Engine}'s edit to its file the way an operator's tool must: through symlinks
 * (the link's target is edited, the link stays), under a lock (parallel runs do not lose each
 * other's entries), with the previous content kept as a backup, and written atomically with the
 * file's mode and owner kept ({@link AtomicFiles}).
 */
public final class EngineConfigFile {
    /** Where the locks live when it can be written (root); else next to the file. */
    static final Path LOCK_DIR = Path.of("/run/jaccel");
    private static final int MAX_LINKS = 40;
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    /**
     * What happened.
     *
     * @param file    the file edited (a symlink's target)
     * @param content the file's new content
     * @param changed whether anything was written
     * @param backup  the previous content's copy, when there was a previous file and it changed
     */
    public record Outcome(Path file, String content, boolean changed, Optional<Path> backup) {
    }

    private EngineConfigFile() {
    }

    /**
     * Registers {@code entry} in {@code file} ({@code dryRun}: computes the content and writes nothing).
     *
     * @throws EngineConfigException a file jaccel will not edit (left untouched)
     * @throws IOException           reading or writing failed (left untouched)
     */
    public static Outcome apply(Engine engine, Path file, RuntimeEntry entry, boolean dryRun)
            throws EngineConfigException, IOException {
        Path target = followLinks(file);
        if (dryRun) {
            byte[] old = readIfExists(target);
            return new Outcome(target, engine.configure(text(old), entry), false, Optional.empty());
        }
        ReentrantLock inThisJvm = JVM_LOCKS.computeIfAbsent(target, t -> new ReentrantLock());
        inThisJvm.lock();   // file locks are held per process: threads of one JVM queue here first
        try (FileChannel lockFile = lockFileFor(target); FileLock ignored = lockFile.lock()) {
            byte[] old = readIfExists(target);
            String content = engine.configure(text(old), entry);
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            if (old != null && Arrays.equals(old, bytes)) {
                return new Outcome(target, content, false, Optional.empty());
            }
            Optional<Path> backup = Optional.empty();
            if (old != null) {
                Path b = engine.backupOf(target);
                AtomicFiles.write(b, old, mode(target));
                backup = Optional.of(b);
            } else {
                AtomicFiles.createDirectories(target.toAbsolutePath().getParent());
            }
            AtomicFiles.write(target, bytes);
            return new Outcome(target, content, true, backup);
        } finally {
            inThisJvm.unlock();
        }
    }

    /** The file a chain of symlinks ends at (which may not exist yet). */
    static Path followLinks(Path file) throws IOException {
        Path p = file.toAbsolutePath();
        for (int i = 0; i < MAX_LINKS && Files.isSymbolicLink(p); i++) {
            p = p.resolveSibling(Files.readSymbolicLink(p)).normalize();
        }
        if (Files.isSymbolicLink(p)) {
            throw new IOException(file + ": too many levels of symbolic links");
        }
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(p + " is not a regular file");
        }
        return p;
    }

    private static byte[] readIfExists(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static String text(byte[] bytes) throws EngineConfigException {
        if (bytes == null) {
            return "";
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new EngineConfigException("not UTF-8 text; fix it first");
        }
    }

    /** One lock per target file, shared by every jaccel that edits it. */
    private static FileChannel lockFileFor(Path target) throws IOException {
        String id;
        try {
            id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(target.toString().getBytes(StandardCharsets.UTF_8)), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path lock;
        try {
            AtomicFiles.createDirectories(LOCK_DIR);
            lock = LOCK_DIR.resolve("configure-" + id + ".lock");
            if (!Files.isWritable(LOCK_DIR)) {
                throw new IOException("not writable");
            }
        } catch (IOException e) {
            Path dir = target.toAbsolutePath().getParent();
            AtomicFiles.createDirectories(dir);
            lock = dir.resolve("." + target.getFileName() + ".jaccel-lock");
        }
        return FileChannel.open(lock, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
    }

    private static int mode(Path file) throws IOException {
        int mode = 0;
        for (PosixFilePermission p : Files.getPosixFilePermissions(file)) {
            mode |= 1 << (8 - p.ordinal());
        }
        return mode;
    }
}
