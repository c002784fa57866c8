package dev.jaccel.nvml;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/** NVML's bit masks (event types, clock-event reasons) as enum sets and back. */
final class Masks {
    /** An enum constant that stands for one bit of an NVML mask. */
    interface Bit {
        long mask();
    }

    private Masks() {
    }

    /** The constants whose bit is set; bits no constant stands for are left out. */
    static <E extends Enum<E> & Bit> Set<E> decode(Class<E> type, long mask) {
        Set<E> out = EnumSet.noneOf(type);
        for (E e : type.getEnumConstants()) {
            if ((mask & e.mask()) != 0) {
                out.add(e);
            }
        }
        return out;
    }

    static long encode(Collection<? extends Bit> bits) {
        long mask = 0;
        for (Bit b : bits) {
            mask |= b.mask();
        }
        return mask;
    }
}
