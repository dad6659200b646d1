package dev.flexauth.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableHead;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;

/**
 * The blocks of one section of a Markdown document (from a heading to the next heading of the same
 * or a higher level), read with commonmark-java and its GFM tables extension, as the policy reader
 * reads packages: the ops docs are checked through their syntax tree, never by matching raw text.
 */
final class DocSection {
    private static final Parser PARSER = Parser.builder().extensions(List.of(TablesExtension.create())).build();

    /** A table: header cells and body rows, each cell's plain text (inline code without backticks). */
    record Table(List<String> header, List<List<String>> rows) {
        Table {
            header = List.copyOf(header);
            rows = rows.stream().map(List::copyOf).toList();
        }
    }

    private final Path file;
    private final String heading;
    private final List<Node> blocks;

    private DocSection(Path file, String heading, List<Node> blocks) {
        this.file = file;
        this.heading = heading;
        this.blocks = blocks;
    }

    /** The section of {@code file} under the heading whose text is {@code heading}. */
    static DocSection read(Path file, String heading) throws IOException {
        Node doc = PARSER.parse(Files.readString(file));
        for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Heading h && text(h).equals(heading)) {
                List<Node> blocks = new ArrayList<>();
                for (Node b = n.getNext(); b != null; b = b.getNext()) {
                    if (b instanceof Heading next && next.getLevel() <= h.getLevel()) {
                        break;
                    }
                    blocks.add(b);
                }
                return new DocSection(file, heading, blocks);
            }
        }
        throw new AssertionError(file + ": expected a heading \"" + heading + "\" but found none");
    }

    /** The one table of the section. */
    Table table() {
        List<TableBlock> tables = blocks.stream().filter(TableBlock.class::isInstance).map(TableBlock.class::cast).toList();
        if (tables.size() != 1) {
            throw new AssertionError(where() + ": expected one table but found " + tables.size());
        }
        List<String> header = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (Node part = tables.get(0).getFirstChild(); part != null; part = part.getNext()) {
            for (Node row = part.getFirstChild(); row != null; row = row.getNext()) {
                if (!(row instanceof TableRow)) {
                    continue;
                }
                List<String> cells = new ArrayList<>();
                for (Node cell = row.getFirstChild(); cell != null; cell = cell.getNext()) {
                    if (cell instanceof TableCell) {
                        cells.add(text(cell).strip());
                    }
                }
                if (part instanceof TableHead) {
                    header.addAll(cells);
                } else {
                    rows.add(cells);
                }
            }
        }
        return new Table(header, rows);
    }

    /** The literals of the section's inline code spans, in document order. */
    List<String> codeSpans() {
        List<String> spans = new ArrayList<>();
        for (Node b : blocks) {
            b.accept(new AbstractVisitor() {
                @Override
                public void visit(Code code) {
                    spans.add(code.getLiteral());
                }
            });
        }
        return spans;
    }

    /** The contents of the section's fenced code blocks whose info string is {@code info}. */
    List<String> fences(String info) {
        return blocks.stream().filter(FencedCodeBlock.class::isInstance).map(FencedCodeBlock.class::cast)
                .filter(f -> info.equals(f.getInfo())).map(FencedCodeBlock::getLiteral).toList();
    }

    /** {@code file "heading"}, for messages. */
    String where() {
        return file.getFileName() + " \"" + heading + "\"";
    }

    private static String text(Node node) {
        StringBuilder sb = new StringBuilder();
        node.accept(new AbstractVisitor() {
            @Override
            public void visit(Text text) {
                sb.append(text.getLiteral());
            }

            @Override
            public void visit(Code code) {
                sb.append(code.getLiteral());
            }

            @Override
            public void visit(SoftLineBreak lineBreak) {
                sb.append(' ');
            }
        });
        return sb.toString();
    }
}
