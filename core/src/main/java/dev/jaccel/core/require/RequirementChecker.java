package dev.jaccel.core.require;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.Messages;

import java.util.List;
import java.util.function.Consumer;

/**
 * Evaluates requirements the way {@code nvidia-container-cli configure} does (libnvidia-container
 * {@code src/cli/configure.c}, {@code src/cli/dsl.c}; docs/nvidia-container-semantics.md §2.2, §2.3): every requirement
 * against every selected GPU (and every parent of a selected MIG device), or once with no device
 * when none is selected. The failure message is libnvidia-container's, followed by the values the host has.
 */
public final class RequirementChecker {
    static final String CUDA_HINT = ", please update your driver to a newer version, or use an earlier cuda container";

    private final boolean minorVersionCompatibility;
    private final Consumer<String> warnings;

    /**
     * @param minorVersionCompatibility accept a failed {@code cuda>=} under CUDA minor-version
     *                                  compatibility (off in NVIDIA's toolkit)
     * @param warnings                  receives one line per requirement accepted that way
     */
    public RequirementChecker(boolean minorVersionCompatibility, Consumer<String> warnings) {
        this.minorVersionCompatibility = minorVersionCompatibility;
        this.warnings = warnings;
    }

    /**
     * @param devices one entry per GPU to check; empty means "no GPU selected" and checks the
     *                host values once
     * @throws JaccelException exit 3 {@code unsatisfied condition: ...}; exit 2 {@code invalid
     *                         expression} for a brand compared with anything but {@code =}/{@code !=}
     */
    public void check(List<Requirement> requirements, List<DeviceFacts> devices, DeviceFacts host) {
        List<DeviceFacts> targets = devices.isEmpty() ? List.of(host) : devices;
        for (Requirement r : requirements) {
            for (DeviceFacts facts : targets) {
                if (!satisfied(r, facts)) {
                    String first = r.termTexts().getFirst();
                    throw JaccelException.unsatisfied("unsatisfied condition: " + Messages.input(first)
                            + (first.startsWith("cuda>=") ? CUDA_HINT : "")
                            + "; the host has " + facts.describe());
                }
            }
        }
    }

    private boolean satisfied(Requirement r, DeviceFacts facts) {
        for (List<Factor> term : r.terms()) {
            if (term.stream().allMatch(f -> holds(r, f, facts))) {
                return true;
            }
        }
        return false;
    }

    private boolean holds(Requirement r, Factor f, DeviceFacts facts) {
        String actual = facts.value(f.property());
        if (f.property().isPerDevice() && facts.gpu() == null) {
            return true; // libnvidia-container: arch and brand pass when no GPU is selected
        }
        if (f.property() == Property.BRAND) {
            if (f.operator() != Operator.EQ && f.operator() != Operator.NE) {
                throw JaccelException.badInput("invalid expression in " + Messages.input(r.source()) + "="
                        + Messages.quote(r.text()) + ": " + Messages.quote(f.toString()) + ": brand compares with = or != only");
            }
            return actual == null || f.operator().test(actual.equalsIgnoreCase(f.value()) ? 0 : 1);
        }
        NumericVersion have = actual == null ? null : NumericVersion.parse(actual).orElse(null);
        if (have == null) {
            return true; // libnvidia-container: an unknown driver or CUDA version does not fail a requirement
        }
        boolean ok = f.operator().test(have.compareTo(NumericVersion.parse(f.value()).orElseThrow()));
        if (!ok && minorVersionCompatibility && f.property() == Property.CUDA && f.operator() == Operator.GE) {
            var covered = CudaMinorVersionCompatibility.covers(f.value(), facts);
            covered.ifPresent(warnings);
            return covered.isPresent();
        }
        return ok;
    }
}
