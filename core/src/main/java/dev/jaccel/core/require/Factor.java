package dev.jaccel.core.require;

/** One {@code <property><operator><value>} of a requirement, e.g. {@code driver>=470}. */
public record Factor(Property property, Operator operator, String value) {
    @Override
    public String toString() {
        return property.key() + operator.symbol() + value;
    }
}
