package dev.flexauth.internal;

import java.util.regex.Pattern;

/**
 * Recognises secret material by name and by shape, so a request carrying a credential is refused
 * before anything is logged, and a policy cannot declare a field that would invite one. Shared by
 * the policy reader and the request codecs; not API.
 */
public final class Secrets {
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(token|secret|passw(or)?d|passphrase|private_?key|privkey|api_?key|credential|authorization|cookie|session_?id).*");
    private static final Pattern SECRET_VALUE = Pattern.compile(
            "(?s).*(-----BEGIN [A-Z ]*PRIVATE KEY-----|\\bhv[sbr]\\.[A-Za-z0-9_-]{20,}|\\bs\\.[A-Za-z0-9]{24}\\b).*");

    private Secrets() {
    }

    /** Whether a member named {@code name} would carry a secret (token, password, private key, ...). */
    public static boolean looksLikeSecretName(String name) {
        return SECRET_NAME.matcher(name.replace('-', '_')).matches();
    }

    /** Whether {@code value} holds a private key block or a Vault/OpenBao token. */
    public static boolean looksLikeSecretValue(String value) {
        if (value.length() < 20) {
            return false;
        }
        // Cheap necessary conditions first: the regular expression runs only on likely candidates.
        boolean candidate = value.contains("PRIVATE KEY") || value.contains("hvs.") || value.contains("hvb.")
                || value.contains("hvr.") || value.contains("s.");
        return candidate && SECRET_VALUE.matcher(value).matches();
    }
}
