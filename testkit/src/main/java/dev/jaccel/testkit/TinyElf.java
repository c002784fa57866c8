package dev.jaccel.testkit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The smallest ELF64 shared object a loader-side reader cares about: an ELF header, a {@code .dynstr},
 * a {@code .dynamic} section with {@code DT_SONAME} (when given) and a {@code .shstrtab} (System V gABI
 * layouts), followed by a text trailer so a test can still tell files apart. Fake driver libraries are
 * written with it, so the code that reads sonames reads real ELF structures.
 */
public final class TinyElf {
    private static final int EHDR = 64;
    private static final int SHDR = 64;
    private static final int SHT_STRTAB = 3;
    private static final int SHT_DYNAMIC = 6;
    private static final long DT_NULL = 0;
    private static final long DT_STRTAB = 5;
    private static final long DT_SONAME = 14;

    private TinyElf() {
    }

    /** An x86-64 shared object named {@code soname} (none when null), then {@code trailer}. */
    public static byte[] sharedObject(String soname, String trailer) {
        byte[] dynstr = ("\0" + (soname == null ? "" : soname + "\0")).getBytes(StandardCharsets.UTF_8);
        byte[] shstrtab = "\0.dynstr\0.dynamic\0.shstrtab\0".getBytes(StandardCharsets.US_ASCII);
        int dynstrOff = EHDR;
        int dynamicOff = align8(dynstrOff + dynstr.length);
        int dynamicSize = (soname == null ? 2 : 3) * 16;
        int shstrOff = dynamicOff + dynamicSize;
        int shOff = align8(shstrOff + shstrtab.length);
        byte[] text = trailer.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(shOff + 4 * SHDR + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.position(16);
        b.putShort((short) 3);       // e_type ET_DYN
        b.putShort((short) 62);      // e_machine EM_X86_64
        b.putInt(1);                 // e_version
        b.putLong(0);                // e_entry
        b.putLong(0);                // e_phoff
        b.putLong(shOff);            // e_shoff
        b.putInt(0);                 // e_flags
        b.putShort((short) EHDR);    // e_ehsize
        b.putShort((short) 0);       // e_phentsize
        b.putShort((short) 0);       // e_phnum
        b.putShort((short) SHDR);    // e_shentsize
        b.putShort((short) 4);       // e_shnum
        b.putShort((short) 3);       // e_shstrndx
        b.put(dynstrOff, dynstr);
        b.position(dynamicOff);
        if (soname != null) {
            b.putLong(DT_SONAME).putLong(1);
        }
        b.putLong(DT_STRTAB).putLong(0).putLong(DT_NULL).putLong(0);
        b.put(shstrOff, shstrtab);
        b.position(shOff + SHDR);    // section 0 is the null section
        section(b, 1, SHT_STRTAB, dynstrOff, dynstr.length, 0, 1, 0);
        section(b, 9, SHT_DYNAMIC, dynamicOff, dynamicSize, 1, 8, 16);
        section(b, 18, SHT_STRTAB, shstrOff, shstrtab.length, 0, 1, 0);
        b.put(text);
        return b.array();
    }

    private static void section(ByteBuffer b, int name, int type, long offset, long size, int link, long align,
                                long entsize) {
        b.putInt(name).putInt(type).putLong(0).putLong(0).putLong(offset).putLong(size).putInt(link).putInt(0)
                .putLong(align).putLong(entsize);
    }

    private static int align8(int n) {
        return (n + 7) & ~7;
    }
}
