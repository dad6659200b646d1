package dev.flexauth.registry;

import java.util.Optional;

/** The types an entity attribute (and a request field) can have. */
public enum AttributeType {
    STRING("string"),
    /** A 64-bit signed integer, held as {@link Long}. */
    INTEGER("integer"),
    BOOLEAN("boolean"),
    /** An ordered list of strings, held as {@link StringList}. */
    STRING_LIST("string[]");

    private final String label;

    AttributeType(String label) {
        this.label = label;
    }

    /** The name used in policy tables, docs and messages: {@code string}, {@code integer}, ... */
    public String label() {
        return label;
    }

    /** The type whose {@link #label()} is {@code label}, if any. */
    public static Optional<AttributeType> fromLabel(String label) {
        for (AttributeType t : values()) {
            if (t.label.equals(label)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code value} is a Java value of this type. */
    public boolean accepts(Object value) {
        switch (this) {
            case STRING:
                return value instanceof String;
            case INTEGER:
                return value instanceof Long;
            case BOOLEAN:
                return value instanceof Boolean;
            default:
                return value instanceof StringList;
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
