package dev.flexauth.cli;

import java.util.List;

/**
 * An input a command cannot use, or a check that failed: printed as its lines on stderr, exit 1.
 * Commands build the lines so that each says what was expected, what was found and where.
 */
final class CliFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final transient List<String> lines;

    /**
     * @param code  the {@code error} member of the {@code --json} failure object
     * @param lines what went wrong, one problem a line
     */
    CliFailure(String code, List<String> lines) {
        super(String.join("\n", lines));
        this.code = code;
        this.lines = List.copyOf(lines);
    }

    CliFailure(String code, String line) {
        this(code, List.of(line));
    }

    String code() {
        return code;
    }

    List<String> lines() {
        return lines;
    }
}
