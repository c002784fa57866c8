package dev.jaccel.core.require;

/**
 * One {@code <property><operator><value>} of a requirement, e.g. {@code driver>=470}.
 *
 * @param version the value parsed once, for the properties compared as versions ({@code null} for
 *                {@code brand}, or a value that is not a version)
 */
public record Factor(Property property, Operator operator, String value, NumericVersion version) {
    public Factor(Property property, Operator operator, String value) {
        this(property, operator, value, property.isVersion() ? NumericVersion.parse(value).orElse(null) : null);
    }

    @Override
    public String toString() {
        return property.key() + operator.symbol() + value;
    }
}
