package dev.flexauth.analysis;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.internal.Secrets;
import dev.flexauth.policy.Expr;
import dev.flexauth.policy.Field;
import dev.flexauth.policy.Rule;
import dev.flexauth.registry.AttributeType;
import dev.flexauth.registry.Entity;
import dev.flexauth.registry.EntityKind;
import dev.flexauth.registry.Registry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The finite set of requests that covers every distinct decision of one or two engines (and the
 * conditions of properties) over their registries. A package compares a request field only with
 * its own constants, with entity attributes, with entity keys and with other request fields, so
 * for each field the values worth trying are: absent (when optional), every constant it is
 * compared with, every registry value of the attributes it is compared with, every entity key
 * (entity fields), one fresh value that equals none of them, and for integers one value of every
 * range between two bounds. Requests are grouped by a focus entity field and its key: within a
 * group, only the focus entity's attribute values are bounds, which keeps a 100,000-actor registry
 * linear. The argument for completeness is in {@code docs/testing-policies.md}.
 *
 * <p>Exact unless {@link #inexact()} says why: a comparison between two request fields (other than
 * with the focus field, whose value is fixed per group) is sampled at the values of both, and a
 * string list field with more than {@link #MAX_LIST_VALUES} interesting values is sampled. Not
 * thread-safe while built; read-only afterwards.
 */
final class Domain {
    /** A list field is enumerated as every subset of its interesting values up to this many values. */
    static final int MAX_LIST_VALUES = 10;

    /** Where a field's interesting values come from. */
    private sealed interface Source {
    }

    private record Constant(Object value) implements Source {
    }

    private record Attribute(String field, String attribute) implements Source {
    }

    private record FieldValue(String field) implements Source {
    }

    private final List<Engine> engines;
    private final boolean exhaustiveLists;
    private final List<Field> fields = new ArrayList<>();
    private final Map<String, Set<Source>> sources = new LinkedHashMap<>();
    private final Set<String> referenced = new LinkedHashSet<>();
    /** Every string the rules and conditions name: no renaming may touch these. */
    private final Set<String> literals = new LinkedHashSet<>();
    /** Per entity field, the attributes the rules and conditions read, sorted. */
    private final Map<String, Set<String>> attributesRead = new LinkedHashMap<>();

    /**
     * @param engines         one engine, or the two a diff compares (their Request tables are united)
     * @param conditions      more conditions whose values matter (properties'), over the same fields
     * @param exhaustiveLists whether list fields are every subset of their values (or a sample:
     *                        empty, each value alone, all together)
     */
    Domain(List<Engine> engines, List<Expr> conditions, boolean exhaustiveLists) throws AnalysisException {
        this.engines = List.copyOf(engines);
        this.exhaustiveLists = exhaustiveLists;
        unionOfFields();
        for (Engine e : engines) {
            for (Rule r : e.policy().rules()) {
                if (r.condition() != null) {
                    collect(r.condition());
                }
            }
        }
        conditions.forEach(this::collect);
    }

    /** The request fields, the union over the engines, in Request table order. */
    List<Field> fields() {
        return fields;
    }

    /** The index of the first entity field, the focus of property checking, or -1. */
    int firstEntityField() {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).type().isEntity()) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Why enumerating groups of focus field {@code focus} may miss a decision, or an empty list
     * when it is exact.
     */
    List<String> inexact(int focus) {
        List<String> why = new ArrayList<>();
        String focusField = focus < 0 ? null : fields.get(focus).name();
        for (Field f : fields) {
            if (!referenced.contains(f.name()) || f.name().equals(focusField)) {
                continue;
            }
            for (Source s : sources.get(f.name())) {
                if (s instanceof FieldValue && !((FieldValue) s).field().equals(focusField)) {
                    String other = ((FieldValue) s).field();
                    String pair = f.name().compareTo(other) < 0 ? f.name() + " and " + other : other + " and " + f.name();
                    String line = "the package compares request fields " + pair + " with each other";
                    if (!why.contains(line)) {
                        why.add(line);
                    }
                }
            }
            if (f.type().wireType() == AttributeType.STRING_LIST && !exhaustiveLists) {
                why.add("list field " + f.name() + " is sampled");
            }
        }
        return why;
    }

    /** Whether a list field of this group has too many values to try every subset. */
    boolean listsSampled(int focus, String key) {
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (i != focus && referenced.contains(f.name()) && f.type().wireType() == AttributeType.STRING_LIST
                    && strings(resolve(f.name(), focus, key)).size() > MAX_LIST_VALUES) {
                return true;
            }
        }
        return false;
    }

    /**
     * The keys a focus entity field takes: every registry key, then (with {@code unknown}) every
     * other value the package compares the field with and one key no registry holds.
     */
    List<String> focusKeys(int focus, boolean unknown) {
        Field f = fields.get(focus);
        List<String> keys = sortedKeys(f.type().entityKind());
        if (!unknown) {
            return keys;
        }
        TreeSet<String> more = strings(resolve(f.name(), -1, null));
        more.removeIf(s -> Collections.binarySearch(keys, s) >= 0);
        List<String> out = new ArrayList<>(keys.size() + more.size() + 1);
        out.addAll(keys);
        out.addAll(more);
        out.add(unused("<unknown>", s -> more.contains(s) || Collections.binarySearch(keys, s) >= 0));
        return out;
    }

    /**
     * Every key of {@code kind} in any of the registries, sorted, as a list: with one registry its
     * ids as they are (a kind's entities are sorted by id, without duplicates), not a tree of a
     * million nodes that a check at start-up would leave in the old generation.
     */
    private List<String> sortedKeys(String kind) {
        List<Registry> registries = registries();
        if (registries.size() != 1) {
            return new ArrayList<>(keys(kind));
        }
        EntityKind k = registries.get(0).kinds().get(kind);
        List<String> out = new ArrayList<>(k == null ? 0 : k.entities().size());
        if (k != null) {
            k.entities().forEach(e -> out.add(e.id()));
        }
        return out;
    }

    /** The classes of values of every field in the group of {@code key} of field {@code focus} (-1: no focus). */
    List<List<Atom>> atoms(int focus, String key) {
        List<List<Atom>> atoms = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            atoms.add(i == focus ? List.of(Atom.of(Atom.Kind.VALUE, key)) : atoms(fields.get(i), focus, key));
        }
        return atoms;
    }

    /** The registries of the engines. */
    List<Registry> registries() {
        List<Registry> out = new ArrayList<>();
        engines.forEach(e -> out.add(e.registry()));
        return out;
    }

    // --- Classes of focus keys that the package cannot tell apart.

    /**
     * A string of a group that the package does not name (the key, an attribute value of the focus
     * entity), numbered in order of first appearance; {@code sendable} says whether a request may
     * carry it (not a secret, not too long), since a request that cannot be built is not a case.
     */
    private record Private(int index, boolean sendable) {
    }

    /**
     * The group of one focus key up to renaming: {@code signature} is equal for two keys exactly
     * when renaming each one's private strings ({@code privates}, string to number) into the
     * other's maps one group onto the other.
     */
    record Shape(List<Object> signature, Map<String, Integer> privates) {
    }

    /**
     * Whether groups of the focus field may share a class: only one registry, and no entity field
     * but the focus is read, so a group's values are the package's literals, the key, the focus
     * entity's attributes, integer bounds and fresh values.
     */
    boolean classesApply(int focus) {
        if (focus < 0 || engines.size() != 1) {
            return false;
        }
        for (int i = 0; i < fields.size(); i++) {
            if (i != focus && fields.get(i).type().isEntity() && referenced.contains(fields.get(i).name())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The shape of the group of {@code key} (see {@link #classesApply}): the key and the value of
     * every attribute of the focus entity the package reads (or that the entity is unknown), with
     * each string the package does not name replaced by its number in this group. Integers and
     * booleans stay as they are: they are ordered against each other and against literals, so a
     * renaming would not preserve every comparison. Two groups of the same shape decide alike: a
     * comparison, a membership or a presence test has the same value on a request of one and on
     * its renaming in the other (the argument is in {@code docs/testing-policies.md}).
     */
    Shape shape(EntityKind kind, String focusField, String key) {
        Map<String, Integer> privates = new LinkedHashMap<>();
        Set<String> read = attributesRead.getOrDefault(focusField, Set.of());
        List<Object> signature = new ArrayList<>(read.size() + 2);
        signature.add(canon(key, privates, true));
        Entity e = kind == null ? null : kind.find(key);
        signature.add(e != null);
        if (e != null) {
            for (String a : read) {
                signature.add(canon(e.get(a), privates, true));
            }
        }
        return new Shape(signature, privates);
    }

    /** The kind of the focus field in the one registry, or {@code null} if it holds none. */
    EntityKind focusKind(int focus) {
        return engines.get(0).registry().kinds().get(fields.get(focus).type().entityKind());
    }

    /**
     * {@code value} (a string, integer, boolean, string list or {@code null}) with the strings of
     * {@code privates} replaced by their numbers; with {@code grow}, a string neither named by the
     * package nor yet in {@code privates} is added to it.
     */
    Object canon(Object value, Map<String, Integer> privates, boolean grow) {
        if (value instanceof String) {
            String s = (String) value;
            if (literals.contains(s)) {
                return s;
            }
            Integer n = privates.get(s);
            if (n == null && grow) {
                n = privates.size();
                privates.put(s, n);
            }
            return n == null ? s : new Private(n, s.length() <= Request.MAX_STRING_LENGTH && !Secrets.looksLikeSecretValue(s));
        }
        if (value instanceof List) {
            List<Object> out = new ArrayList<>(((List<?>) value).size());
            for (Object item : (List<?>) value) {
                out.add(canon(item, privates, grow));
            }
            return out;
        }
        return value;
    }

    // --- The fields and what the rules compare them with.

    private void unionOfFields() throws AnalysisException {
        Map<String, Field> byName = new LinkedHashMap<>();
        for (Engine e : engines) {
            for (Field f : e.policy().request().fields()) {
                Field seen = byName.get(f.name());
                if (seen == null) {
                    byName.put(f.name(), f);
                } else if (!seen.type().equals(f.type())) {
                    throw new AnalysisException("incompatible_policies", "request field \"" + f.name() + "\" is "
                            + seen.type() + " in the old package and " + f.type()
                            + " in the new one; grants cannot be compared across a change of type");
                } else if (seen.required() && !f.required()) {
                    byName.put(f.name(), f); // optional in either: absent is a request to try
                }
            }
        }
        fields.addAll(byName.values());
        fields.forEach(f -> sources.put(f.name(), new LinkedHashSet<>()));
    }

    private void collect(Expr e) {
        if (e instanceof Expr.Compare) {
            Expr.Compare c = (Expr.Compare) e;
            relate(c.left(), c.right());
            relate(c.right(), c.left());
        } else if (e instanceof Expr.In) {
            Expr.In in = (Expr.In) e;
            mark(in.item());
            mark(in.list());
            if (plainField(in.item()) != null) {
                String f = plainField(in.item());
                if (in.list() instanceof Expr.ListLiteral) {
                    ((Expr.ListLiteral) in.list()).items().forEach(l -> sources.get(f).add(new Constant(l.value())));
                } else {
                    sources.get(f).add(source(in.list()));
                }
            }
            if (plainField(in.list()) != null && !(in.item() instanceof Expr.ListLiteral)) {
                sources.get(plainField(in.list())).add(source(in.item()));
            }
        } else if (e instanceof Expr.Test) {
            mark(((Expr.Test) e).operand());
        } else if (e instanceof Expr.And) {
            ((Expr.And) e).operands().forEach(this::collect);
        } else if (e instanceof Expr.Or) {
            ((Expr.Or) e).operands().forEach(this::collect);
        } else if (e instanceof Expr.Not) {
            collect(((Expr.Not) e).operand());
        } else {
            mark(e);
        }
    }

    private void relate(Expr target, Expr other) {
        mark(target);
        String f = plainField(target);
        if (f != null && !(other instanceof Expr.ListLiteral)) {
            sources.get(f).add(source(other));
        }
    }

    private void mark(Expr e) {
        if (e instanceof Expr.Ref) {
            Expr.Ref r = (Expr.Ref) e;
            referenced.add(r.field());
            if (r.isAttribute()) {
                attributesRead.computeIfAbsent(r.field(), f -> new TreeSet<>()).add(r.attribute());
            }
        } else if (e instanceof Expr.Literal) {
            literal(((Expr.Literal) e).value());
        } else if (e instanceof Expr.ListLiteral) {
            ((Expr.ListLiteral) e).items().forEach(l -> literal(l.value()));
        }
    }

    private void literal(Object value) {
        if (value instanceof String) {
            literals.add((String) value);
        }
    }

    private String plainField(Expr e) {
        if (e instanceof Expr.Ref && !((Expr.Ref) e).isAttribute() && sources.containsKey(((Expr.Ref) e).field())) {
            return ((Expr.Ref) e).field();
        }
        return null;
    }

    private static Source source(Expr e) {
        if (e instanceof Expr.Literal) {
            return new Constant(((Expr.Literal) e).value());
        }
        Expr.Ref r = (Expr.Ref) e;
        return r.isAttribute() ? new Attribute(r.field(), r.attribute()) : new FieldValue(r.field());
    }

    // --- Representative values.

    private List<Atom> atoms(Field f, int focus, String key) {
        boolean optional = !f.required();
        AttributeType type = f.type().wireType();
        if (!referenced.contains(f.name())) {
            Object any = optional ? null : type == AttributeType.INTEGER ? (Object) 0L
                    : type == AttributeType.BOOLEAN ? (Object) Boolean.FALSE
                    : type == AttributeType.STRING_LIST ? (Object) List.of() : "<any>";
            return List.of(Atom.of(Atom.Kind.ANY, any));
        }
        List<Atom> out = new ArrayList<>();
        if (optional) {
            out.add(Atom.of(Atom.Kind.ABSENT, null));
        }
        if (f.type().isEntity() || type == AttributeType.STRING) {
            TreeSet<String> named = named(f, focus, key);
            named.forEach(k -> out.add(Atom.of(Atom.Kind.VALUE, k)));
            out.add(Atom.of(Atom.Kind.OTHER, other(f, named)));
            return out;
        }
        Set<Object> values = resolve(f.name(), focus, key);
        switch (type) {
            case INTEGER:
                out.addAll(ranges(values));
                break;
            case BOOLEAN:
                out.add(Atom.of(Atom.Kind.VALUE, false));
                out.add(Atom.of(Atom.Kind.VALUE, true));
                break;
            default: {
                List<String> strings = new ArrayList<>(strings(values));
                if (exhaustiveLists && strings.size() <= MAX_LIST_VALUES) {
                    // Every subset: "v in list" is decided per value, independently of the others.
                    for (int mask = 0; mask < 1 << strings.size(); mask++) {
                        List<String> subset = new ArrayList<>();
                        for (int i = 0; i < strings.size(); i++) {
                            if ((mask & 1 << i) != 0) {
                                subset.add(strings.get(i));
                            }
                        }
                        out.add(Atom.of(Atom.Kind.VALUE, List.copyOf(subset)));
                    }
                    break;
                }
                // Sampled: empty, each value alone, and all values together.
                out.add(Atom.of(Atom.Kind.VALUE, List.of()));
                strings.forEach(s -> out.add(Atom.of(Atom.Kind.VALUE, List.of(s))));
                if (strings.size() > 1) {
                    out.add(Atom.of(Atom.Kind.VALUE, List.copyOf(strings)));
                }
            }
        }
        return out;
    }

    /**
     * The values of a string or entity field that the package or the registry names, sorted: for an
     * entity field every key of its kind, and for both every string the rules compare the field
     * with (constants, attribute values, other fields' keys and constants). Every other value is
     * decided like {@link #other}.
     */
    TreeSet<String> named(Field f, int focus, String key) {
        TreeSet<String> named = f.type().isEntity() ? keys(f.type().entityKind()) : new TreeSet<>();
        named.addAll(strings(resolve(f.name(), focus, key)));
        return named;
    }

    /** The representative of every value of {@code f} outside {@code named}. */
    static String other(Field f, Set<String> named) {
        return unused(f.type().isEntity() ? "<unknown>" : "<other>", named);
    }

    private Set<Object> resolve(String field, int focus, String key) {
        String focusField = focus < 0 ? null : fields.get(focus).name();
        Set<Object> out = new LinkedHashSet<>();
        for (Source s : sources.get(field)) {
            if (s instanceof Constant) {
                out.add(((Constant) s).value());
            } else if (s instanceof Attribute) {
                Attribute a = (Attribute) s;
                String kind = kindOf(a.field());
                for (Registry r : registries()) {
                    EntityKind k = r.kinds().get(kind);
                    if (k == null) {
                        continue;
                    }
                    if (a.field().equals(focusField)) {
                        addValue(out, k.find(key), a.attribute());
                    } else {
                        k.entities().forEach(e -> addValue(out, e, a.attribute()));
                    }
                }
            } else {
                String other = ((FieldValue) s).field();
                if (other.equals(focusField)) {
                    out.add(key);
                } else if (kindOf(other) != null) {
                    out.addAll(keys(kindOf(other)));
                } else {
                    sources.get(other).stream().filter(o -> o instanceof Constant).forEach(o -> out.add(((Constant) o).value()));
                }
            }
        }
        return out;
    }

    private static void addValue(Set<Object> out, Entity e, String attribute) {
        Object v = e == null ? null : e.get(attribute);
        if (v instanceof List) {
            out.addAll((List<?>) v);
        } else if (v != null) {
            out.add(v);
        }
    }

    private String kindOf(String field) {
        for (Field f : fields) {
            if (f.name().equals(field)) {
                return f.type().entityKind();
            }
        }
        return null;
    }

    /** Every key of {@code kind} in any of the registries, sorted. */
    TreeSet<String> keys(String kind) {
        TreeSet<String> keys = new TreeSet<>();
        for (Registry r : registries()) {
            EntityKind k = r.kinds().get(kind);
            if (k != null) {
                k.entities().forEach(e -> keys.add(e.id()));
            }
        }
        return keys;
    }

    private static TreeSet<String> strings(Set<Object> values) {
        TreeSet<String> out = new TreeSet<>();
        values.stream().filter(v -> v instanceof String).forEach(v -> out.add((String) v));
        return out;
    }

    private static String unused(String base, Set<String> taken) {
        return unused(base, taken::contains);
    }

    private static String unused(String base, Predicate<String> taken) {
        String s = base;
        for (int i = 2; taken.test(s); i++) {
            s = base.substring(0, base.length() - 1) + "-" + i + ">";
        }
        return s;
    }

    /** The integers cut at every bound: below the least, each bound, between bounds, above the greatest. */
    private static List<Atom> ranges(Set<Object> values) {
        TreeSet<Long> bounds = new TreeSet<>();
        values.stream().filter(v -> v instanceof Long).forEach(v -> bounds.add((Long) v));
        List<Atom> out = new ArrayList<>();
        long next = Long.MIN_VALUE; // the least integer not yet in a range
        for (long b : bounds) {
            if (b > next) {
                out.add(Atom.range(next, b - 1));
            }
            out.add(Atom.range(b, b));
            if (b == Long.MAX_VALUE) {
                return out;
            }
            next = b + 1;
        }
        out.add(Atom.range(next, Long.MAX_VALUE));
        return out;
    }
}
