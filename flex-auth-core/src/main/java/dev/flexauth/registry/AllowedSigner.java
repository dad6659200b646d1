package dev.flexauth.registry;

import java.time.Instant;

/**
 * One line of an OpenSSH {@code allowed_signers} file.
 *
 * @param line        its 1-based line number
 * @param principals  the principals as written (flex-auth names them, it does not match them)
 * @param namespaces  the {@code namespaces="..."} pattern list, or {@code null} for any namespace
 * @param validAfter  the {@code valid-after} time, or {@code null}
 * @param validBefore the {@code valid-before} time, or {@code null}
 */
record AllowedSigner(int line, String principals, String namespaces, Instant validAfter, Instant validBefore,
        SshPublicKey key) {

    /** Why this line does not allow {@code namespace} at {@code now}, or null if it does. */
    String refusal(String namespace, Instant now) {
        if (namespaces != null && !Patterns.matchesList(namespace, namespaces)) {
            return "its namespaces=\"" + namespaces + "\" does not include \"" + namespace + "\"";
        }
        if (validAfter != null && now.isBefore(validAfter)) {
            return "it is valid after " + validAfter + " only, and it is " + now;
        }
        if (validBefore != null && now.isAfter(validBefore)) {
            return "it expired: valid before " + validBefore + ", and it is " + now;
        }
        return null;
    }

    /** OpenSSH's pattern lists: comma-separated, {@code *} and {@code ?} wildcards, {@code !} negates. */
    static final class Patterns {
        private Patterns() {
        }

        static boolean matchesList(String s, String list) {
            boolean matched = false;
            for (String p : list.split(",", -1)) {
                boolean negated = p.startsWith("!");
                if (matches(s, 0, negated ? p.substring(1) : p, 0)) {
                    if (negated) {
                        return false;
                    }
                    matched = true;
                }
            }
            return matched;
        }

        private static boolean matches(String s, int i, String p, int j) {
            while (j < p.length()) {
                char c = p.charAt(j);
                if (c == '*') {
                    for (int k = i; k <= s.length(); k++) {
                        if (matches(s, k, p, j + 1)) {
                            return true;
                        }
                    }
                    return false;
                }
                if (i >= s.length() || (c != '?' && c != s.charAt(i))) {
                    return false;
                }
                i++;
                j++;
            }
            return i == s.length();
        }
    }
}
