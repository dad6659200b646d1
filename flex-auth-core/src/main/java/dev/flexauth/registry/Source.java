package dev.flexauth.registry;

import java.util.Objects;

/**
 * Where a registry snapshot came from: the generating system (e.g. {@code ops-warden}), the
 * inventory it was generated from, and when. Descriptive only: it is not part of the digest, so
 * regenerating identical data gives the same digest.
 *
 * @param system      the generator, never empty
 * @param inventory   the inventory or environment name; may be empty
 * @param generatedAt an RFC 3339 timestamp, as written in the snapshot
 */
public record Source(String system, String inventory, String generatedAt) {
    public Source {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(inventory, "inventory");
        Objects.requireNonNull(generatedAt, "generatedAt");
    }
}
