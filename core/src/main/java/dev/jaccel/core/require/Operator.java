package dev.jaccel.core.require;

/** The comparison operators of the requirement DSL, longest spelling first for parsing. */
public enum Operator {
    NE("!="), LE("<="), GE(">="), EQ("="), LT("<"), GT(">");

    private final String symbol;

    Operator(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    /** Applies this operator to the sign of {@code actual.compareTo(wanted)}. */
    public boolean test(int comparison) {
        return switch (this) {
            case NE -> comparison != 0;
            case LE -> comparison <= 0;
            case GE -> comparison >= 0;
            case EQ -> comparison == 0;
            case LT -> comparison < 0;
            case GT -> comparison > 0;
        };
    }
}
