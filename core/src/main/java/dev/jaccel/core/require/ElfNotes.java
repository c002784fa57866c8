package dev.jaccel.core.require;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Reads one note section of an ELF file (32- or 64-bit, either byte order) with positional reads:
 * a multi-megabyte libcuda is never loaded whole. Layouts from the System V gABI (ELF header,
 * section headers, note entries with 4-byte-aligned name and descriptor).
 */
public final class ElfNotes {
    private static final int MAX_SECTIONS = 65_535;
    private static final int MAX_NOTE_BYTES = 1 << 20;
    private static final int MAX_TABLE_BYTES = 8 << 20;

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
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer ident = bytes(ch, 0, 16, ByteOrder.LITTLE_ENDIAN);
            if (ident.getInt(0) != 0x464C457F) { // "\x7fELF" read little-endian
                throw new IOException(file + ": not an ELF file");
            }
            boolean is64 = switch (ident.get(4)) {
                case 1 -> false;
                case 2 -> true;
                default -> throw new IOException(file + ": unknown ELF class " + ident.get(4));
            };
            ByteOrder order = switch (ident.get(5)) {
                case 1 -> ByteOrder.LITTLE_ENDIAN;
                case 2 -> ByteOrder.BIG_ENDIAN;
                default -> throw new IOException(file + ": unknown ELF data encoding " + ident.get(5));
            };
            ByteBuffer h = bytes(ch, 0, is64 ? 64 : 52, order);
            long shoff = is64 ? h.getLong(0x28) : Integer.toUnsignedLong(h.getInt(0x20));
            int shentsize = Short.toUnsignedInt(h.getShort(is64 ? 0x3A : 0x2E));
            int shnum = Short.toUnsignedInt(h.getShort(is64 ? 0x3C : 0x30));
            int shstrndx = Short.toUnsignedInt(h.getShort(is64 ? 0x3E : 0x32));
            if (shoff == 0 || shnum == 0) {
                return Optional.empty();
            }
            if (shentsize < (is64 ? 64 : 40) || shnum > MAX_SECTIONS || shstrndx >= shnum) {
                throw new IOException(file + ": malformed section header table");
            }
            long tableSize = (long) shentsize * shnum; // at most 65535 * 65535: computed in long
            if (tableSize > MAX_TABLE_BYTES) {
                throw new IOException(file + ": section header table of " + tableSize + " bytes is larger than expected");
            }
            ByteBuffer table = bytes(ch, shoff, (int) tableSize, order);
            Section names = section(table, shstrndx * shentsize, is64);
            ByteBuffer strtab = bytes(ch, names.offset, checkedSize(names.size, file), order);
            for (int i = 0; i < shnum; i++) {
                Section s = section(table, i * shentsize, is64);
                if (sectionName.equals(cString(strtab, s.nameIndex))) {
                    return Optional.of(firstNote(bytes(ch, s.offset, checkedSize(s.size, file), order), file));
                }
            }
            return Optional.empty();
        }
    }

    private record Section(int nameIndex, long offset, long size) {
    }

    private static Section section(ByteBuffer table, int at, boolean is64) {
        int name = table.getInt(at);
        return is64 ? new Section(name, table.getLong(at + 0x18), table.getLong(at + 0x20))
                : new Section(name, Integer.toUnsignedLong(table.getInt(at + 0x10)),
                Integer.toUnsignedLong(table.getInt(at + 0x14)));
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

    private static int checkedSize(long size, Path file) throws IOException {
        if (size < 0 || size > MAX_NOTE_BYTES) {
            throw new IOException(file + ": section of " + size + " bytes is larger than expected");
        }
        return (int) size;
    }

    private static String cString(ByteBuffer strtab, int at) {
        if (at < 0 || at >= strtab.limit()) {
            return "";
        }
        int end = at;
        while (end < strtab.limit() && strtab.get(end) != 0) {
            end++;
        }
        byte[] s = new byte[end - at];
        strtab.get(at, s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static ByteBuffer bytes(FileChannel ch, long offset, int size, ByteOrder order) throws IOException {
        if (offset < 0 || size < 0 || offset > ch.size() - size) { // no overflow for offsets near Long.MAX_VALUE
            throw new IOException("ELF structure at " + offset + " (+" + size + ") lies outside the file");
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(order);
        while (b.hasRemaining()) {
            if (ch.read(b, offset + b.position()) < 0) {
                throw new IOException("unexpected end of file at " + (offset + b.position()));
            }
        }
        return b.flip();
    }
}
