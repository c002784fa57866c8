package dev.jaccel.core.require;

import java.math.BigInteger;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Neuron package version ({@code 2.24.7.0}, {@code 2.26}). The order is core's
 * {@link NumericVersion} order (part by part, missing parts being 0), the same rule the Neuron
 * release notes use; only the parsing is Neuron's own: sysfs and {@code modinfo} text carry a
 * newline or a {@code -gitsha} suffix, so the leading dotted numbers are taken and the rest ignored.
 */
public record NeuronVersion(NumericVersion numeric) implements Comparable<NeuronVersion> {
    private static final Pattern LEADING_NUMBERS = Pattern.compile("\\d+(?:\\.\\d+)*");

    public NeuronVersion {
        Objects.requireNonNull(numeric, "numeric");
    }

    /** Parses the leading dotted numbers; {@code null} for {@code null} or text without a leading number. */
    public static NeuronVersion parse(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = LEADING_NUMBERS.matcher(text.strip());
        if (!m.lookingAt()) {
            return null;
        }
        NumericVersion read = NumericVersion.parse(m.group()).orElseThrow();
        // canonical text (007 -> 7) so that equal parts make equal versions
        String canonical = String.join(".", read.components().stream().map(BigInteger::toString).toList());
        return new NeuronVersion(new NumericVersion(read.components(), canonical));
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
        return numeric.compareTo(o.numeric);
    }

    @Override
    public String toString() {
        return numeric.toString();
    }
}
