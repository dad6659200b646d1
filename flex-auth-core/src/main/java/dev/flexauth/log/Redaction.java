package dev.flexauth.log;

import dev.flexauth.internal.Secrets;

/**
 * Redaction of credential-shaped text for any log: JWTs, GitHub, GitLab, AWS, Google Cloud,
 * Slack and Vault tokens, and private key blocks become {@code [redacted:<shape> sha256:<8 hex>]}.
 * The decision-log record applies it to every request and output value; the server applies it to
 * every line of its own log. Stateless and thread-safe.
 */
public final class Redaction {
    private Redaction() {
    }

    /** {@code text} with every credential-shaped part replaced by its marker; {@code text} itself if none. */
    public static String redact(String text) {
        return Secrets.redact(text);
    }
}
