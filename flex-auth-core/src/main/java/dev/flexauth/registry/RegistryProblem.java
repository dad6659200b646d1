package dev.flexauth.registry;

import dev.flexauth.reason.RegistryCode;

/**
 * One problem of a registry snapshot, located by JSON path ({@code entities.actor[2].max_ttl_hours}),
 * or by {@code line:column} when the bytes are not JSON.
 *
 * @param path    where: a JSON path without the leading {@code $}, or empty for the whole document
 * @param code    what kind of problem
 * @param message what was expected and found, and what to do
 */
public record RegistryProblem(String path, RegistryCode code, String message) {
    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
