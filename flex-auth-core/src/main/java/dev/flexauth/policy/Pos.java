package dev.flexauth.policy;

/**
 * A place in a policy file, 1-based like editors and compilers print it.
 *
 * @param line   1-based line
 * @param column 1-based column
 */
public record Pos(int line, int column) implements Comparable<Pos> {
    /** The start of the file. */
    public static final Pos START = new Pos(1, 1);

    @Override
    public int compareTo(Pos o) {
        return line != o.line ? Integer.compare(line, o.line) : Integer.compare(column, o.column);
    }

    @Override
    public String toString() {
        return line + ":" + column;
    }
}
