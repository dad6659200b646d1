package dev.flexauth.registry;

import dev.flexauth.registry.SshReader.Malformed;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Reads one line of an OpenSSH {@code allowed_signers} file ({@code PRINCIPALS [OPTIONS] KEYTYPE
 * BASE64KEY [COMMENT]}) into an {@link AllowedSigner}, or says what is wrong with it. Its options:
 * {@code namespaces}, {@code valid-after}, {@code valid-before}; {@code cert-authority} is refused.
 */
final class AllowedSignersLine {
    private static final List<String> OPTIONS = List.of("cert-authority", "namespaces", "valid-after", "valid-before");

    private AllowedSignersLine() {
    }

    /** Line {@code number} (1-based, for messages) of the file, stripped, not empty nor a comment. */
    static AllowedSigner read(String line, int number) throws BadLine {
        Words w = new Words(line);
        String principals = w.next("principals");
        String options = null;
        String word = w.peek();
        if (word != null && OPTIONS.stream().anyMatch(o -> word.toLowerCase(Locale.ROOT).startsWith(o))) {
            options = w.next("options");
        }
        String type = w.next("key type");
        String base64 = w.next("base64 key");
        String namespaces = null;
        Instant after = null;
        Instant before = null;
        if (options != null) {
            for (String option : splitOptions(options)) {
                int eq = option.indexOf('=');
                String opt = (eq < 0 ? option : option.substring(0, eq)).toLowerCase(Locale.ROOT);
                String value = eq < 0 ? null : unquote(option.substring(eq + 1));
                switch (opt) {
                    case "cert-authority" -> throw new BadLine("cert-authority is not supported: list the signing key"
                            + " itself (its .pub line), not a certificate authority");
                    case "namespaces" -> namespaces = required(opt, value);
                    case "valid-after" -> after = time(opt, required(opt, value));
                    case "valid-before" -> before = time(opt, required(opt, value));
                    default -> throw new BadLine("unknown option \"" + opt + "\"; expected namespaces=\"...\", valid-after=\"...\""
                            + " or valid-before=\"...\"");
                }
            }
        }
        if (!SshPublicKey.TYPES.contains(type)) {
            throw new BadLine("key type \"" + type + "\" is not supported; flex-auth verifies " + String.join(", ", SshPublicKey.TYPES));
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new BadLine("the key after \"" + type + "\" is not base64: " + e.getMessage());
        }
        SshPublicKey key;
        try {
            key = SshPublicKey.parse(blob);
        } catch (Malformed e) {
            throw new BadLine("the " + type + " key is not usable: " + e.getMessage());
        }
        if (!key.type().equals(type)) {
            throw new BadLine("the line says " + type + " but the key is " + key.type());
        }
        if (namespaces != null && !AllowedSigner.Patterns.matchesList(SnapshotSigners.NAMESPACE, namespaces)) {
            // Legal for OpenSSH, but such a key could never sign a snapshot: most likely a typo.
            throw new BadLine("namespaces=\"" + namespaces + "\" does not include \"" + SnapshotSigners.NAMESPACE + "\", so this key could never"
                    + " sign a snapshot");
        }
        return new AllowedSigner(number, principals, namespaces, after, before, key);
    }

    private static String required(String option, String value) throws BadLine {
        if (value == null || value.isEmpty()) {
            throw new BadLine(option + " needs a value, e.g. " + option + "=\"" + (option.equals("namespaces") ? SnapshotSigners.NAMESPACE : "20260101")
                    + "\"");
        }
        return value;
    }

    /** OpenSSH's {@code YYYYMMDD[HHMM[SS]]}, in UTC with a trailing {@code Z}, else in local time. */
    private static Instant time(String option, String value) throws BadLine {
        boolean utc = value.endsWith("Z") || value.endsWith("z");
        String digits = utc ? value.substring(0, value.length() - 1) : value;
        String padded = switch (digits.length()) {
            case 8 -> digits + "000000";
            case 12 -> digits + "00";
            case 14 -> digits;
            default -> null;
        };
        try {
            if (padded == null || !padded.chars().allMatch(Character::isDigit)) {
                throw new DateTimeParseException("", value, 0);
            }
            LocalDateTime t = LocalDateTime.parse(padded, DateTimeFormatter.ofPattern("uuuuMMddHHmmss"));
            return t.atZone(utc ? ZoneOffset.UTC : ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadLine(option + "=\"" + value + "\" is not a time; expected YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS,"
                    + " with a trailing Z for UTC (else local time), e.g. " + option + "=\"20260701Z\"");
        }
    }

    private static List<String> splitOptions(String options) throws BadLine {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < options.length(); i++) {
            char c = options.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new BadLine("unterminated quote in the options " + options);
        }
        out.add(cur.toString());
        return out;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    /** Space-separated words of a line; a double-quoted stretch (with spaces) stays within its word. */
    private static final class Words {
        private final String line;
        private int at;

        Words(String line) {
            this.line = line;
        }

        String peek() throws BadLine {
            int save = at;
            String w = line.length() > at ? next("") : null;
            at = save;
            return w;
        }

        String next(String what) throws BadLine {
            while (at < line.length() && Character.isWhitespace(line.charAt(at))) {
                at++;
            }
            if (at >= line.length()) {
                throw new BadLine("missing " + what + "; expected PRINCIPALS [OPTIONS] KEYTYPE BASE64KEY [COMMENT]");
            }
            int start = at;
            boolean quoted = false;
            while (at < line.length() && (quoted || !Character.isWhitespace(line.charAt(at)))) {
                if (line.charAt(at) == '"') {
                    quoted = !quoted;
                }
                at++;
            }
            if (quoted) {
                throw new BadLine("unterminated quote in " + line.substring(start));
            }
            return unquote(line.substring(start, at));
        }
    }

    /** One line of the file cannot be used; the message says why. */
    static final class BadLine extends Exception {
        private static final long serialVersionUID = 1L;

        BadLine(String message) {
            super(message);
        }
    }
}
