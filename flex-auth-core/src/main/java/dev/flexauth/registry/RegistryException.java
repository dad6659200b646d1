package dev.flexauth.registry;

import dev.flexauth.FlexAuthException;
import java.util.List;

/**
 * A registry snapshot could not be used. Carries every problem found, each with its JSON path;
 * nothing of the snapshot was applied.
 *
 * <p>Unchecked, like every {@link FlexAuthException}.
 */
public final class RegistryException extends FlexAuthException {
    private static final long serialVersionUID = 1L;
    private static final int SHOWN_IN_MESSAGE = 20;

    private final String source;
    private final transient List<RegistryProblem> problems;
    private final int total;

    RegistryException(String source, List<RegistryProblem> problems, int total) {
        super(render(source, problems, total));
        this.source = source;
        this.problems = List.copyOf(problems);
        this.total = total;
    }

    /** One problem of the whole document ({@code code}, {@code message}) of the snapshot named {@code source}. */
    public static RegistryException of(String source, dev.flexauth.reason.RegistryCode code, String message) {
        return new RegistryException(source, List.of(new RegistryProblem("", code, message)), 1);
    }

    /** The file name (or other label) of the snapshot. */
    public String source() {
        return source;
    }

    /** The problems, in document order; at most the loader's problem cap. */
    public List<RegistryProblem> problems() {
        return problems;
    }

    /** The number of problems found, which may exceed {@code problems().size()}. */
    public int total() {
        return total;
    }

    private static String render(String source, List<RegistryProblem> problems, int total) {
        StringBuilder sb = new StringBuilder();
        sb.append(source).append(": invalid registry snapshot, ").append(total)
                .append(total == 1 ? " problem" : " problems");
        int shown = Math.min(SHOWN_IN_MESSAGE, problems.size());
        for (int i = 0; i < shown; i++) {
            sb.append("\n  ").append(problems.get(i));
        }
        if (total > shown) {
            sb.append("\n  ... and ").append(total - shown).append(" more");
        }
        return sb.toString();
    }
}
