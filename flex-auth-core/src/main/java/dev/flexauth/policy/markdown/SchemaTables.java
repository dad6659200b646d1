package dev.flexauth.policy.markdown;

import dev.flexauth.internal.Secrets;
import dev.flexauth.policy.Effect;
import dev.flexauth.policy.Field;
import dev.flexauth.policy.FieldType;
import dev.flexauth.policy.Pos;
import dev.flexauth.policy.Reason;
import dev.flexauth.policy.lang.Diagnostics;
import dev.flexauth.policy.lang.RuleParser;
import dev.flexauth.reason.DiagnosticCode;
import dev.flexauth.reason.EngineReason;
import dev.flexauth.registry.AttributeType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The package's vocabulary, read from its Registry, Request and Reasons tables (in that order: a
 * Request field may name a Registry kind): the kinds and attributes, the fields, the reasons, and
 * the fields whose row had an error (reported once, so later uses stay quiet). For one reading.
 */
final class SchemaTables {
    /** A dotted path into one of the four AuthZEN request objects; a PEP's own shape is the package's to model. */
    private static final Pattern AUTHZEN = Pattern.compile("(subject|resource|action|context)(\\.[A-Za-z_][A-Za-z0-9_-]*)+");
    /** The members AuthZEN itself defines as strings: a field read from one must take a string. */
    private static final List<String> AUTHZEN_STRINGS = List.of("subject.type", "subject.id", "resource.type", "resource.id",
            "action.name");
    private static final List<String> RESERVED_COLUMNS = List.of("example", "effect", "reason");

    private final Diagnostics out;
    final Map<String, Map<String, AttributeType>> kinds = new LinkedHashMap<>();
    final List<Field> fields = new ArrayList<>();
    final Set<String> unusable = new HashSet<>();
    final Map<String, Reason> reasons = new LinkedHashMap<>();

    SchemaTables(Diagnostics out) {
        this.out = out;
    }

    /** The Registry table: entity kinds and their typed attributes. */
    void registry(MarkdownTable.TableAt at) {
        MarkdownTable.Table t = new MarkdownTable.Table(at.table(), out);
        if (!t.columns("Registry", List.of("kind", "attribute", "type"), List.of("meaning"))) {
            return;
        }
        Map<String, Pos> seen = new HashMap<>();
        for (MarkdownTable.Row row : t.rows) {
            MarkdownTable.Cell kind = t.cell(row, "kind");
            MarkdownTable.Cell attr = t.cell(row, "attribute");
            MarkdownTable.Cell type = t.cell(row, "type");
            boolean ok = identifier(kind, "kind") & identifier(attr, "attribute");
            if (ok && attr.text().equals("id")) {
                out.error(attr.pos(), DiagnosticCode.BAD_TABLE, "\"id\" is every entity's key, not an attribute; "
                        + "compare the entity field itself (e.g. actor == \"name\")");
                ok = false;
            }
            Optional<AttributeType> ty = AttributeType.fromLabel(type.text());
            if (ty.isEmpty()) {
                out.error(type.pos(), DiagnosticCode.BAD_TABLE, "attribute type \"" + type.text()
                        + "\" is not one of string, integer, boolean, string[]");
                ok = false;
            }
            if (!ok) {
                continue;
            }
            String key = kind.text() + "." + attr.text();
            Pos first = seen.putIfAbsent(key, attr.pos());
            if (first != null) {
                out.error(attr.pos(), DiagnosticCode.DUPLICATE_DEFINITION, "attribute \"" + key + "\" is declared twice (first at line "
                        + first.line() + ")");
                continue;
            }
            kinds.computeIfAbsent(kind.text(), k -> new LinkedHashMap<>()).put(attr.text(), ty.get());
        }
    }

    /**
     * Why {@code location} cannot carry field {@code field} of type {@code type}, or null. A
     * field's value is a scalar or a list, never an object, so no mapped location may lie
     * inside another.
     */
    private String locationProblem(String location, FieldType type, String field, Map<String, Pos> locations) {
        if (!AUTHZEN.matcher(location).matches()) {
            return "is not a dotted path into subject, resource, action or context (such as subject.id, "
                    + "resource.properties.owner, context.time); each part is a name of letters, digits, _ and -";
        }
        for (String s : AUTHZEN_STRINGS) {
            if (location.startsWith(s + ".")) {
                return "is inside " + s + ", which AuthZEN defines as a string; read the field from " + s + " itself";
            }
        }
        if (type != null && AUTHZEN_STRINGS.contains(location) && type.wireType() != AttributeType.STRING) {
            return "is a string in every AuthZEN request, so field \"" + field + "\" of type " + type.label()
                    + " cannot be read from it; make the field a string or an entity kind";
        }
        Pos same = locations.get(location);
        if (same != null) {
            return "is already mapped at line " + same.line();
        }
        for (Map.Entry<String, Pos> e : locations.entrySet()) {
            String other = e.getKey();
            if (other.startsWith(location + ".") || location.startsWith(other + ".")) {
                String outer = other.length() < location.length() ? other : location;
                return "overlaps \"" + other + "\" (line " + e.getValue().line() + "): a field's value is never an object, so "
                        + outer + " cannot both be a field and hold one";
            }
        }
        return null;
    }

    /** The Request table: each field with its type, whether required, and its AuthZEN location. */
    void request(MarkdownTable.TableAt at) {
        MarkdownTable.Table t = new MarkdownTable.Table(at.table(), out);
        if (!t.columns("Request", List.of("field", "type", "required"), List.of("authzen", "meaning"))) {
            return;
        }
        Map<String, Pos> seen = new HashMap<>();
        Map<String, Pos> locations = new LinkedHashMap<>();
        for (MarkdownTable.Row row : t.rows) {
            MarkdownTable.Cell name = t.cell(row, "field");
            MarkdownTable.Cell type = t.cell(row, "type");
            MarkdownTable.Cell required = t.cell(row, "required");
            MarkdownTable.Cell authzen = t.cell(row, "authzen");
            MarkdownTable.Cell meaning = t.cell(row, "meaning");
            boolean ok = identifier(name, "field");
            if (ok && RESERVED_COLUMNS.contains(name.text())) {
                out.error(name.pos(), DiagnosticCode.BAD_TABLE, "\"" + name.text()
                        + "\" cannot name a field: the Examples table uses it as a column (reserved: example, effect, reason)");
                ok = false;
            }
            if (ok && Secrets.looksLikeSecretName(name.text())) {
                out.error(name.pos(), DiagnosticCode.BAD_TABLE, "field \"" + name.text()
                        + "\" is named like a secret; flex-auth refuses secret material in requests, so no field may carry one");
                ok = false;
            }
            FieldType ft = fieldType(type);
            ok &= ft != null;
            Boolean req = null;
            String r = required.text().toLowerCase(Locale.ROOT);
            if (r.equals("yes")) {
                req = true;
            } else if (r.equals("no")) {
                req = false;
            } else {
                out.error(required.pos(), DiagnosticCode.BAD_TABLE, "\"required\" is yes or no, got \"" + required.text() + "\"");
                ok = false;
            }
            String location = authzen == null ? "" : authzen.text();
            if (!location.isEmpty()) {
                String problem = locationProblem(location, ft, name.text(), locations);
                if (problem != null) {
                    out.error(authzen.pos(), problem.startsWith("is already") ? DiagnosticCode.DUPLICATE_DEFINITION
                            : DiagnosticCode.BAD_TABLE, "AuthZEN location \"" + location + "\" " + problem);
                    ok = false;
                } else {
                    locations.put(location, authzen.pos());
                }
            }
            if (!ok) {
                if (!name.text().isEmpty()) {
                    unusable.add(name.text());
                }
                continue;
            }
            Pos first = seen.putIfAbsent(name.text(), name.pos());
            if (first != null) {
                out.error(name.pos(), DiagnosticCode.DUPLICATE_DEFINITION, "field \"" + name.text()
                        + "\" is declared twice (first at line " + first.line() + ")");
                continue;
            }
            fields.add(new Field(name.text(), ft, req, location, meaning == null ? "" : meaning.text(), fields.size(), name.pos()));
        }
    }

    private FieldType fieldType(MarkdownTable.Cell type) {
        Optional<AttributeType> scalar = AttributeType.fromLabel(type.text());
        if (scalar.isPresent()) {
            return FieldType.of(scalar.get());
        }
        if (kinds.containsKey(type.text())) {
            return FieldType.entity(type.text());
        }
        List<String> types = new ArrayList<>(List.of("string", "integer", "boolean", "string[]"));
        types.addAll(kinds.keySet());
        out.error(type.pos(), DiagnosticCode.UNKNOWN_KIND, "type \"" + type.text() + "\" is neither string, integer, boolean, "
                + "string[] nor an entity kind of the Registry table"
                + (kinds.isEmpty() ? " (the package has no Registry table)" : "")
                + Diagnostics.suggest(type.text(), types, "types"));
        return null;
    }

    /** The Reasons table: each reason code with its effect. */
    void reasons(MarkdownTable.TableAt at) {
        MarkdownTable.Table t = new MarkdownTable.Table(at.table(), out);
        if (!t.columns("Reasons", List.of("reason", "effect"), List.of("meaning"))) {
            return;
        }
        for (MarkdownTable.Row row : t.rows) {
            MarkdownTable.Cell code = t.cell(row, "reason");
            MarkdownTable.Cell effect = t.cell(row, "effect");
            MarkdownTable.Cell meaning = t.cell(row, "meaning");
            boolean ok = identifier(code, "reason");
            if (ok && EngineReason.isReserved(code.text())) {
                out.error(code.pos(), DiagnosticCode.BAD_TABLE, "\"" + code.text()
                        + "\" is reserved for the engine's own denies; choose another code");
                ok = false;
            }
            Optional<Effect> e = Effect.fromLabel(effect.text().toLowerCase(Locale.ROOT));
            if (e.isEmpty()) {
                out.error(effect.pos(), DiagnosticCode.BAD_TABLE, "effect is allow or deny, got \"" + effect.text() + "\"");
                ok = false;
            }
            if (!ok) {
                continue;
            }
            Reason prior = reasons.putIfAbsent(code.text(), new Reason(code.text(), e.get(), meaning == null ? "" : meaning.text(), code.pos()));
            if (prior != null) {
                out.error(code.pos(), DiagnosticCode.DUPLICATE_DEFINITION, "reason \"" + code.text()
                        + "\" is declared twice (first at line " + prior.pos().line() + ")");
            }
        }
    }

    private boolean identifier(MarkdownTable.Cell cell, String what) {
        String s = cell.text();
        if (s.isEmpty()) {
            out.error(cell.pos(), DiagnosticCode.BAD_TABLE, "empty " + what + " cell");
            return false;
        }
        if (!s.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            out.error(cell.pos(), DiagnosticCode.BAD_TABLE, what + " \"" + s
                    + "\" is not a name: use letters, digits and underscores, not starting with a digit");
            return false;
        }
        if (RuleParser.KEYWORDS.contains(s)) {
            out.error(cell.pos(), DiagnosticCode.BAD_TABLE, what + " \"" + s + "\" is a keyword of the rule language; choose another name");
            return false;
        }
        return true;
    }
}
