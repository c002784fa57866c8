package dev.jaccel.core.require;

import dev.jaccel.core.elf.ElfFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads one note section of an ELF file ({@link ElfFile}). Layout from the System V gABI ("Note
 * Section": entries with 4-byte-aligned name and descriptor).
 */
public final class ElfNotes {
    private static final int MAX_NOTE_BYTES = 1 << 20;

    private ElfNotes() {
    }

    /** A note: its owner (without the trailing NUL), type and descriptor bytes. */
    public record Note(String owner, int type, byte[] descriptor) {
    }

    /**
     * The first note of the section named {@code sectionName}, or empty when the file has no such
     * section.
     *
     * @throws IOException when the file is not a well-formed ELF file
     */
    public static Optional<Note> read(Path file, String sectionName) throws IOException {
        try (ElfFile elf = ElfFile.open(file)) {
            Optional<ElfFile.Section> section = elf.section(sectionName);
            if (section.isEmpty()) {
                return Optional.empty();
            }
            if (section.get().size() > MAX_NOTE_BYTES) {
                throw new IOException(file + ": section of " + section.get().size() + " bytes is larger than expected");
            }
            return Optional.of(firstNote(elf.contents(section.get()), file));
        }
    }

    private static Note firstNote(ByteBuffer b, Path file) throws IOException {
        if (b.limit() < 12) {
            throw new IOException(file + ": truncated note");
        }
        int namesz = b.getInt(0);
        int descsz = b.getInt(4);
        int type = b.getInt(8);
        long nameEnd = 12L + align4(Integer.toUnsignedLong(namesz));
        if (namesz < 0 || descsz < 0 || nameEnd + descsz > b.limit()) {
            throw new IOException(file + ": truncated note");
        }
        byte[] name = new byte[namesz];
        b.get(12, name);
        int len = namesz > 0 && name[namesz - 1] == 0 ? namesz - 1 : namesz;
        byte[] desc = new byte[descsz];
        b.get((int) nameEnd, desc);
        return new Note(new String(name, 0, len, StandardCharsets.UTF_8), type, desc);
    }

    private static long align4(long n) {
        return (n + 3) & ~3L;
    }



}
