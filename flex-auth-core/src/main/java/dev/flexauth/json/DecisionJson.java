package dev.flexauth.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Trace;
import dev.flexauth.internal.Secrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Writes decisions as JSON: the decision envelope of {@code /v1/check} and the CLI's {@code --json},
 * and the member text of a decision-log record. One place, so the two never drift apart.
 */
public final class DecisionJson {
    private DecisionJson() {
    }

    /**
     * The envelope: {@code decision_id, effect, reason, backend, outputs, policy{package, version,
     * digest}, registry{digest, generated_at, entities}} and, for an explained decision,
     * {@code explain{rules[]}}. {@code generated_at} is the snapshot's {@code source.generated_at}, so
     * a caller can tell how fresh the data behind the decision was.
     */
    public static byte[] envelope(Decision d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("decision_id", d.decisionId());
            g.writeStringField("effect", d.effect().label());
            g.writeStringField("reason", d.reason());
            g.writeStringField("backend", Decision.BACKEND);
            Json.writeObject(g, "outputs", d.outputs());
            policy(g, d);
            g.writeObjectFieldStart("registry");
            g.writeStringField("digest", d.registry().digest());
            g.writeStringField("generated_at", d.registry().source().generatedAt());
            g.writeObjectFieldStart("entities");
            for (Map.Entry<String, Integer> e : d.registry().counts().entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
            if (d.trace().isPresent()) {
                trace(g, d.trace().get());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /**
     * The members (without braces) of a decision-log record without an instance id: see
     * {@link #logBody(Decision, Instant, long, String)}.
     */
    public static byte[] logBody(Decision d, Instant time, long durationMicros) {
        return logBody(d, time, durationMicros, null);
    }

    /**
     * The members (without braces) of a decision-log record: {@code time, instance, decision_id,
     * effect, reason, request, outputs, policy, registry{digest, generated_at}, duration_us}. The
     * log adds seq and the chain. {@code instance} names the replica that decided (a server's
     * {@code --instance-id}); {@code null} leaves the member out (an embedding application's log).
     * Credential-shaped parts of request and output values are replaced by a marker
     * ({@link Secrets#redact}), so no secret sent by mistake reaches the log.
     */
    public static byte[] logBody(Decision d, Instant time, long durationMicros, String instance) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("time", InstantText.format(time));
            if (instance != null) {
                g.writeStringField("instance", instance);
            }
            g.writeStringField("decision_id", d.decisionId());
            g.writeStringField("effect", d.effect().label());
            g.writeStringField("reason", d.reason());
            redactedObject(g, "request", d.request().toMap());
            redactedObject(g, "outputs", d.outputs());
            policy(g, d);
            g.writeObjectFieldStart("registry");
            g.writeStringField("digest", d.registry().digest());
            g.writeStringField("generated_at", d.registry().source().generatedAt());
            g.writeEndObject();
            g.writeNumberField("duration_us", durationMicros);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        byte[] object = out.toByteArray();
        byte[] body = new byte[object.length - 2];
        System.arraycopy(object, 1, body, 0, body.length);
        return body;
    }

    /** Like {@link Json#writeObject}, with every string redacted. */
    private static void redactedObject(JsonGenerator g, String name, Map<String, ?> values) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, ?> e : values.entrySet()) {
            g.writeFieldName(e.getKey());
            Object v = e.getValue();
            if (v instanceof String) {
                g.writeString(Secrets.redact((String) v));
            } else if (v instanceof Iterable) {
                g.writeStartArray();
                for (Object item : (Iterable<?>) v) {
                    g.writeString(Secrets.redact(String.valueOf(item)));
                }
                g.writeEndArray();
            } else {
                Json.writeValue(g, v);
            }
        }
        g.writeEndObject();
    }

    private static void policy(JsonGenerator g, Decision d) throws IOException {
        g.writeObjectFieldStart("policy");
        g.writeStringField("package", d.policy().name());
        g.writeStringField("version", d.policy().version());
        g.writeStringField("digest", d.policy().digest());
        g.writeEndObject();
    }

    private static void trace(JsonGenerator g, Trace t) throws IOException {
        g.writeObjectFieldStart("explain");
        g.writeArrayFieldStart("rules");
        for (Trace.RuleTrace r : t.rules()) {
            g.writeStartObject();
            g.writeStringField("rule", r.rule());
            g.writeNumberField("line", r.pos().line());
            g.writeStringField("effect", r.effect().label());
            g.writeStringField("reason", r.reason());
            g.writeStringField("outcome", r.outcome().label());
            g.writeStringField("because", r.because());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** The envelope as a string (CLI, tests). */
    public static String envelopeString(Decision d) {
        return new String(envelope(d), StandardCharsets.UTF_8);
    }
}
