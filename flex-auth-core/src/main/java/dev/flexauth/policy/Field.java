package dev.flexauth.policy;

import java.util.Objects;

/**
 * One row of a package's Request table: a field a check request carries.
 *
 * @param name     the member name in a {@code /v1/check} body and in rules
 * @param type     its type
 * @param required whether every request must carry it
 * @param authzen  where an AuthZEN request carries it ({@code resource.id}, {@code context.ttl_hours}),
 *                 or empty if AuthZEN requests cannot set it
 * @param meaning  the prose meaning, for docs and error messages
 * @param slot     its index in a request's value array
 * @param pos      where the row is
 */
public record Field(String name, FieldType type, boolean required, String authzen, String meaning, int slot, Pos pos) {
    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(authzen, "authzen");
        Objects.requireNonNull(meaning, "meaning");
    }
}
