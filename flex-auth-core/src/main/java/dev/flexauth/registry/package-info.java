/**
 * Registry snapshots: the entities (by kind, id and typed attributes) that decisions are made
 * with. {@link dev.flexauth.registry.RegistryLoader} reads and validates the JSON format of
 * {@code docs/registry-format.md}, reporting every problem with its JSON path;
 * {@link dev.flexauth.registry.Registry} is the immutable result with its canonical digest.
 * {@link dev.flexauth.registry.SnapshotSigners} verifies a snapshot's SSH signature
 * ({@code ssh-keygen -Y sign}) against an OpenSSH {@code allowed_signers} file.
 */
package dev.flexauth.registry;
