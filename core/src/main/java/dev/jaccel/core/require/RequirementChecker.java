package dev.jaccel.core.require;

import dev.jaccel.core.JaccelException;
import dev.jaccel.core.Messages;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
        List<Values> perTarget = Values.perTarget(targets);
        for (Requirement r : requirements) {
            Map<Values, Boolean> answers = new IdentityHashMap<>();
            for (int i = 0; i < targets.size(); i++) {
                if (!answers.computeIfAbsent(perTarget.get(i), v -> satisfied(r, v))) {
                    String first = r.termTexts().getFirst();
                    throw JaccelException.unsatisfied("unsatisfied condition: " + Messages.input(first)
                            + (first.startsWith("cuda>=") ? CUDA_HINT : "")
                            + "; the host has " + targets.get(i).describe());
                }
            }
        }
    }

    /** One distinct set of facts with its versions parsed once. */
    private record Values(DeviceFacts facts, NumericVersion cuda, NumericVersion driver, NumericVersion arch) {
        /**
         * The values of each target, one instance per distinct set: GPUs of one model share every
         * value tested, so each set is evaluated once and a failure names the first GPU that has it.
         */
        static List<Values> perTarget(List<DeviceFacts> targets) {
            List<Values> distinct = new ArrayList<>(2);
            List<Values> perTarget = new ArrayList<>(targets.size());
            for (DeviceFacts facts : targets) {
                Values same = null;
                for (int i = 0; i < distinct.size() && same == null; i++) {
                    same = distinct.get(i).sameValuesAs(facts) ? distinct.get(i) : null;
                }
                if (same == null) {
                    same = new Values(facts, version(facts.cuda()), version(facts.driver()), version(facts.arch()));
                    distinct.add(same);
                }
                perTarget.add(same);
            }
            return perTarget;
        }

        /**
         * Compared field by field rather than as a map key: a record's generated equals and hashCode
         * bootstrap through invokedynamic, tens of ms in a container start's JVM (docs/perf/README.md).
         */
        boolean sameValuesAs(DeviceFacts other) {
            return Objects.equals(facts.driver(), other.driver()) && Objects.equals(facts.cuda(), other.cuda())
                    && Objects.equals(facts.brand(), other.brand()) && Objects.equals(facts.arch(), other.arch())
                    && (facts.gpu() == null) == (other.gpu() == null);
        }

        private static NumericVersion version(String text) {
            return text == null ? null : NumericVersion.parse(text).orElse(null);
        }

        NumericVersion version(Property p) {
            return switch (p) {
                case CUDA -> cuda;
                case DRIVER -> driver;
                case ARCH -> arch;
                case BRAND -> null;
            };
        }
    }

    private boolean satisfied(Requirement r, Values values) {
        for (List<Factor> term : r.terms()) {
            boolean all = true;
            for (Factor f : term) {
                if (!holds(r, f, values)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private boolean holds(Requirement r, Factor f, Values values) {
        DeviceFacts facts = values.facts();
        if (f.property().isPerDevice() && facts.gpu() == null) {
            return true; // libnvidia-container: arch and brand pass when no GPU is selected
        }
        if (f.property() == Property.BRAND) {
            if (f.operator() != Operator.EQ && f.operator() != Operator.NE) {
                throw JaccelException.badInput("invalid expression in " + Messages.input(r.source()) + "="
                        + Messages.quote(r.text()) + ": " + Messages.quote(f.toString()) + ": brand compares with = or != only");
            }
            String actual = facts.brand();
            return actual == null || f.operator().test(actual.equalsIgnoreCase(f.value()) ? 0 : 1);
        }
        NumericVersion have = values.version(f.property());
        if (have == null) {
            return true; // libnvidia-container: an unknown driver or CUDA version does not fail a requirement
        }
        boolean ok = f.operator().test(have.compareTo(f.version()));
        if (!ok && minorVersionCompatibility && f.property() == Property.CUDA && f.operator() == Operator.GE) {
            var covered = CudaMinorVersionCompatibility.covers(f.value(), facts);
            covered.ifPresent(warnings);
            return covered.isPresent();
        }
        return ok;
    }
}
