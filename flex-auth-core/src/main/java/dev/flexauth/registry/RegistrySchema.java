package dev.flexauth.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a consumer (a policy package's Registry table) needs from a snapshot: the entity kinds
 * and, per kind, each attribute with its type. A snapshot checked against a schema must have
 * exactly these kinds and attributes, every entity every attribute. Immutable.
 *
 * @param kinds kind name to (attribute name to type), in declaration order
 */
public record RegistrySchema(Map<String, Map<String, AttributeType>> kinds) {
    public RegistrySchema {
        Map<String, Map<String, AttributeType>> copy = new LinkedHashMap<>();
        kinds.forEach((k, attrs) -> copy.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(attrs))));
        kinds = Collections.unmodifiableMap(copy);
    }

    /** The schema that asks for nothing: any well-formed snapshot satisfies it. */
    public static RegistrySchema none() {
        return new RegistrySchema(Map.of());
    }
}
