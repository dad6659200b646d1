package dev.flexauth.cli;

import dev.flexauth.policy.Printer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** How values and aligned rows are shown to operators; one place so every command reads alike. */
final class Text {
    private Text() {
    }

    /** A value as rule text: strings quoted, integers and booleans bare, lists in brackets. */
    static String value(Object v) {
        if (v instanceof List) {
            return ((List<?>) v).stream().map(Text::value).collect(Collectors.joining(", ", "[", "]"));
        }
        return Printer.literal(v);
    }

    /** {@code name=value} pairs separated by spaces, in the map's order. */
    static String pairs(Map<String, ?> values) {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + value(e.getValue()))
                .collect(Collectors.joining(" "));
    }

    /** Rows of cells, each column padded to its widest cell; the last column is not padded. */
    static String table(List<List<String>> rows, String indent) {
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] width = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size() - 1; i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < row.size(); i++) {
                line.append(row.get(i));
                if (i < row.size() - 1) {
                    line.append(" ".repeat(width[i] - row.get(i).length() + 2));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /** {@code n thing} or {@code n things}. */
    static String count(long n, String thing) {
        return n + " " + thing + (n == 1 ? "" : "s");
    }
}
