package dev.jaccel.core.elf;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An ELF file (32- or 64-bit, either byte order) read with positional reads through its section
 * header table: a multi-megabyte libcuda is never loaded whole. Layouts from the System V gABI
 * ("ELF Header", "Sections", "Dynamic Section"). Every size and offset is checked against the file
 * before it is used: the files come from a host's driver directories or an image, not from us.
 */
public final class ElfFile implements Closeable {
    /** {@code SHT_DYNAMIC}: the dynamic section. */
    public static final int SHT_DYNAMIC = 6;
    /** {@code DT_SONAME}: offset of the shared object's name in the dynamic string table. */
    static final long DT_SONAME = 14;
    static final long DT_NULL = 0;

    private static final int MAX_SECTIONS = 65_535;
    private static final int MAX_SECTION_BYTES = 8 << 20;

    private final Path path;
    private final FileChannel channel;
    private final boolean is64;
    private final ByteOrder order;
    private final ByteBuffer table;
    private final int entrySize;
    private final int count;
    private final int namesIndex;

    /** A section header: name index, type, file offset and size, the sh_link field. */
    public record Section(int nameIndex, int type, long offset, long size, int link) {
    }

    private ElfFile(Path path, FileChannel channel, boolean is64, ByteOrder order, ByteBuffer table, int entrySize,
                    int count, int namesIndex) {
        this.path = path;
        this.channel = channel;
        this.is64 = is64;
        this.order = order;
        this.table = table;
        this.entrySize = entrySize;
        this.count = count;
        this.namesIndex = namesIndex;
    }

    /** Opens {@code file}; an {@link IOException} when it is not a well-formed ELF file. */
    public static ElfFile open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ByteBuffer ident = bytes(ch, 0, 16, ByteOrder.LITTLE_ENDIAN);
            if (ident.getInt(0) != 0x464C457F) { // "\x7fELF" read little-endian
                throw new IOException(file + ": not an ELF file");
            }
            boolean is64;
            if (ident.get(4) == 1) {
                is64 = false;
            } else if (ident.get(4) == 2) {
                is64 = true;
            } else {
                throw new IOException(file + ": unknown ELF class " + ident.get(4));
            }
            ByteOrder order;
            if (ident.get(5) == 1) {
                order = ByteOrder.LITTLE_ENDIAN;
            } else if (ident.get(5) == 2) {
                order = ByteOrder.BIG_ENDIAN;
            } else {
                throw new IOException(file + ": unknown ELF data encoding " + ident.get(5));
            }
            ByteBuffer h = bytes(ch, 0, is64 ? 64 : 52, order);
            long shoff = is64 ? h.getLong(0x28) : Integer.toUnsignedLong(h.getInt(0x20));
            int shentsize = Short.toUnsignedInt(h.getShort(is64 ? 0x3A : 0x2E));
            int shnum = Short.toUnsignedInt(h.getShort(is64 ? 0x3C : 0x30));
            int shstrndx = Short.toUnsignedInt(h.getShort(is64 ? 0x3E : 0x32));
            if (shoff == 0 || shnum == 0) {
                return new ElfFile(file, ch, is64, order, ByteBuffer.allocate(0), 0, 0, 0);
            }
            if (shentsize < (is64 ? 64 : 40) || shnum > MAX_SECTIONS || shstrndx >= shnum) {
                throw new IOException(file + ": malformed section header table");
            }
            long tableSize = (long) shentsize * shnum; // at most 65535 * 65535: computed in long
            if (tableSize > MAX_SECTION_BYTES) {
                throw new IOException(file + ": section header table of " + tableSize + " bytes is larger than expected");
            }
            return new ElfFile(file, ch, is64, order, bytes(ch, shoff, (int) tableSize, order), shentsize, shnum,
                    shstrndx);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public int sectionCount() {
        return count;
    }

    public Section section(int i) {
        int at = i * entrySize;
        int name = table.getInt(at);
        int type = table.getInt(at + 4);
        return is64 ? new Section(name, type, table.getLong(at + 0x18), table.getLong(at + 0x20), table.getInt(at + 0x28))
                : new Section(name, type, Integer.toUnsignedLong(table.getInt(at + 0x10)),
                Integer.toUnsignedLong(table.getInt(at + 0x14)), table.getInt(at + 0x18));
    }

    /** The section called {@code name}, if any. */
    public Optional<Section> section(String name) throws IOException {
        if (count == 0) {
            return Optional.empty();
        }
        ByteBuffer names = contents(section(namesIndex));
        for (int i = 0; i < count; i++) {
            Section s = section(i);
            if (name.equals(cString(names, s.nameIndex()))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The bytes of a section (bounded: a section larger than 8 MiB is refused). */
    public ByteBuffer contents(Section s) throws IOException {
        if (s.size() < 0 || s.size() > MAX_SECTION_BYTES) {
            throw new IOException(path + ": section of " + s.size() + " bytes is larger than expected");
        }
        return bytes(channel, s.offset(), (int) s.size(), order);
    }

    /**
     * The shared object's name ({@code DT_SONAME} of the dynamic section), e.g. {@code libcuda.so.1};
     * empty when the file has none.
     */
    public Optional<String> soname() throws IOException {
        for (int i = 0; i < count; i++) {
            Section dynamic = section(i);
            if (dynamic.type() != SHT_DYNAMIC) {
                continue;
            }
            if (dynamic.link() < 0 || dynamic.link() >= count) {
                throw new IOException(path + ": dynamic section links to no string table");
            }
            ByteBuffer entries = contents(dynamic);
            int size = is64 ? 16 : 8;
            for (int at = 0; at + size <= entries.limit(); at += size) {
                long tag = is64 ? entries.getLong(at) : entries.getInt(at);
                long value = is64 ? entries.getLong(at + 8) : Integer.toUnsignedLong(entries.getInt(at + 4));
                if (tag == DT_NULL) {
                    break;
                }
                if (tag == DT_SONAME) {
                    ByteBuffer strings = contents(section(dynamic.link()));
                    if (value < 0 || value >= strings.limit()) {
                        throw new IOException(path + ": DT_SONAME points outside the string table");
                    }
                    return Optional.of(cString(strings, (int) value));
                }
            }
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The NUL-terminated string at {@code at}; empty when out of range. */
    public static String cString(ByteBuffer strings, int at) {
        if (at < 0 || at >= strings.limit()) {
            return "";
        }
        int end = at;
        while (end < strings.limit() && strings.get(end) != 0) {
            end++;
        }
        byte[] s = new byte[end - at];
        strings.get(at, s);
        return new String(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        channel.close();
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
