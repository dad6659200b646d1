package dev.flexauth.policy.markdown;

import dev.flexauth.policy.Pos;
import java.util.List;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Node;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.SourceSpan;
import org.commonmark.node.Text;

/** What the package readers ask of commonmark's nodes: positions as {@link Pos}, plain text, a fence's info word. */
final class MarkdownText {
    private MarkdownText() {
    }

    static String infoWord(FencedCodeBlock block) {
        String info = block.getInfo() == null ? "" : block.getInfo().trim();
        int space = info.indexOf(' ');
        return space < 0 ? info : info.substring(0, space);
    }

    static Pos pos(Node n) {
        List<SourceSpan> spans = n.getSourceSpans();
        return spans.isEmpty() ? Pos.START : pos(spans.get(0));
    }

    static Pos pos(SourceSpan s) {
        return new Pos(s.getLineIndex() + 1, s.getColumnIndex() + 1);
    }

    /** The plain text of a node's inline content: text and code spans, line breaks as spaces. */
    static String text(Node n) {
        StringBuilder sb = new StringBuilder();
        appendText(n, sb);
        return sb.toString();
    }

    private static void appendText(Node n, StringBuilder sb) {
        for (Node c = n.getFirstChild(); c != null; c = c.getNext()) {
            if (c instanceof Text) {
                sb.append(((Text) c).getLiteral());
            } else if (c instanceof Code) {
                sb.append(((Code) c).getLiteral());
            } else if (c instanceof SoftLineBreak || c instanceof HardLineBreak) {
                sb.append(' ');
            } else {
                appendText(c, sb);
            }
        }
    }
}
