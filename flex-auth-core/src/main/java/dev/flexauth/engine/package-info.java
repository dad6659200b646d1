/**
 * The engine: a policy package compiled against a registry snapshot
 * ({@link dev.flexauth.engine.Engine}), the requests it decides ({@link dev.flexauth.engine.Request}),
 * the decisions it returns ({@link dev.flexauth.engine.Decision}, with an optional
 * {@link dev.flexauth.engine.Trace}), the holder that swaps engines on reload, and the loader that
 * validates a snapshot and a package together.
 */
package dev.flexauth.engine;
