package dev.flexauth.internal;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises secret material by name and by shape, so a request carrying a credential is refused
 * before anything is logged, a policy cannot declare a field that would invite one, and a
 * credential-shaped value that does reach a log is replaced by a marker ({@link #redact}). The
 * shapes are listed here and nowhere else ({@link Shape}). Shared by the policy reader, the
 * request codecs, the decision-log record and the server log; not API.
 */
public final class Secrets {
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(token|secret|passw(or)?d|passphrase|private_?key|privkey|api_?key|credential|authorization|cookie|session_?id).*");
    private static final Pattern SECRET_VALUE = Pattern.compile(
            "(?s).*(-----BEGIN [A-Z ]*PRIVATE KEY-----|\\bhv[sbr]\\.[A-Za-z0-9_-]{20,}|\\bs\\.[A-Za-z0-9]{24}\\b).*");

    /** The shortest value any shape can match ({@code xoxb-} and 10 characters). */
    private static final int SHORTEST = 15;
    private static final HexFormat HEX = HexFormat.of();

    /** What the quick pre-filter must see in a value before a shape's expression runs. */
    private enum Needs { DOT, UNDERSCORE, DASH, CAPITALS }

    /**
     * A credential shape: its label in the marker, the characters its matches must contain (a
     * one-pass pre-filter), literal triggers of which one must occur, and the expression that
     * finds it. Expressions have no word boundaries at the ends, so a credential glued to other
     * text is still found.
     */
    public enum Shape {
        /** PEM, PGP and OpenSSH private key blocks, or their header alone, up to the end line if any. */
        PRIVATE_KEY("private_key", Needs.DASH, List.of("-----BEGIN "),
                "-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----(?s:.*?)(?:-----END \\1-----|$)"),
        /** A JSON Web Token: base64url of {@code {"} twice, then a signature (possibly empty). */
        JWT("jwt", Needs.DOT, List.of("eyJ"), "eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*"),
        /** GitHub tokens: personal, OAuth, user-to-server, server-to-server, refresh, fine-grained. */
        GITHUB_TOKEN("github_token", Needs.UNDERSCORE, List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
                "(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})"),
        /** GitLab personal access tokens. */
        GITLAB_TOKEN("gitlab_token", Needs.DASH, List.of("glpat-"), "glpat-[A-Za-z0-9_-]{20,}"),
        /** AWS access key ids, long-term ({@code AKIA}) and temporary ({@code ASIA}). */
        AWS_ACCESS_KEY("aws_access_key", Needs.CAPITALS, List.of("AKIA", "ASIA"), "(?:AKIA|ASIA)[A-Z0-9]{16}"),
        /** An AWS secret access key given with its name, as in a credentials file or an environment line. */
        AWS_SECRET_KEY("aws_secret_key", Needs.UNDERSCORE, List.of("ecret_access_key", "ECRET_ACCESS_KEY"),
                "(?i:(?:aws_)?secret_access_key)[\"']?\\s*[=:]\\s*[\"']?[A-Za-z0-9/+]{40}"),
        /** Google OAuth access tokens (what a service account's key is exchanged for). */
        GCP_TOKEN("gcp_token", Needs.DOT, List.of("ya29."), "ya29\\.[A-Za-z0-9_-]{20,}"),
        /** The key id member of a Google service-account key file (its private key is a PEM block above). */
        GCP_PRIVATE_KEY_ID("gcp_private_key_id", Needs.UNDERSCORE, List.of("private_key_id"),
                "\"?private_key_id\"?\\s*[=:]\\s*\"?[0-9a-f]{40}\"?"),
        /** Slack bot, user, app-level and refresh tokens. */
        SLACK_TOKEN("slack_token", Needs.DASH, List.of("xoxa-", "xoxb-", "xoxp-", "xoxr-"), "xox[abpr]-[A-Za-z0-9-]{10,}"),
        /** Vault and OpenBao service, batch and recovery tokens, and the legacy {@code s.} service tokens. */
        VAULT_TOKEN("vault_token", Needs.DOT, List.of("hvs.", "hvb.", "hvr.", "s."),
                "(?:hv[sbr]\\.[A-Za-z0-9_-]{20,}|s\\.[A-Za-z0-9]{24})");

        private final String label;
        private final Needs needs;
        private final List<String> triggers;
        private final Pattern pattern;

        Shape(String label, Needs needs, List<String> triggers, String regex) {
            this.label = label;
            this.needs = needs;
            this.triggers = triggers;
            this.pattern = Pattern.compile(regex);
        }

        /** The name in the marker, e.g. {@code jwt}. */
        public String label() {
            return label;
        }

        private boolean triggered(String value) {
            for (String t : triggers) {
                if (value.contains(t)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final Shape[] SHAPES = Shape.values();

    private Secrets() {
    }

    /** Whether a member named {@code name} would carry a secret (token, password, private key, ...). */
    public static boolean looksLikeSecretName(String name) {
        return SECRET_NAME.matcher(name.replace('-', '_')).matches();
    }

    /** Whether {@code value} holds a private key block or a Vault/OpenBao token: refused in requests. */
    public static boolean looksLikeSecretValue(String value) {
        if (value.length() < 20) {
            return false;
        }
        // Cheap necessary conditions first: the regular expression runs only on likely candidates.
        boolean candidate = value.contains("PRIVATE KEY") || value.contains("hvs.") || value.contains("hvb.")
                || value.contains("hvr.") || value.contains("s.");
        return candidate && SECRET_VALUE.matcher(value).matches();
    }

    /**
     * {@code value} with every credential-shaped part replaced by {@code [redacted:<shape>
     * sha256:<8 hex>]}, the first 8 hex digits of the SHA-256 of the part's UTF-8 bytes, so that
     * whoever already holds a credential can tell whether it was sent. Returns {@code value}
     * itself when nothing matched; most values are rejected by one pass over their characters.
     */
    public static String redact(String value) {
        if (value.length() < SHORTEST) {
            return value;
        }
        boolean dot = false;
        boolean underscore = false;
        boolean dash = false;
        int capitals = 0;
        int longestCapitals = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '.') {
                dot = true;
            } else if (c == '_') {
                underscore = true;
            } else if (c == '-') {
                dash = true;
            }
            capitals = c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ? capitals + 1 : 0;
            longestCapitals = Math.max(longestCapitals, capitals);
        }
        String out = value;
        for (Shape shape : SHAPES) {
            boolean possible = switch (shape.needs) {
                case DOT -> dot;
                case UNDERSCORE -> underscore;
                case DASH -> dash;
                case CAPITALS -> longestCapitals >= 20;
            };
            if (possible && shape.triggered(out)) {
                Matcher m = shape.pattern.matcher(out);
                if (m.find()) {
                    out = m.replaceAll(r -> Matcher.quoteReplacement(marker(shape, r.group())));
                }
            }
        }
        return out;
    }

    /** The marker for {@code secret} found as {@code shape}. */
    public static String marker(Shape shape, String secret) {
        return "[redacted:" + shape.label + " sha256:" + HEX.formatHex(Sha256.of(secret.getBytes(StandardCharsets.UTF_8)), 0, 4) + "]";
    }

}
