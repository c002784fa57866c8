package dev.jaccel.core.neuron;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.Messages;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The list syntax both Neuron variables share: comma-separated entries, each {@code n} or an
 * inclusive range {@code a-b} with {@code a <= b}; blanks around entries are ignored. Duplicates
 * are refused, naming the id (sdk {@code neuron-runtime/guides/configuration-guide.rst};
 * docs/neuron-semantics.md §3.1, §3.2).
 */
public final class IndexList {
    /** Far above any host (64 devices x 8 cores); keeps a range from allocating a huge list. */
    static final int MAX_ID = 4095;

    private IndexList() {
    }

    /**
     * @param what names the input in messages ({@code NEURON_RT_VISIBLE_CORES='3,5'})
     * @param unit {@code device} or {@code core}
     */
    static List<Integer> parse(String value, String what, String unit) {
        List<Integer> out = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (String part : value.split(",", -1)) {
            String entry = part.strip();
            if (entry.isEmpty()) {
                throw JaccelException.badInput(what + ": empty entry (expected n or a-b, separated by commas)");
            }
            int dash = entry.indexOf('-');
            int from = number(dash < 0 ? entry : entry.substring(0, dash), entry, what);
            int to = dash < 0 ? from : number(entry.substring(dash + 1), entry, what);
            if (to < from) {
                throw JaccelException.badInput(what + ": range " + Messages.quote(entry) + " runs backwards (write " + to + "-" + from + ")");
            }
            for (int i = from; i <= to; i++) {
                if (!seen.add(i)) {
                    throw JaccelException.badInput(what + ": " + unit + " " + i + " is listed twice");
                }
                out.add(i);
            }
        }
        return out;
    }

    private static int number(String s, String entry, String what) {
        String t = s.strip();
        if (t.isEmpty() || t.length() > 4 || !t.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(t) > MAX_ID) {
            throw JaccelException.badInput(what + ": " + Messages.quote(entry) + " is not an index or a range a-b of indices (0-"
                    + MAX_ID + ")");
        }
        return Integer.parseInt(t);
    }

    /** {@code 0-3}, {@code 5}, or {@code 0-1,4} for a sorted list. */
    public static String format(List<Integer> sorted) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
                j++;
            }
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(sorted.get(i));
            if (j > i) {
                sb.append('-').append(sorted.get(j));
            }
            i = j + 1;
        }
        return sb.toString();
    }
}
