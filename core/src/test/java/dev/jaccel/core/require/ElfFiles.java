package dev.jaccel.core.require;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes small but well-formed ELF files for the tests: a header, a section-name string table and
 * optionally one note section (System V gABI layouts). Shaped like NVIDIA's truncated libcuda
 * fixtures ({@code nvidia-container-toolkit testdata/compat}).
 */
final class ElfFiles {
    private ElfFiles() {
    }

    static byte[] withNote(boolean is64, ByteOrder order, String section, String owner, int type, String desc) {
        byte[] ownerBytes = (owner + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] descBytes = desc.getBytes(StandardCharsets.UTF_8);
        ByteBuffer note = ByteBuffer.allocate(12 + pad4(ownerBytes.length) + pad4(descBytes.length)).order(order);
        note.putInt(ownerBytes.length).putInt(descBytes.length).putInt(type);
        note.put(ownerBytes).position(12 + pad4(ownerBytes.length));
        note.put(descBytes);
        return build(is64, order, section, note.array());
    }

    static byte[] withoutNotes(boolean is64, ByteOrder order) {
        return build(is64, order, null, null);
    }

    private static byte[] build(boolean is64, ByteOrder order, String section, byte[] noteBytes) {
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        names.write(0);
        int shstrtabName = names.size();
        names.writeBytes(".shstrtab\0".getBytes(StandardCharsets.UTF_8));
        int noteName = names.size();
        if (section != null) {
            names.writeBytes((section + "\0").getBytes(StandardCharsets.UTF_8));
        }
        byte[] strtab = names.toByteArray();
        int ehsize = is64 ? 64 : 52;
        int shentsize = is64 ? 64 : 40;
        int strtabOff = ehsize;
        int noteOff = pad4(strtabOff + strtab.length);
        int shoff = pad4(noteOff + (noteBytes == null ? 0 : noteBytes.length));
        int shnum = section == null ? 2 : 3;
        ByteBuffer b = ByteBuffer.allocate(shoff + shnum * shentsize).order(order);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) (is64 ? 2 : 1), (byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 2), 1});
        b.position(16);
        b.putShort((short) 3).putShort((short) (is64 ? 62 : 3)).putInt(1); // ET_DYN, machine, version
        if (is64) {
            b.putLong(0).putLong(0).putLong(shoff);
        } else {
            b.putInt(0).putInt(0).putInt(shoff);
        }
        b.putInt(0).putShort((short) ehsize).putShort((short) 0).putShort((short) 0);
        b.putShort((short) shentsize).putShort((short) shnum).putShort((short) 1);
        b.position(strtabOff);
        b.put(strtab);
        if (noteBytes != null) {
            b.position(noteOff);
            b.put(noteBytes);
        }
        b.position(shoff + shentsize); // section 0 stays all zero
        header(b, is64, shstrtabName, 3, strtabOff, strtab.length);
        if (section != null) {
            b.position(shoff + 2 * shentsize);
            header(b, is64, noteName, 7, noteOff, noteBytes.length);
        }
        return b.array();
    }

    private static void header(ByteBuffer b, boolean is64, int name, int type, long offset, long size) {
        b.putInt(name).putInt(type);
        if (is64) {
            b.putLong(0).putLong(0).putLong(offset).putLong(size).putInt(0).putInt(0).putLong(4).putLong(0);
        } else {
            b.putInt(0).putInt(0).putInt((int) offset).putInt((int) size).putInt(0).putInt(0).putInt(4).putInt(0);
        }
    }

    private static int pad4(int n) {
        return (n + 3) & ~3;
    }
}
