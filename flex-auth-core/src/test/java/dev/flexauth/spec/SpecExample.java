package dev.flexauth.spec;

import java.net.URI;
import java.util.List;

/**
 * One example of a spec file: the fenced blocks that follow one another under a heading, from a
 * {@code policy}, {@code package} or {@code registry} block to the last {@code expect...} block.
 *
 * @param file    the spec file name
 * @param section the heading the example sits under
 * @param number  its 1-based number within the section
 * @param line    the 1-based line of its first block
 * @param blocks  its blocks in order
 */
public record SpecExample(String file, String section, int number, int line, List<Block> blocks) {
    /** A fenced block: its info word, its text and the 1-based line of its first content line. */
    public record Block(String info, String text, int line) {
    }

    /** The name JUnit shows: {@code File "rule-language.md" section "Comparison" example 3 (line 120)}. */
    public String displayName() {
        return "File \"" + file + "\" section \"" + section + "\" example " + number + " (line " + line + ")";
    }

    /** A URI IDEs open at the example's line. */
    public URI uri(String resourceRoot) {
        return URI.create("classpath:/" + resourceRoot + file + "?line=" + line);
    }
}
