package dev.flexauth.engine;

import dev.flexauth.policy.Expr;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.reason.EngineReason;
import dev.flexauth.registry.Entity;
import dev.flexauth.registry.Registry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A policy package compiled against a registry snapshot: the one seam every caller (library,
 * server, CLI) decides through. Semantics: deny overrides. The first matching deny rule in document
 * order gives the reason; otherwise the first matching allow rule; otherwise the package's
 * default deny. A condition that touches an absent field or an unknown entity never matches.
 *
 * <p>Immutable and thread-safe: {@link #check} may be called from any number of threads. It never
 * throws for a request built against {@link #policy()}'s Request table; an internal failure is a
 * deny with reason {@value EngineReason#EVALUATION_ERROR}.
 *
 * <p>By default a snapshot serves whatever its age. {@link #withMaxRegistryAge} gives an engine that
 * denies every check with reason {@value EngineReason#REGISTRY_STALE} once the snapshot's
 * {@code source.generated_at} is older than the limit, so a generator that stopped publishing
 * cannot keep granting from an old inventory.
 */
public final class Engine {
    private final PolicyPackage policy;
    private final Registry registry;
    private final Compiler.Program program;
    /** Null when the snapshot serves whatever its age. */
    private final Freshness freshness;
    /** Null when only the snapshot's age decides staleness; else also stale while it says so. */
    private final BooleanSupplier cutOff;

    private Engine(PolicyPackage policy, Registry registry) {
        this.policy = policy;
        this.registry = registry;
        this.program = Compiler.compile(policy, registry);
        this.freshness = null;
        this.cutOff = null;
    }

    private Engine(Engine compiled, Freshness freshness, BooleanSupplier cutOff) {
        this.policy = compiled.policy;
        this.registry = compiled.registry;
        this.program = compiled.program;
        this.freshness = freshness;
        this.cutOff = cutOff;
    }

    /** When a snapshot stops serving: {@code generatedAt} (null if unreadable) plus the maximum age, on {@code clock}. */
    private record Freshness(Instant generatedAt, Duration maxAge, Clock clock, long staleAfterMillis) {
        boolean stale() {
            return generatedAt == null || clock.millis() > staleAfterMillis;
        }
    }

    /** Compiles {@code policy} against {@code registry}. */
    public static Engine of(PolicyPackage policy, Registry registry) throws IncompatibleRegistryException {
        Objects.requireNonNull(policy, "policy is null; read one with PolicyReader.read");
        Objects.requireNonNull(registry, "registry is null; load one with RegistryLoader");
        List<String> mismatches = registry.mismatches(policy.registry());
        if (!mismatches.isEmpty()) {
            throw new IncompatibleRegistryException(mismatches);
        }
        return new Engine(policy, registry);
    }

    /** The policy package. */
    public PolicyPackage policy() {
        return policy;
    }

    /** The registry snapshot. */
    public Registry registry() {
        return registry;
    }

    /**
     * The same engine, except that while the snapshot's {@code source.generated_at} is more than
     * {@code maxAge} before {@code clock}'s now, or cannot be read as an RFC 3339 time, every
     * check is a deny with reason {@value EngineReason#REGISTRY_STALE}. The compiled rules are
     * shared, so this is cheap; a check then reads the clock once.
     */
    public Engine withMaxRegistryAge(Duration maxAge, Clock clock) {
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(clock, "clock");
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("expected a maximum registry age above zero but found " + maxAge);
        }
        Instant generated = registryGeneratedAt().orElse(null);
        long staleAfter = generated == null ? Long.MIN_VALUE : saturatedMillis(generated, maxAge);
        return new Engine(this, new Freshness(generated, maxAge, clock, staleAfter), cutOff);
    }

    /**
     * The same engine, except that every check is also a deny with reason
     * {@value EngineReason#REGISTRY_STALE} while {@code cutOff} answers true: for a server whose
     * snapshot source has not confirmed the snapshot for too long. {@code cutOff} is asked on every
     * check, so it must be cheap and thread-safe. Keeps any maximum registry age.
     */
    public Engine withStaleWhen(BooleanSupplier cutOff) {
        return new Engine(this, freshness, Objects.requireNonNull(cutOff, "cutOff"));
    }

    private static long saturatedMillis(Instant generated, Duration maxAge) {
        try {
            return generated.plus(maxAge).toEpochMilli();
        } catch (ArithmeticException | java.time.DateTimeException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The snapshot's {@code source.generated_at} as an instant, if it reads as an RFC 3339 time. */
    public Optional<Instant> registryGeneratedAt() {
        try {
            return Optional.of(OffsetDateTime.parse(registry.source().generatedAt()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The maximum registry age this engine enforces, if any (see {@link #withMaxRegistryAge}). */
    public Optional<Duration> maxRegistryAge() {
        return freshness == null ? Optional.empty() : Optional.of(freshness.maxAge());
    }

    /** Whether checks deny with {@value EngineReason#REGISTRY_STALE} now. */
    public boolean registryStale() {
        return freshness != null && freshness.stale() || cutOff != null && cutOff.getAsBoolean();
    }

    /** This engine without a maximum registry age nor a cut-off: what the package's Examples run against. */
    public Engine withoutMaxRegistryAge() {
        return freshness == null && cutOff == null ? this : new Engine(this, null, null);
    }

    /** A builder for requests to this engine. */
    public Request.Builder request() {
        return Request.builder(policy.request());
    }

    /** Decides {@code request}. */
    public Decision check(Request request) {
        return decide(request, false);
    }

    /** Decides {@code request} and records the trace of every rule evaluated. */
    public Decision explain(Request request) {
        return decide(request, true);
    }

    private Decision decide(Request request, boolean explain) {
        Objects.requireNonNull(request, "request is null; build one with engine.request()");
        requireCompatible(request);
        long id = DecisionIds.next();
        if (registryStale()) {
            return new Decision(id, this, request, null, null, null, EngineReason.REGISTRY_STALE,
                    explain ? new Trace(List.of()) : null);
        }
        Object[] values = request.values();
        Compiler.EntityField[] fields = program.entityFields();
        Entity first = null;
        Entity[] more = fields.length > 1 ? new Entity[fields.length - 1] : null;
        try {
            for (int i = 0; i < fields.length; i++) {
                Object key = values[fields[i].slot()];
                Entity e = key == null ? null : fields[i].kind().find((String) key);
                if (i == 0) {
                    first = e;
                } else {
                    more[i - 1] = e;
                }
            }
            Compiler.CompiledRule match = firstMatch(values, first, more);
            Trace trace = explain ? trace(values, all(first, more, fields.length)) : null;
            return new Decision(id, this, request, first, more, match, match.reason(), trace);
        } catch (RuntimeException e) {
            // A defect, not a property of the request: deny rather than skip a rule.
            return new Decision(id, this, request, first, more, null, EngineReason.EVALUATION_ERROR, null);
        }
    }

    private Compiler.CompiledRule firstMatch(Object[] values, Entity first, Entity[] more) {
        Compiler.CompiledRule[] denies = program.denies();
        // Bit k: deny rule k was undecided; an allow conjunct reusing it is then undecided too.
        long undecided = 0;
        for (int k = 0; k < denies.length; k++) {
            Compiler.CompiledRule r = denies[k];
            if (r.condition() == null) {
                return r;
            }
            int v = r.condition().eval(values, first, more);
            if (v == Cond.TRUE) {
                return r;
            }
            if (v == Cond.UNDECIDED && k < Compiler.MAX_REUSED_DENIES) {
                undecided |= 1L << k;
            }
        }
        for (Compiler.CompiledRule r : program.allows()) {
            if ((r.reusedDenies() & undecided) == 0
                    && (r.condition() == null || r.condition().eval(values, first, more) == Cond.TRUE)) {
                return r;
            }
        }
        return program.fallback();
    }

    /** The entities in one array, indexed by entity field, as the explainer reads them. */
    private static Entity[] all(Entity first, Entity[] more, int count) {
        Entity[] all = new Entity[count];
        for (int i = 0; i < count; i++) {
            all[i] = Cond.entity(i, first, more);
        }
        return all;
    }

    private Trace trace(Object[] values, Entity[] entities) {
        Explainer ex = new Explainer(policy.request(), program.entityIndexBySlot(), values, entities);
        List<Trace.RuleTrace> out = new ArrayList<>();
        for (Compiler.CompiledRule[] group : List.of(program.denies(), program.allows())) {
            for (Compiler.CompiledRule r : group) {
                Trace.Outcome outcome;
                String because;
                if (r.rule().condition() == null) {
                    outcome = Trace.Outcome.MATCHED;
                    because = "no condition";
                } else {
                    Explainer.Result res = ex.eval(r.rule().condition());
                    outcome = res.value() == Cond.TRUE ? Trace.Outcome.MATCHED
                            : res.value() == Cond.FALSE ? Trace.Outcome.NOT_MATCHED : Trace.Outcome.UNDECIDED;
                    because = String.join(" and ", res.because());
                }
                out.add(new Trace.RuleTrace(r.rule().name(), r.rule().pos(), r.effect(), r.reason(), outcome, because));
                if (outcome == Trace.Outcome.MATCHED) {
                    return new Trace(out);
                }
            }
        }
        return new Trace(out);
    }

    private void requireCompatible(Request request) {
        if (request.schema() != policy.request() && !request.schema().names().equals(policy.request().names())) {
            throw new IllegalArgumentException("the request was built for another policy package's Request table "
                    + request.schema().names() + "; build it with engine.request()");
        }
    }

    /**
     * Compiles {@code condition}, an expression the reader type-checked against this package (a
     * property's condition), into a test that holds for a request exactly when the condition is
     * true. Undecided (it touches an absent field or an unknown entity) counts as false, as it does
     * for a rule's condition. The test is thread-safe.
     */
    public Predicate<Request> condition(Expr condition) {
        Objects.requireNonNull(condition, "condition");
        Cond cond = Compiler.condition(policy, registry, condition);
        Compiler.EntityField[] fields = program.entityFields();
        return request -> {
            requireCompatible(request);
            Object[] values = request.values();
            Entity first = null;
            Entity[] more = fields.length > 1 ? new Entity[fields.length - 1] : null;
            for (int i = 0; i < fields.length; i++) {
                Object key = values[fields[i].slot()];
                Entity e = key == null ? null : fields[i].kind().find((String) key);
                if (i == 0) {
                    first = e;
                } else {
                    more[i - 1] = e;
                }
            }
            return cond.eval(values, first, more) == Cond.TRUE;
        };
    }

    /**
     * Runs the package's Examples against this engine, whatever the snapshot's age: they test the
     * policy and the inventory, and a stale snapshot is reported on its own.
     */
    public List<ExampleResult> runExamples() {
        Engine engine = withoutMaxRegistryAge();
        List<ExampleResult> results = new ArrayList<>();
        for (var example : policy.examples()) {
            try {
                results.add(new ExampleResult(example, engine.check(Request.of(policy.request(), example.request())), null));
            } catch (RequestException e) {
                results.add(new ExampleResult(example, null, e.getMessage()));
            }
        }
        return results;
    }
}
