package dev.flexauth.registry;

/** The naming rules of snapshots, shared by the loader and the builder. */
final class Names {
    static final int MAX_ID_LENGTH = 1024;

    private Names() {
    }

    /** Identifier syntax of the rule language: a letter or underscore, then letters, digits, underscores. */
    static boolean isIdentifier(String s) {
        if (s == null || s.isEmpty() || !(isLetter(s.charAt(0)) || s.charAt(0) == '_')) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(isLetter(c) || c == '_' || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Why {@code id} cannot be an entity id, or {@code null} if it can. */
    static String idProblem(String id) {
        if (id == null || id.isEmpty()) {
            return "an entity id must not be empty";
        }
        if (id.length() > MAX_ID_LENGTH) {
            return "an entity id must be at most " + MAX_ID_LENGTH + " characters, got " + id.length();
        }
        if (Character.isWhitespace(id.charAt(0)) || Character.isWhitespace(id.charAt(id.length() - 1))) {
            return "an entity id must not start or end with whitespace, got \"" + id + "\"";
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                return "an entity id must not contain control characters (found U+"
                        + String.format("%04X", (int) id.charAt(i)) + ")";
            }
        }
        return null;
    }
}
