package dev.jaccel.neuron;

import java.util.ArrayList;
import java.util.List;

/**
 * A Neuron package version ({@code 2.24.7.0}, {@code 2.26}): dotted numbers compared part by part,
 * missing parts being 0. Anything after the numbers ({@code -gitsha}) is ignored.
 */
public record NeuronVersion(List<Integer> parts) implements Comparable<NeuronVersion> {
    public NeuronVersion {
        parts = List.copyOf(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a version needs at least one number");
        }
    }

    /** Parses the leading dotted numbers; {@code null} for {@code null} or text without a leading number. */
    public static NeuronVersion parse(String text) {
        if (text == null) {
            return null;
        }
        List<Integer> parts = new ArrayList<>();
        for (String part : text.strip().split("\\.")) {
            int end = 0;
            while (end < part.length() && end < 9 && Character.isDigit(part.charAt(end))) {
                end++;
            }
            if (end == 0) {
                break;
            }
            parts.add(Integer.parseInt(part.substring(0, end)));
            if (end < part.length()) {
                break;
            }
        }
        return parts.isEmpty() ? null : new NeuronVersion(parts);
    }

    public static NeuronVersion of(String text) {
        NeuronVersion v = parse(text);
        if (v == null) {
            throw new IllegalArgumentException("not a version: " + text);
        }
        return v;
    }

    public boolean atLeast(String other) {
        return compareTo(of(other)) >= 0;
    }

    public boolean below(String other) {
        return compareTo(of(other)) < 0;
    }

    @Override
    public int compareTo(NeuronVersion o) {
        for (int i = 0; i < Math.max(parts.size(), o.parts.size()); i++) {
            int a = i < parts.size() ? parts.get(i) : 0;
            int b = i < o.parts.size() ? o.parts.get(i) : 0;
            if (a != b) {
                return Integer.compare(a, b);
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        return String.join(".", parts.stream().map(String::valueOf).toList());
    }
}
