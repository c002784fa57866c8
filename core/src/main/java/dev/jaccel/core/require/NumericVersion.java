package dev.jaccel.core.require;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A dotted version made of digits only ({@code 535.104.05}, {@code 12.4}, {@code 9.0}), compared
 * the way libnvidia-container's requirement DSL compares them: component by component,
 * numerically, and when one side runs out the other side's remaining components must all be zero
 * to be equal. So {@code 12.0 = 12} and {@code 535.104.05 > 535} (libnvidia-container {@code src/cli/dsl.c}
 * {@code dsl_compare_version}; docs/nvidia-container-semantics.md §2.2).
 */
public record NumericVersion(List<BigInteger> components, String text) implements Comparable<NumericVersion> {
    public NumericVersion {
        components = List.copyOf(components);
    }

    /**
     * Longest component accepted: no driver, CUDA or runtime release comes near it, and BigInteger
     * parses decimal digits in time quadratic in their number (a 5 MB requirement in an image's
     * env took 15 minutes of a container start).
     */
    static final int MAX_COMPONENT_DIGITS = 64;
    /** Digits that always fit a {@code long}: parsed without BigInteger's general path. */
    private static final int LONG_DIGITS = 18;

    /**
     * Parses digits separated by single dots; anything else (empty component, sign, letter, a
     * component of more than {@value #MAX_COMPONENT_DIGITS} digits) is empty.
     */
    public static Optional<NumericVersion> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        List<BigInteger> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '.') {
                if (i == start || i - start > MAX_COMPONENT_DIGITS) {
                    return Optional.empty();
                }
                parts.add(i - start <= LONG_DIGITS ? BigInteger.valueOf(Long.parseLong(text, start, i, 10))
                        : new BigInteger(text.substring(start, i)));
                start = i + 1;
            } else if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return Optional.empty();
            }
        }
        return Optional.of(new NumericVersion(parts, text));
    }

    /** The first component (a driver's branch: 575 for 575.57.08). */
    public BigInteger major() {
        return components.getFirst();
    }

    @Override
    public int compareTo(NumericVersion other) {
        int n = Math.max(components.size(), other.components.size());
        for (int i = 0; i < n; i++) {
            BigInteger a = i < components.size() ? components.get(i) : BigInteger.ZERO;
            BigInteger b = i < other.components.size() ? other.components.get(i) : BigInteger.ZERO;
            int c = a.compareTo(b);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        return text;
    }
}
