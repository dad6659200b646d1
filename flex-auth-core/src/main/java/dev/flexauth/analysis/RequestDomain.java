package dev.flexauth.analysis;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.policy.Field;
import dev.flexauth.policy.Property;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The finite set of requests that covers every decision of an engine's package (its rules and
 * its properties' conditions) over its registry, as groups and per-field values, for tools that
 * generate requests from it (the jqwik arbitraries of {@code flex-auth-testkit}). A group is one key
 * of the first entity field ({@code null} for a package without one); within a group, every
 * combination of one value per field is one request, and {@code null} means the field is absent.
 * Values are ordered simplest first (absent, then the named values and ranges in order).
 * Immutable and thread-safe once built.
 */
public final class RequestDomain {
    private final Engine engine;
    private final Domain domain;
    private final int focus;
    private final List<String> groups;

    private RequestDomain(Engine engine) {
        this.engine = engine;
        List<dev.flexauth.policy.Expr> conditions = new ArrayList<>();
        for (Property p : engine.policy().properties()) {
            if (p.condition() != null) {
                conditions.add(p.condition());
            }
        }
        try {
            this.domain = new Domain(List.of(engine), conditions, true);
        } catch (AnalysisException e) {
            throw new IllegalStateException("one engine has one Request table", e);
        }
        this.focus = domain.firstEntityField();
        this.groups = focus < 0 ? Collections.singletonList(null) : List.copyOf(domain.focusKeys(focus, true));
    }

    /** The domain of {@code engine}'s package over its registry. */
    public static RequestDomain of(Engine engine) {
        return new RequestDomain(Objects.requireNonNull(engine, "engine"));
    }

    /** The engine the requests are for. */
    public Engine engine() {
        return engine;
    }

    /** The Request table's fields, in order: the index of a field's values in {@link #values}. */
    public List<Field> fields() {
        return domain.fields();
    }

    /** The keys of the first entity field (every registry key, the keys the package names, one unknown key), or a single {@code null}. */
    public List<String> groups() {
        return groups;
    }

    /** For each field, the values worth trying in {@code group} ({@code null}: absent). */
    public List<List<Object>> values(String group) {
        List<List<Object>> out = new ArrayList<>();
        for (List<Atom> atoms : domain.atoms(focus, group)) {
            List<Object> values = new ArrayList<>();
            atoms.forEach(a -> values.add(a.value()));
            out.add(Collections.unmodifiableList(values));
        }
        return Collections.unmodifiableList(out);
    }

    /** Why the domain may miss a decision (comparisons of two request fields), or empty when it is exact. */
    public List<String> notExact() {
        return domain.inexact(focus);
    }

    /** The request with {@code values} (one per field, {@code null} for absent). */
    public Request request(List<?> values) throws RequestException {
        List<Field> fields = fields();
        if (values.size() != fields.size()) {
            throw new IllegalArgumentException("expected " + fields.size() + " values, one per field, got " + values.size());
        }
        Request.Builder b = engine.request();
        for (int i = 0; i < fields.size(); i++) {
            b.put(fields.get(i).name(), values.get(i));
        }
        return b.build();
    }
}
