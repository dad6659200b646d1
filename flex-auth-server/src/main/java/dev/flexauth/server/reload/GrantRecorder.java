package dev.flexauth.server.reload;

import dev.flexauth.analysis.GrantDiff;
import dev.flexauth.engine.Engine;
import dev.flexauth.json.Json;
import dev.flexauth.server.observability.AuditLog;
import dev.flexauth.server.observability.DaemonThreads;
import dev.flexauth.server.observability.ServerLog;
import dev.flexauth.server.reload.ReloadOutcome.Digests;
import dev.flexauth.server.reload.ReloadOutcome.Trigger;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Records what each accepted reload changed in who may do what, on a thread of its own and in
 * reload order, so that the next reload (a revocation) never waits for an enumeration. At most
 * {@link #GRANT_RECORDS_QUEUED} enumerations wait, each holding two engines; past that a reload's
 * record says its grants were not enumerated, and holds no engine. Thread-safe.
 */
final class GrantRecorder implements AutoCloseable {
    /**
     * The most requests a reload's grant record decides (each by both engines): about a second of
     * work on the grant recorder's thread at worst. A promotion that changes a few entities of 100,000 stays
     * far below (only changed entities are enumerated); a package change over a large registry
     * goes past it and is recorded as not enumerated, for {@code flex-auth diff} to show.
     */
    static final long MAX_GRANT_REQUESTS = 200_000;

    /** How many gained and how many lost grant lines a reload record lists. */
    static final int FIRST_GRANTS = 3;

    /** How many reloads' grant enumerations may wait for the recorder (each holds two engines). */
    static final int GRANT_RECORDS_QUEUED = 2;

    private final ThreadPoolExecutor recorder = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(), DaemonThreads.named("flex-auth-grants-"));
    private final ServerLog log;
    /** The decision log reloads are recorded in, or null; read on the recorder's thread. */
    private volatile AuditLog auditLog;

    GrantRecorder(ServerLog log) {
        this.log = log;
    }

    /** Records the grants of every accepted reload in {@code auditLog} too; set once, before serving. */
    void recordIn(AuditLog auditLog) {
        this.auditLog = auditLog;
    }

    /** Queues the record of an accepted reload from {@code old} to {@code next}; called on the reload thread. */
    void record(Engine old, Engine next, Trigger trigger, Digests was, Digests is, String generatedAt, Instant now) {
        try {
            if (recorder.getQueue().size() < GRANT_RECORDS_QUEUED) {
                recorder.execute(() -> write(old, next, trigger, was, is, generatedAt, now, null));
            } else {
                // Reloads come faster than their grants can be enumerated: keep the record, in order, without them.
                recorder.execute(() -> write(null, null, trigger, was, is, generatedAt, now,
                        "reloads came faster than their grants could be enumerated"));
            }
        } catch (RejectedExecutionException e) {
            log.info("reload grants not recorded: the server is stopping");
        }
    }

    /**
     * Records the grants gained and lost ({@link GrantDiff#summary}, counts and the first
     * {@link #FIRST_GRANTS}) in the server log and, when there is one, as a {@code reload} event
     * line in the decision log, so an auditor reading the log sees what a promotion changed.
     * Bounded by {@link #MAX_GRANT_REQUESTS}; past it the line says the grants were not
     * enumerated and why. A log that cannot be written costs the record, never the reload.
     */
    private void write(Engine old, Engine next, Trigger trigger, Digests was, Digests is, String generatedAt, Instant now,
            String skip) {
        // Both without the age bound: a stale engine denies everything, which is not what the pair grants.
        GrantDiff.Summary g = skip != null ? new GrantDiff.Summary(0, 0, List.of(), List.of(), skip)
                : GrantDiff.summary(old.withoutMaxRegistryAge(), next.withoutMaxRegistryAge(), MAX_GRANT_REQUESTS, FIRST_GRANTS);
        log.info(g.skipped().isEmpty()
                ? "reload grants: " + g.gained() + " gained, " + g.lost() + " lost"
                        + (g.firstGained().isEmpty() ? "" : "; gained " + String.join(" | ", g.firstGained())
                                + (g.gained() > g.firstGained().size() ? " | ..." : ""))
                        + (g.firstLost().isEmpty() ? "" : "; lost " + String.join(" | ", g.firstLost())
                                + (g.lost() > g.firstLost().size() ? " | ..." : ""))
                : "reload grants not enumerated: " + g.skipped());
        AuditLog audit = auditLog;
        if (audit == null) {
            return;
        }
        com.fasterxml.jackson.databind.node.ObjectNode line = Json.object();
        line.put("time", now.toString());
        line.put("event", "reload");
        line.put("trigger", trigger.label());
        line.putObject("policy").put("before", was.policy()).put("after", is.policy());
        line.putObject("registry").put("before", was.registry()).put("after", is.registry())
                .put("generated_at", generatedAt);
        com.fasterxml.jackson.databind.node.ObjectNode grants = line.putObject("grants");
        if (g.skipped().isEmpty()) {
            grants.put("gained", g.gained()).put("lost", g.lost());
            g.firstGained().forEach(grants.putArray("first_gained")::add);
            g.firstLost().forEach(grants.putArray("first_lost")::add);
        } else {
            grants.put("skipped", g.skipped());
        }
        try {
            byte[] object = Json.writeBytes(line);
            audit.append(Arrays.copyOfRange(object, 1, object.length - 1)); // the log takes the members
        } catch (RuntimeException e) {
            log.info("cannot record the reload in the decision log (" + e.getMessage() + "); the reload stands");
        }
    }

    /** Lets queued records finish (not interrupted: an interrupt during a decision-log write would close the log's channel). */
    @Override
    public void close() {
        recorder.shutdown();
        try {
            recorder.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
