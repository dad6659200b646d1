package dev.flexauth.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of a package's Request table, in table order; a field's {@link Field#slot()} is its
 * index here and in a request's value array. Immutable and thread-safe.
 */
public final class RequestSchema {
    private final List<Field> fields;
    private final Map<String, Field> byName;

    /** The Request table's fields in slot order; built by the reader. */
    public RequestSchema(List<Field> fields) {
        this.fields = List.copyOf(fields);
        Map<String, Field> m = new HashMap<>();
        for (Field f : fields) {
            m.put(f.name(), f);
        }
        this.byName = Collections.unmodifiableMap(m);
    }

    /** The fields in slot order. */
    public List<Field> fields() {
        return fields;
    }

    /** The field named {@code name}, if declared. */
    public Optional<Field> field(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The field names in slot order. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        fields.forEach(f -> names.add(f.name()));
        return names;
    }

    /** The number of fields. */
    public int size() {
        return fields.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestSchema && ((RequestSchema) o).fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }
}
