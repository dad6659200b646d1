package dev.flexauth.policy.markdown;

import dev.flexauth.policy.Effect;
import dev.flexauth.policy.Example;
import dev.flexauth.policy.Field;
import dev.flexauth.policy.Reason;
import dev.flexauth.policy.RequestSchema;
import dev.flexauth.policy.lang.Diagnostics;
import dev.flexauth.reason.DiagnosticCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The Examples table: each row a complete request (one column per Request field) with the effect and reason it expects. */
final class ExamplesTable {
    private ExamplesTable() {
    }

    /** The Examples rows as complete requests with the effect and reason each expects. */
    static List<Example> read(MarkdownTable.TableAt at, RequestSchema schema, Set<String> unusable, Map<String, Reason> reasons,
            Diagnostics out) {
        List<Example> examples = new ArrayList<>();
        MarkdownTable.Table t = new MarkdownTable.Table(at.table(), out);
        List<String> optional = new ArrayList<>(List.of("example"));
        optional.addAll(schema.names());
        optional.addAll(unusable);
        if (!t.columns("Examples", List.of("effect", "reason"), optional)) {
            return examples;
        }
        for (MarkdownTable.Row row : t.rows) {
            boolean ok = true;
            Map<String, Object> values = new LinkedHashMap<>();
            for (Field f : schema.fields()) {
                MarkdownTable.Cell c = t.cell(row, f.name());
                if (c == null || c.text().isEmpty()) {
                    if (f.required()) {
                        out.error(c == null ? row.pos() : c.pos(), DiagnosticCode.BAD_EXAMPLE, "the example lacks required field \""
                                + f.name() + "\"; every example is a complete request");
                        ok = false;
                    }
                    continue;
                }
                Object v = cellValue(c, f, out);
                if (v == null) {
                    ok = false;
                } else {
                    values.put(f.name(), v);
                }
            }
            MarkdownTable.Cell effectCell = t.cell(row, "effect");
            MarkdownTable.Cell reasonCell = t.cell(row, "reason");
            Optional<Effect> effect = Effect.fromLabel(effectCell.text().toLowerCase(Locale.ROOT));
            if (effect.isEmpty()) {
                out.error(effectCell.pos(), DiagnosticCode.BAD_EXAMPLE, "effect is allow or deny, got \"" + effectCell.text() + "\"");
                ok = false;
            }
            Reason reason = reasons.get(reasonCell.text());
            if (reason == null) {
                out.error(reasonCell.pos(), DiagnosticCode.UNKNOWN_REASON, "reason \"" + reasonCell.text() + "\" is not in the Reasons table"
                        + Diagnostics.suggest(reasonCell.text(), reasons.keySet(), "reasons"));
                ok = false;
            } else if (effect.isPresent() && reason.effect() != effect.get()) {
                out.error(reasonCell.pos(), DiagnosticCode.REASON_EFFECT_MISMATCH, "reason \"" + reason.code() + "\" is a "
                        + reason.effect() + " reason, but the example expects " + effect.get());
                ok = false;
            }
            if (ok) {
                MarkdownTable.Cell desc = t.cell(row, "example");
                examples.add(new Example(desc == null ? "" : desc.text(), values, effect.get(), reason.code(), row.pos()));
            }
        }
        return examples;
    }

    private static Object cellValue(MarkdownTable.Cell c, Field f, Diagnostics out) {
        String s = c.text();
        switch (f.type().wireType()) {
            case INTEGER:
                try {
                    return Long.parseLong(s);
                } catch (NumberFormatException e) {
                    out.error(c.pos(), DiagnosticCode.BAD_EXAMPLE, "field \"" + f.name() + "\" is an integer, got \"" + s + "\"");
                    return null;
                }
            case BOOLEAN:
                if (s.equals("true") || s.equals("false")) {
                    return Boolean.valueOf(s);
                }
                out.error(c.pos(), DiagnosticCode.BAD_EXAMPLE, "field \"" + f.name() + "\" is a boolean (true or false), got \"" + s + "\"");
                return null;
            case STRING_LIST:
                List<String> items = new ArrayList<>();
                for (String item : s.split(",")) {
                    items.add(item.trim());
                }
                return List.copyOf(items);
            default:
                return s;
        }
    }
}
