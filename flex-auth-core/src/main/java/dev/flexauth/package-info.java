/**
 * flex-auth, an authorization decision engine. Start at {@link dev.flexauth.FlexAuth#builder()}
 * (load a registry snapshot and a policy package into an {@link dev.flexauth.engine.Engine}) and
 * {@code docs/embedding.md}. Every exception for unusable input extends
 * {@link dev.flexauth.FlexAuthException}.
 */
package dev.flexauth;
