package dev.jaccel.core.require;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.Messages;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses the requirement DSL of libnvidia-container ({@code src/cli/dsl.c}; docs/nvidia-container-semantics.md §2.2):
 * space = OR, comma = AND, a factor is {@code <cuda|driver|arch|brand><op><value>} with op one of
 * {@code = != < <= > >=}. Versions must be digits and dots. Unlike libnvidia-container, which only notices junk in
 * the term it happens to evaluate, every term is checked up front: a typo never hides behind a
 * term that happens to pass.
 */
public final class RequirementParser {
    private RequirementParser() {
    }

    /**
     * @return the requirement, or empty for a blank value (nothing required)
     * @throws JaccelException exit 2: {@code invalid expression} naming the variable and the factor
     */
    public static Optional<Requirement> parse(String source, String text) {
        // split by hand, not by regex: an image's NVIDIA_REQUIRE_CUDA has 60 terms and is parsed on
        // every GPU container start
        String trimmed = text.trim();
        List<List<Factor>> terms = new ArrayList<>();
        List<String> termTexts = new ArrayList<>();
        int n = trimmed.length();
        int start = 0;
        while (start < n) {
            int end = start;
            while (end < n && !isBlank(trimmed.charAt(end))) {
                end++;
            }
            String term = trimmed.substring(start, end);
            List<Factor> factors = new ArrayList<>(3);
            for (int from = 0; ; ) {
                int comma = term.indexOf(',', from);
                factors.add(factor(source, text, term.substring(from, comma < 0 ? term.length() : comma)));
                if (comma < 0) {
                    break;
                }
                from = comma + 1;
            }
            terms.add(factors);
            termTexts.add(term);
            start = end;
            while (start < n && isBlank(trimmed.charAt(start))) {
                start++;
            }
        }
        return terms.isEmpty() ? Optional.empty() : Optional.of(new Requirement(source, text, terms, termTexts));
    }

    /** What separates terms: runs of spaces (docs/nvidia-container-semantics.md §2.2) and tabs. */
    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static Factor factor(String source, String text, String factor) {
        int opStart = 0;
        while (opStart < factor.length() && Character.isLetter(factor.charAt(opStart))) {
            opStart++;
        }
        String name = factor.substring(0, opStart);
        Property property = Property.of(name).orElseThrow(() -> invalid(source, text, factor,
                name.isEmpty() ? "no property (expected cuda, driver, arch or brand)"
                        : "unknown property " + Messages.quote(name) + " (expected cuda, driver, arch or brand)"));
        Operator operator = null;
        for (Operator op : Operator.values()) {
            if (factor.startsWith(op.symbol(), opStart)) {
                operator = op;
                break;
            }
        }
        if (operator == null) {
            throw invalid(source, text, factor, "no operator (expected one of = != < <= > >=)");
        }
        String value = factor.substring(opStart + operator.symbol().length());
        if (value.isEmpty()) {
            throw invalid(source, text, factor, "no value");
        }
        if ("=<>!".indexOf(value.charAt(0)) >= 0) {
            throw invalid(source, text, factor, "unknown operator (expected one of = != < <= > >=)");
        }
        Factor parsed = new Factor(property, operator, value);
        if (property.isVersion() && parsed.version() == null) {
            throw invalid(source, text, factor, Messages.quote(value) + " is not a version (digits and dots only)");
        }
        return parsed;
    }

    private static JaccelException invalid(String source, String text, String factor, String why) {
        return JaccelException.badInput("invalid expression in " + Messages.input(source) + "=" + Messages.quote(text) + ": "
                + Messages.quote(factor) + ": " + why);
    }
}
