package dev.flexauth.policy;

import dev.flexauth.registry.AttributeType;

/**
 * The type of a request field: a plain {@link AttributeType}, or an entity kind, meaning the
 * value is a string key looked up in the registry.
 *
 * @param scalar     the plain type, or {@code null} for an entity reference
 * @param entityKind the entity kind, or {@code null} for a plain type
 */
public record FieldType(AttributeType scalar, String entityKind) {
    public FieldType {
        if ((scalar == null) == (entityKind == null)) {
            throw new IllegalArgumentException("a field type is either a plain type or an entity kind");
        }
    }

    /** A plain type. */
    public static FieldType of(AttributeType type) {
        return new FieldType(type, null);
    }

    /** A reference to an entity of {@code kind}. */
    public static FieldType entity(String kind) {
        return new FieldType(null, kind);
    }

    /** Whether values are entity keys. */
    public boolean isEntity() {
        return entityKind != null;
    }

    /** The type of the value on the wire: entity keys are strings. */
    public AttributeType wireType() {
        return scalar == null ? AttributeType.STRING : scalar;
    }

    /** As written in the Request table. */
    public String label() {
        return scalar == null ? entityKind : scalar.label();
    }

    @Override
    public String toString() {
        return label();
    }
}
