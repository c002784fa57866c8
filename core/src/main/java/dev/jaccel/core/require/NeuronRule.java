package dev.jaccel.core.require;

import java.util.List;
import java.util.function.Predicate;

/**
 * One runtime/driver compatibility rule: when {@code appliesWhen} holds (deciding it needs
 * {@code whenFacts}), {@code requires} must hold (deciding it needs {@code requiredFacts}).
 *
 * @param id          short stable name, printed by {@code jaccel check}
 * @param requirement the rule in words
 * @param cure        what the user does when it fails
 * @param source      where the rule comes from
 */
public record NeuronRule(String id, String requirement, String cure, String source,
                         List<NeuronFacts.Fact> whenFacts, Predicate<NeuronFacts> appliesWhen,
                         List<NeuronFacts.Fact> requiredFacts, Predicate<NeuronFacts> requires) {

    public enum Outcome { PASS, FAIL, NOT_APPLICABLE, UNKNOWN }

    /** What a rule said about a host; {@code message} explains FAIL and UNKNOWN. */
    public record Result(NeuronRule rule, Outcome outcome, String message) {
    }

    public NeuronRule {
        whenFacts = List.copyOf(whenFacts);
        requiredFacts = List.copyOf(requiredFacts);
    }

    public Result evaluate(NeuronFacts facts) {
        List<NeuronFacts.Fact> missing = whenFacts.stream().filter(f -> f.of(facts) == null).toList();
        if (!missing.isEmpty()) {
            return unknown(missing);
        }
        if (!appliesWhen.test(facts)) {
            return new Result(this, Outcome.NOT_APPLICABLE, id + ": does not apply");
        }
        missing = requiredFacts.stream().filter(f -> f.of(facts) == null).toList();
        if (!missing.isEmpty()) {
            return unknown(missing);
        }
        if (requires.test(facts)) {
            return new Result(this, Outcome.PASS, id + ": " + requirement);
        }
        return new Result(this, Outcome.FAIL, "rule " + id + " failed: " + requirement + "; found " + found(facts)
                + ". Cure: " + cure + " (source: " + source + ")");
    }

    private Result unknown(List<NeuronFacts.Fact> missing) {
        return new Result(this, Outcome.UNKNOWN, id + ": not checked, "
                + String.join(" and ", missing.stream().map(NeuronFacts.Fact::label).toList()) + " unknown");
    }

    /** Driver and runtime always (unknown ones say so), plus any other fact the rule uses. */
    private String found(NeuronFacts facts) {
        StringBuilder s = new StringBuilder()
                .append("driver ").append(orUnknown(facts.driver()))
                .append(", runtime ").append(orUnknown(facts.runtime()));
        if (whenFacts.contains(NeuronFacts.Fact.MODULE_ON_DISK) || requiredFacts.contains(NeuronFacts.Fact.MODULE_ON_DISK)) {
            s.append(", module on disk ").append(orUnknown(facts.moduleVersion()))
                    .append(" (").append(facts.moduleOnDisk().path()).append(")");
        }
        return s.toString();
    }

    private static String orUnknown(NeuronVersion v) {
        return v == null ? "unknown" : v.toString();
    }
}
