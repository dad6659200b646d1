package dev.flexauth.policy.lang;

import dev.flexauth.policy.Pos;
import java.util.List;

/**
 * The text of one {@code rule} block with the file position of each of its lines, so tokens
 * can be reported at their place in the Markdown file.
 */
public record SourceText(List<String> lines, int[] fileLines, int[] columnOffsets) {
    /** A single line of text starting at {@code pos} (spec tests, REPL-style callers). */
    static SourceText of(String text, Pos start) {
        List<String> lines = List.of(text.split("\r\n|\r|\n", -1));
        int[] fileLines = new int[lines.size()];
        int[] offsets = new int[lines.size()];
        for (int i = 0; i < fileLines.length; i++) {
            fileLines[i] = start.line() + i;
            offsets[i] = i == 0 ? start.column() - 1 : 0;
        }
        return new SourceText(lines, fileLines, offsets);
    }

    /** The file position of 0-based {@code column} on 0-based {@code line} of the block. */
    Pos at(int line, int column) {
        return new Pos(fileLines[line], columnOffsets[line] + column + 1);
    }
}
