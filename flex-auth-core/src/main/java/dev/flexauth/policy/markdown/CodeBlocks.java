package dev.flexauth.policy.markdown;

import dev.flexauth.policy.Pos;
import dev.flexauth.policy.Property;
import dev.flexauth.policy.Rule;
import dev.flexauth.policy.lang.Diagnostics;
import dev.flexauth.policy.lang.RuleParser;
import dev.flexauth.policy.lang.SourceText;
import dev.flexauth.policy.lang.SyntaxError;
import dev.flexauth.policy.lang.TypeChecker;
import dev.flexauth.reason.DiagnosticCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Document;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.SourceSpan;

/**
 * The package's fenced blocks: {@code rule} blocks named by the heading above them, and
 * {@code property} blocks under the Properties heading, each parsed with its file positions and
 * type-checked. For one reading.
 */
final class CodeBlocks {
    private final Diagnostics out;
    private final String[] lines;
    private final List<Rule> rules = new ArrayList<>();
    private final List<Property> properties = new ArrayList<>();

    /** {@code lines}: the file's lines, to recover the indentation commonmark removed from a block. */
    CodeBlocks(Diagnostics out, String[] lines) {
        this.out = out;
        this.lines = lines;
    }


    /** The {@code rule} blocks, each named by the heading above it; checked by {@code checker} when there is one. */
    List<Rule> rules(Node doc, TypeChecker checker) {
        String heading = null;
        Map<String, Pos> names = new HashMap<>();
        for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Heading) {
                heading = MarkdownText.text(n).trim();
                continue;
            }
            if (!(n instanceof FencedCodeBlock)) {
                continue;
            }
            FencedCodeBlock block = (FencedCodeBlock) n;
            String info = MarkdownText.infoWord(block);
            if (!info.equals("rule")) {
                if (info.equalsIgnoreCase("rule") || info.equalsIgnoreCase("rules")) {
                    out.error(MarkdownText.pos(block), DiagnosticCode.SYNTAX_ERROR, "a fenced block marked \"" + info
                            + "\" is not read as a rule; mark it exactly ```rule");
                }
                continue;
            }
            if (heading == null || heading.isEmpty()) {
                out.error(MarkdownText.pos(block), DiagnosticCode.UNNAMED_RULE, "a rule block needs a heading above it; the heading names the rule");
                continue;
            }
            Pos first = names.putIfAbsent(heading, MarkdownText.pos(block));
            if (first != null) {
                out.error(MarkdownText.pos(block), DiagnosticCode.DUPLICATE_RULE, "a second rule named \"" + heading + "\" (the first is at line "
                        + first.line() + "); give each rule block its own heading");
                continue;
            }
            rule(block, heading, checker);
        }
        doc.accept(new AbstractVisitor() {
            @Override
            public void visit(FencedCodeBlock block) {
                if (MarkdownText.infoWord(block).equals("rule") && !(block.getParent() instanceof Document)) {
                    out.error(MarkdownText.pos(block), DiagnosticCode.SYNTAX_ERROR, "a rule block inside a list or quote is not read; "
                            + "move it to the top level under its own heading");
                }
            }
        });
        if (rules.isEmpty() && !out.hasErrors()) {
            out.error(Pos.START, DiagnosticCode.MISSING_SECTION, "the package has no rules: add a ```rule block under a heading "
                    + "that names it, e.g. allow <reason> when <condition>");
        }
        return rules;
    }

    private void rule(FencedCodeBlock block, String name, TypeChecker checker) {
        SourceText src = blockText(block);
        RuleParser.Parsed parsed;
        try {
            parsed = RuleParser.parse(src);
        } catch (SyntaxError e) {
            out.error(e.pos, DiagnosticCode.SYNTAX_ERROR, e.getMessage());
            return;
        }
        if (checker != null) {
            checker.checkRule(parsed);
        }
        rules.add(new Rule(name, parsed.effect(), parsed.reason(), parsed.condition(), parsed.outputs(), parsed.pos()));
    }


    /**
     * The {@code property} blocks: only under a heading named Properties (any level, up to the
     * next heading of that level or higher), each named by the nearest heading above it.
     */
    List<Property> properties(Node doc, TypeChecker checker) {
        Heading section = null;
        Pos firstSection = null;
        String heading = null;
        Map<String, Pos> names = new HashMap<>();
        for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Heading) {
                Heading h = (Heading) n;
                heading = MarkdownText.text(h).trim();
                if (section != null && h.getLevel() <= section.getLevel()) {
                    section = null;
                }
                if (heading.equalsIgnoreCase("properties")) {
                    if (firstSection != null) {
                        out.error(MarkdownText.pos(h), DiagnosticCode.DUPLICATE_DEFINITION, "a second \"" + heading
                                + "\" section; the first is at line " + firstSection.line() + ". Rename one heading");
                    } else {
                        firstSection = MarkdownText.pos(h);
                        section = h;
                    }
                }
                continue;
            }
            if (!(n instanceof FencedCodeBlock)) {
                continue;
            }
            FencedCodeBlock block = (FencedCodeBlock) n;
            String info = MarkdownText.infoWord(block);
            if (!info.equals("property")) {
                if (info.equalsIgnoreCase("property") || info.equalsIgnoreCase("properties")) {
                    out.error(MarkdownText.pos(block), DiagnosticCode.SYNTAX_ERROR, "a fenced block marked \"" + info
                            + "\" is not read as a property; mark it exactly ```property");
                }
                continue;
            }
            if (section == null) {
                out.error(MarkdownText.pos(block), DiagnosticCode.MISSING_SECTION, "a property block is read only under the Properties "
                        + "heading; put it below a \"## Properties\" heading, under a heading of its own that names it");
                continue;
            }
            if (heading.equalsIgnoreCase("properties")) {
                out.error(MarkdownText.pos(block), DiagnosticCode.UNNAMED_PROPERTY, "a property block needs a heading of its own under "
                        + "Properties, e.g. \"### No certificate outlives its maximum\"; the heading names the property");
                continue;
            }
            Pos first = names.putIfAbsent(heading, MarkdownText.pos(block));
            if (first != null) {
                out.error(MarkdownText.pos(block), DiagnosticCode.DUPLICATE_PROPERTY, "a second property named \"" + heading
                        + "\" (the first is at line " + first.line() + "); give each property block its own heading");
                continue;
            }
            property(block, heading, checker);
        }
        doc.accept(new AbstractVisitor() {
            @Override
            public void visit(FencedCodeBlock block) {
                if (MarkdownText.infoWord(block).equals("property") && !(block.getParent() instanceof Document)) {
                    out.error(MarkdownText.pos(block), DiagnosticCode.SYNTAX_ERROR, "a property block inside a list or quote is not read; "
                            + "move it to the top level under its own heading");
                }
            }
        });
        return properties;
    }

    private void property(FencedCodeBlock block, String name, TypeChecker checker) {
        RuleParser.ParsedProperty parsed;
        try {
            parsed = RuleParser.parseProperty(blockText(block));
        } catch (SyntaxError e) {
            // An empty block has no token to point at: point at its fence.
            out.error(block.getLiteral().isBlank() ? MarkdownText.pos(block) : e.pos, DiagnosticCode.SYNTAX_ERROR, e.getMessage());
            return;
        }
        if (checker != null) {
            checker.checkProperty(parsed);
        }
        properties.add(new Property(name, parsed.form(), parsed.reason(), parsed.condition(), parsed.pos()));
    }

    /** The block's content lines with the file line and the indentation commonmark removed from each. */
    private SourceText blockText(FencedCodeBlock block) {
        List<SourceSpan> spans = block.getSourceSpans();
        String literal = block.getLiteral();
        List<String> content = new ArrayList<>(List.of(literal.split("\n", -1)));
        if (!content.isEmpty() && content.get(content.size() - 1).isEmpty()) {
            content.remove(content.size() - 1);
        }
        if (content.isEmpty()) {
            content.add("");
        }
        int fenceLine = spans.isEmpty() ? 0 : spans.get(0).getLineIndex();
        int[] fileLines = new int[content.size()];
        int[] offsets = new int[content.size()];
        for (int i = 0; i < content.size(); i++) {
            int raw = fenceLine + 1 + i;
            fileLines[i] = raw + 1;
            offsets[i] = raw < lines.length ? Math.max(0, lines[raw].length() - content.get(i).length()) : 0;
        }
        return new SourceText(content, fileLines, offsets);
    }
}
