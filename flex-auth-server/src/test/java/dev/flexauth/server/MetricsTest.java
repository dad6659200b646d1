package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics}: Prometheus text exposition of what the server did. */
class MetricsTest {
    static final Pattern SAMPLE = Pattern.compile("(flexauth_[a-z_]+)(\\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*\\})? (-?[0-9.]+)");
    static final Pattern META = Pattern.compile("# (HELP|TYPE) (flexauth_[a-z_]+) .+");

    @Test
    void counts_decisions_latencies_and_answers() throws Exception {
        try (TestServer server = TestServer.start(TestServer.config())) {
            server.check("{\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\"}");
            server.check("{\"actor\":\"atm-backup-daily\",\"subject\":\"atm-backup-daily\",\"action\":\"ssh.sign\"}");
            server.check("{\"actor\":\"atm-backup-daily\",\"subject\":\"atm-backup-daily\",\"action\":\"ssh.sign\",\"ttl_hours\":9}");
            server.check("{\"actor\":\"atm-backup-daily\"}");
            server.get("/nope");

            Reply r = server.get("/metrics");

            assertEquals(200, r.status());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", r.header("Content-Type"));
            List<String> lines = r.body().lines().toList();
            assertTrue(lines.containsAll(List.of(
                    "flexauth_decisions_total{effect=\"allow\",reason=\"signing_policy_matched\"} 2",
                    "flexauth_decisions_total{effect=\"deny\",reason=\"ttl_out_of_bounds\"} 1",
                    "flexauth_check_duration_seconds_bucket{le=\"+Inf\"} 3",
                    "flexauth_check_duration_seconds_count 3",
                    "flexauth_registry_entities{kind=\"actor\"} 4",
                    "flexauth_policy_examples{result=\"passed\"} 19",
                    "flexauth_policy_examples{result=\"failed\"} 0",
                    "flexauth_policy_properties{result=\"held\"} 6",
                    "flexauth_policy_properties{result=\"failed\"} 0",
                    "flexauth_reloads_total{result=\"accepted\",trigger=\"startup\"} 1",
                    "flexauth_last_reload_rejected 0",
                    "flexauth_http_responses_total{code=\"200\"} 3",
                    "flexauth_http_responses_total{code=\"400\"} 1",
                    "flexauth_http_responses_total{code=\"404\"} 1",
                    "flexauth_requests_shed_total 0")), r.body());
            assertTrue(lines.stream().noneMatch(l -> l.startsWith("flexauth_decision_log")), "no decision log configured");
        }
    }

    @Test
    void every_line_is_a_sample_or_help_and_type_of_a_declared_family() throws Exception {
        try (TestServer server = TestServer.start(TestServer.config())) {
            server.check("{\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\"}");
            String text = server.get("/metrics").body();

            Set<String> typed = new LinkedHashSet<>();
            Set<String> helped = new LinkedHashSet<>();
            for (String line : text.lines().toList()) {
                Matcher meta = META.matcher(line);
                if (meta.matches()) {
                    (meta.group(1).equals("TYPE") ? typed : helped).add(meta.group(2));
                    continue;
                }
                Matcher sample = SAMPLE.matcher(line);
                assertTrue(sample.matches(), "not a sample: " + line);
                String family = sample.group(1).replaceAll("_(bucket|sum|count)$", "");
                assertTrue(typed.contains(family) || typed.contains(sample.group(1)), "sample before its TYPE: " + line);
            }
            assertEquals(typed, helped);
            assertTrue(text.endsWith("\n"));
        }
    }
}
