/**
 * Registry snapshots: the entities (by kind, id and typed attributes) that decisions are made
 * with. {@link dev.flexauth.registry.RegistryLoader} reads and validates the JSON format of
 * {@code docs/registry-format.md}, reporting every problem with its JSON path;
 * {@link dev.flexauth.registry.Registry} is the immutable result with its canonical digest.
 */
package dev.flexauth.registry;
