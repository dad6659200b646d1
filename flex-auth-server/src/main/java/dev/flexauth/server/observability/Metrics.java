package dev.flexauth.server.observability;

import dev.flexauth.engine.Decision;
import dev.flexauth.log.DecisionLog;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters and their Prometheus text exposition (format 0.0.4), with the helpers
 * that write a series; the gauges read from the serving state are written by the metrics endpoint. Names start with {@code flexauth_}; docs/http-api.md lists
 * them. Counting is lock-free ({@link LongAdder}s); rendering reads a consistent-enough snapshot.
 * Thread-safe.
 */
public final class Metrics {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** Upper bounds of the check latency buckets, in seconds. */
    private static final double[] BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
        0.25, 0.5, 1, 2.5};

    private final Map<String, LongAdder> decisions = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> reloads = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> responses = new ConcurrentHashMap<>();
    private final LongAdder[] latencyBuckets = new LongAdder[BUCKETS.length + 1];
    private final LongAdder latencyCount = new LongAdder();
    private final LongAdder latencyNanos = new LongAdder();
    private final LongAdder unlogged = new LongAdder();
    private final LongAdder logFailures = new LongAdder();
    private final String instanceId;
    private final LongAdder defects = new LongAdder();

    public Metrics() {
        this(null);
    }

    /** {@code instanceId}: rendered as {@code flexauth_instance_info}; {@code null} leaves that metric out. */
    public Metrics(String instanceId) {
        this.instanceId = instanceId;
        for (int i = 0; i < latencyBuckets.length; i++) {
            latencyBuckets[i] = new LongAdder();
        }
    }

    public void decision(Decision d, long nanos) {
        decisions.computeIfAbsent(label("effect", d.effect().label()) + "," + label("reason", d.reason()), k -> new LongAdder())
                .increment();
        int i = 0;
        while (i < BUCKETS.length && nanos > BUCKETS[i] * 1e9) {
            i++;
        }
        latencyBuckets[i].increment();
        latencyCount.increment();
        latencyNanos.add(nanos);
    }

    public void unlogged() {
        unlogged.increment();
    }

    void logFailure() {
        logFailures.increment();
    }

    /** A request answered 500 {@code internal_error}: a defect, never the request's fault. */
    public void defect() {
        defects.increment();
    }

    public long defects() {
        return defects.sum();
    }

    /** A reload, by its result ({@code accepted}, {@code rejected}) and trigger label. */
    public void reload(String result, String trigger) {
        reloads.computeIfAbsent(label("result", result) + "," + label("trigger", trigger), k -> new LongAdder()).increment();
    }

    public void response(int status) {
        responses.computeIfAbsent(status, k -> new LongAdder()).increment();
    }

    /** The decision counters, the check latency histogram and this replica's instance: the exposition's first series. */
    public void appendDecisions(StringBuilder sb) {
        counter(sb, "flexauth_decisions_total", "Decisions answered, by effect and reason.", decisions);
        counter(sb, "flexauth_decisions_unlogged_total",
                "Decisions refused with 503 because the decision log could not be written.", unlogged.sum());

        head(sb, "flexauth_check_duration_seconds", "histogram",
                "Time to map, decide and log one check request, from its parsed body to its answer.");
        long cumulative = 0;
        for (int i = 0; i <= BUCKETS.length; i++) {
            cumulative += latencyBuckets[i].sum();
            String le = i < BUCKETS.length ? number(BUCKETS[i]) : "+Inf";
            sb.append("flexauth_check_duration_seconds_bucket{le=\"").append(le).append("\"} ").append(cumulative).append('\n');
        }
        sb.append("flexauth_check_duration_seconds_sum ").append(number(latencyNanos.sum() / 1e9)).append('\n');
        sb.append("flexauth_check_duration_seconds_count ").append(latencyCount.sum()).append('\n');

        if (instanceId != null) {
            // instance_id, not instance: Prometheus gives every scraped series its target's "instance"
            // label and would rename ours to exported_instance.
            head(sb, "flexauth_instance_info", "gauge", "This replica's --instance-id (always 1).");
            sb.append("flexauth_instance_info{").append(label("instance_id", instanceId)).append("} 1\n");
        }
    }

    /** The reload counter, by result and trigger. */
    public void appendReloads(StringBuilder sb) {
        counter(sb, "flexauth_reloads_total", "Reloads of the registry and policy, by result and trigger.", reloads);
    }

    /** The decision log's series: {@code log} is its status now. */
    public void appendLog(StringBuilder sb, DecisionLog.Status log) {
        head(sb, "flexauth_decision_log_up", "gauge", "1 while the decision log can be written, 0 while decisions are refused.");
        sb.append("flexauth_decision_log_up ").append(log.state() == DecisionLog.State.OK ? 1 : 0).append('\n');
        counter(sb, "flexauth_decision_log_write_failures_total",
                "Times a decision log write or sync failed and the log stopped accepting decisions.", logFailures.sum());
        counter(sb, "flexauth_decision_log_lines_total", "Lines this process wrote to the decision log.", log.linesWritten());
        counter(sb, "flexauth_decision_log_syncs_total", "Syncs of the decision log to disk (one per group in fsync mode).",
                log.syncs());
        head(sb, "flexauth_decision_log_head", "gauge", "The decision log's last acknowledged line: its seq as the value, its"
                + " chain value as a label; an anchor to keep elsewhere, so that a later verify-log can show the file still holds it.");
        sb.append("flexauth_decision_log_head{").append(label("chain", log.lastChain())).append("} ").append(log.lastSeq())
                .append('\n');
    }

    /** The HTTP answers by status code and the defects among them. */
    public void appendResponses(StringBuilder sb) {
        Map<String, LongAdder> byCode = new TreeMap<>();
        responses.forEach((status, n) -> byCode.put(label("code", Integer.toString(status)), n));
        counter(sb, "flexauth_http_responses_total", "HTTP answers sent by flex-auth, by status code.", byCode);
        counter(sb, "flexauth_http_defects_total",
                "Requests answered 500 internal_error because of a defect in flex-auth; each is in the server log with its stack trace.",
                defects.sum());
    }

    private static void counter(StringBuilder sb, String name, String help, Map<String, LongAdder> series) {
        head(sb, name, "counter", help);
        new TreeMap<>(series).forEach((labels, n) -> sb.append(name).append('{').append(labels).append("} ").append(n.sum()).append('\n'));
    }

    public static void counter(StringBuilder sb, String name, String help, long value) {
        head(sb, name, "counter", help);
        sb.append(name).append(' ').append(value).append('\n');
    }

    public static void head(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    public static String label(String name, String value) {
        return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    public static String number(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
