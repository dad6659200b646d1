package dev.flexauth.analysis;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.policy.Field;
import dev.flexauth.registry.AttributeType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which values of one request field an engine allows while the other fields are fixed: "which
 * subjects may sign as this actor", "which records may this user delete", "which actions may this
 * user take on this record". Exact: the answer is every candidate the engine allows, each decided
 * by the engine itself, in ascending string order.
 *
 * <p>The candidates of a field are the values the package or the registry names for it, the
 * enumeration {@link GrantDiff} and property checking use ({@link Domain}): for an entity field
 * every key of its kind in the registry, and for an entity or string field every string the rules
 * compare it with (their constants, the registry values of the attributes it is compared with,
 * the keys of entity fields it is compared with). A value named nowhere is decided like one fresh
 * value, so {@link Result#othersAllowed()} says whether every unnamed value is allowed too (a rule
 * that does not look at the field), which a finite list cannot show.
 *
 * <p>Built once per engine; the candidate list of a field is computed on first use and kept, so a
 * search costs one decision per candidate. Thread-safe.
 */
public final class Search {
    /**
     * One page of a search.
     *
     * @param values        the allowed values, ascending, at most the page limit
     * @param more          whether an allowed value follows the last one of {@code values}
     * @param othersAllowed whether a value named neither by the package nor by the registry is allowed
     */
    public record Result(List<String> values, boolean more, boolean othersAllowed) {
        public Result {
            values = List.copyOf(values);
        }
    }

    private final Engine engine;
    private final Domain domain;
    private final Map<String, Candidates> candidates = new ConcurrentHashMap<>();

    /** A field's named values and the fresh value that stands for all the others. */
    private record Candidates(List<String> named, String other) {
    }

    private Search(Engine engine) {
        this.engine = engine;
        try {
            this.domain = new Domain(List.of(engine), List.of(), true);
        } catch (AnalysisException e) {
            throw new IllegalStateException("one engine has one Request table", e);
        }
    }

    /** A search over {@code engine}'s package and registry. */
    public static Search of(Engine engine) {
        return new Search(Objects.requireNonNull(engine, "engine"));
    }

    /** The engine that decides. */
    public Engine engine() {
        return engine;
    }

    /**
     * The candidates of {@code field}, ascending.
     *
     * @throws AnalysisException {@code not_searchable} when the field is not a string or entity field of the package
     */
    public List<String> candidates(String field) throws AnalysisException {
        return of(searchable(field)).named();
    }

    private Candidates of(Field f) {
        return candidates.computeIfAbsent(f.name(), n -> {
            TreeSet<String> named = domain.named(f, -1, null);
            return new Candidates(List.copyOf(named), Domain.other(f, named));
        });
    }

    /**
     * Every allowed candidate of {@code field} after {@code after} (exclusive; {@code null} for the
     * first page), at most {@code limit} of them, with the other fields set as in {@code fixed}
     * (absent when not in it; a value for {@code field} itself is ignored).
     *
     * @throws AnalysisException {@code not_searchable} when the field cannot be searched
     * @throws RequestException  when {@code fixed} is not a valid request without the field (a
     *                           required field missing, a value of the wrong type)
     */
    public Result allowed(Map<String, ?> fixed, String field, String after, int limit) throws AnalysisException, RequestException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        Candidates c = of(searchable(field));
        List<String> all = c.named();
        Request.Builder template = engine.request();
        for (Map.Entry<String, ?> e : fixed.entrySet()) {
            if (!e.getKey().equals(field)) {
                template.put(e.getKey(), e.getValue());
            }
        }
        // The fresh value first: it also checks that the other fields make a valid request.
        boolean others = allowed(template, field, c.other(), true);
        TreeSet<String> group = others ? null : group(fixed, field);
        // Every other candidate is decided like the fresh value, which is denied: walk the group only.
        Iterable<String> walk = group == null ? all.subList(after == null ? 0 : insertionPoint(all, after), all.size())
                : after == null ? group : group.tailSet(after, false);
        List<String> out = new ArrayList<>();
        for (String v : walk) {
            if (group != null && Collections.binarySearch(all, v) < 0) {
                continue; // named in the group but not a candidate (a key no registry holds)
            }
            if (allowed(template, field, v, false)) {
                if (out.size() == limit) {
                    return new Result(out, true, others);
                }
                out.add(v);
            }
        }
        return new Result(out, false, others);
    }

    /**
     * The candidates that can be decided otherwise than the fresh value when a fixed entity field
     * holds a key (the grant enumeration's group of that key: the values that entity's attributes
     * and the package name), or {@code null} when every candidate must be decided. Within a group,
     * every value named neither by the package nor by the focus entity is decided like the fresh
     * value (the argument of {@link Domain}); so when the fresh value is denied only the group needs
     * deciding: "which subjects may sign as this actor" decides that actor's few subjects, not
     * every actor's. Only where the domain is exact (no comparison of two request fields).
     */
    private TreeSet<String> group(Map<String, ?> fixed, String field) {
        List<Field> fields = domain.fields();
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            Object key = fixed.get(f.name());
            if (f.type().isEntity() && !f.name().equals(field) && key instanceof String && domain.inexact(i).isEmpty()) {
                Field searched = fields.stream().filter(x -> x.name().equals(field)).findFirst().orElseThrow();
                return domain.named(searched, i, (String) key);
            }
        }
        return null;
    }

    /** The first index whose candidate sorts after {@code after}. */
    private static int insertionPoint(List<String> sorted, String after) {
        int i = Collections.binarySearch(sorted, after);
        return i >= 0 ? i + 1 : -i - 1;
    }

    private boolean allowed(Request.Builder template, String field, String value, boolean strict) throws RequestException {
        Request r;
        try {
            r = template.put(field, value).build();
        } catch (RequestException e) {
            if (strict || !field.equals(e.field())) {
                throw e;
            }
            return false; // a named value no client can send (shaped like a secret, too long): never allowed
        }
        return engine.check(r).allowed();
    }

    private Field searchable(String field) throws AnalysisException {
        Objects.requireNonNull(field, "field");
        Field f = engine.policy().request().field(field).orElse(null);
        if (f == null) {
            throw new AnalysisException("not_searchable", "unknown field \"" + field + "\"; the policy's request fields are "
                    + String.join(", ", engine.policy().request().names()));
        }
        if (!f.type().isEntity() && f.type().wireType() != AttributeType.STRING) {
            throw new AnalysisException("not_searchable", "field \"" + field + "\" is " + f.type().label()
                    + "; only string and entity fields can be searched, their values are named by the package and the registry");
        }
        return f;
    }
}
