package dev.flexauth.policy.markdown;

import dev.flexauth.policy.Pos;
import dev.flexauth.policy.lang.Diagnostics;
import dev.flexauth.reason.DiagnosticCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableHead;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;

/** The package's tables: finding the sections by heading, and a GFM table as columns and rows of positioned cells. */
final class MarkdownTable {
    private MarkdownTable() {
    }

    /** A section's table with its heading's position. */
    record TableAt(Pos heading, String title, TableBlock table) {
    }

    /** The Request, Registry, Reasons and Examples sections: each heading with the first table below it. */
    static Map<String, TableAt> sections(Node doc, Diagnostics out) {
        Map<String, TableAt> found = new HashMap<>();
        for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
            if (!(n instanceof Heading)) {
                continue;
            }
            Heading h = (Heading) n;
            String title = MarkdownText.text(h).trim();
            String key = title.toLowerCase(Locale.ROOT);
            if (!List.of("request", "registry", "reasons", "examples").contains(key)) {
                continue;
            }
            if (found.containsKey(key)) {
                out.error(MarkdownText.pos(h), DiagnosticCode.DUPLICATE_DEFINITION, "a second \"" + title + "\" section; the first is at line "
                        + found.get(key).heading().line() + ". Rename one heading");
                continue;
            }
            TableBlock table = null;
            for (Node m = h.getNext(); m != null; m = m.getNext()) {
                if (m instanceof Heading && ((Heading) m).getLevel() <= h.getLevel()) {
                    break;
                }
                if (m instanceof TableBlock) {
                    table = (TableBlock) m;
                    break;
                }
            }
            if (table == null) {
                out.error(MarkdownText.pos(h), DiagnosticCode.MISSING_SECTION, "the \"" + title + "\" section has no table below its heading");
            }
            found.put(key, new TableAt(MarkdownText.pos(h), title, table));
        }
        found.values().removeIf(t -> t.table() == null);
        return found;
    }

    /** One cell: its trimmed text and where it starts. */
    record Cell(String text, Pos pos) {
    }

    record Row(List<Cell> cells, Pos pos) {
    }

    /** A table as header names and rows of cells. */
    static final class Table {
        private final Diagnostics out;
        final List<String> columns = new ArrayList<>();
        final List<Pos> columnPos = new ArrayList<>();
        final List<Row> rows = new ArrayList<>();

        Table(TableBlock block, Diagnostics out) {
            this.out = out;
            for (Node part = block.getFirstChild(); part != null; part = part.getNext()) {
                for (Node row = part.getFirstChild(); row != null; row = row.getNext()) {
                    if (!(row instanceof TableRow)) {
                        continue;
                    }
                    List<Cell> cells = new ArrayList<>();
                    for (Node c = row.getFirstChild(); c != null; c = c.getNext()) {
                        if (c instanceof TableCell) {
                            Node content = c.getFirstChild();
                            Pos p = content != null && !content.getSourceSpans().isEmpty() ? MarkdownText.pos(content) : MarkdownText.pos(c);
                            cells.add(new Cell(MarkdownText.text(c).trim(), p));
                        }
                    }
                    if (part instanceof TableHead) {
                        for (Cell cell : cells) {
                            columns.add(cell.text().toLowerCase(Locale.ROOT));
                            columnPos.add(cell.pos());
                        }
                    } else {
                        rows.add(new Row(cells, MarkdownText.pos(row)));
                    }
                }
            }
        }

        /** Checks the columns: all of {@code required}, nothing outside {@code required + optional}. */
        boolean columns(String title, List<String> required, List<String> optional) {
            boolean ok = true;
            for (int i = 0; i < columns.size(); i++) {
                String c = columns.get(i);
                if (!required.contains(c) && !optional.contains(c)) {
                    List<String> all = new ArrayList<>(required);
                    all.addAll(optional);
                    // Reported, but the table's other columns are still read, so one typo gives one error.
                    out.error(columnPos.get(i), DiagnosticCode.BAD_TABLE, "unknown column \"" + c + "\" in the " + title
                            + " table" + Diagnostics.suggest(c, all, "columns"));
                } else if (columns.indexOf(c) != i) {
                    out.error(columnPos.get(i), DiagnosticCode.DUPLICATE_DEFINITION, "column \"" + c + "\" appears twice");
                    ok = false;
                }
            }
            for (String r : required) {
                if (!columns.contains(r)) {
                    out.error(columnPos.isEmpty() ? Pos.START : columnPos.get(0), DiagnosticCode.BAD_TABLE, "the " + title
                            + " table lacks the column \"" + r + "\" (columns: " + String.join(" | ", required)
                            + (optional.isEmpty() ? "" : " | " + String.join(" | ", optional)) + ")");
                    ok = false;
                }
            }
            return ok;
        }

        Cell cell(Row row, String column) {
            int i = columns.indexOf(column);
            if (i < 0) {
                return null;
            }
            return i < row.cells().size() ? row.cells().get(i) : new Cell("", row.pos());
        }
    }
}
