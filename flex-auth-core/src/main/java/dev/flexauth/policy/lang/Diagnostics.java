package dev.flexauth.policy.lang;

import dev.flexauth.policy.Diagnostic;
import dev.flexauth.policy.Pos;
import dev.flexauth.reason.DiagnosticCode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Collects the diagnostics of one policy file; nothing is thrown until all are known. */
public final class Diagnostics {
    private final String file;
    private final List<Diagnostic> all = new ArrayList<>();

    public Diagnostics(String file) {
        this.file = file;
    }

    public String file() {
        return file;
    }

    public void error(Pos pos, DiagnosticCode code, String message) {
        all.add(new Diagnostic(file, pos, code, false, message));
    }

    public void warning(Pos pos, DiagnosticCode code, String message) {
        all.add(new Diagnostic(file, pos, code, true, message));
    }

    public boolean hasErrors() {
        return all.stream().anyMatch(d -> !d.warning());
    }

    public List<Diagnostic> sorted() {
        List<Diagnostic> copy = new ArrayList<>(all);
        copy.sort(Diagnostic.ORDER);
        return copy;
    }

    /** " (did you mean "x"?)" for the closest candidate within two edits, else the list of candidates. */
    public static String suggest(String name, Collection<String> candidates, String what) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(name.toLowerCase(), c.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        if (best != null && bestDistance <= Math.max(1, Math.min(2, name.length() / 3))) {
            return "; did you mean \"" + best + "\"?";
        }
        for (String c : candidates) {
            String n = name.toLowerCase();
            String lc = c.toLowerCase();
            if ((n.length() >= 3 && lc.startsWith(n)) || (lc.length() >= 2 && n.startsWith(lc))) {
                return "; did you mean \"" + c + "\"?";
            }
        }
        return candidates.isEmpty() ? "; there are no " + what : "; known " + what + ": " + String.join(", ", candidates);
    }

    private static int distance(String a, String b) {
        int[] before = new int[b.length() + 1];
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    cur[j] = Math.min(cur[j], before[j - 2] + 1); // a transposition is one edit
                }
            }
            int[] t = before;
            before = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
