package dev.jaccel.core.caps;

import dev.jaccel.core.elf.ElfFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The name a driver library is mounted under in a container: its ELF {@code DT_SONAME}, the name
 * the dynamic loader and {@code dlopen("libcuda.so.1")} look for. A soname becomes a file name in
 * the container's library folder, so only a plain file name is accepted: glibc's ldconfig follows
 * {@code ..} inside a SONAME (the class of NVIDIA's CVE-2024-0132/0133), and jaccel will not
 * mount anything under a name it did not check.
 */
final class Sonames {
    static final int MAX_LENGTH = 255;

    private Sonames() {
    }

    /** The soname of {@code library}, null when it is not an ELF file, has none, or has one that is refused. */
    static String of(Path library, Consumer<String> notes) {
        Optional<String> soname;
        try (ElfFile elf = ElfFile.open(library)) {
            soname = elf.soname();
        } catch (IOException e) {
            return null;   // not ELF (a test fixture) or unreadable: mounted under its own name
        }
        if (soname.isEmpty()) {
            return null;
        }
        if (!acceptable(soname.get())) {
            notes.accept(library + ": its DT_SONAME '" + soname.get() + "' is not a plain file name; "
                    + "mounted under its own name instead");
            return null;
        }
        return soname.get();
    }

    /** A plain file name: letters, digits, {@code . _ + -}; not {@code .} or {@code ..}; at most 255 bytes. */
    static boolean acceptable(String soname) {
        if (soname.isEmpty() || soname.length() > MAX_LENGTH || soname.equals(".") || soname.equals("..")) {
            return false;
        }
        for (int i = 0; i < soname.length(); i++) {
            char c = soname.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '+' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
