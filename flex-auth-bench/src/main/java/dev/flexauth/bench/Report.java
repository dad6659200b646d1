package dev.flexauth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the JSON results of one {@code bench/run-inprocess.sh} run (JMH's {@code -rf json} files and
 * {@link LoadFootprint}'s output) into the Markdown tables of {@code docs/performance.md}: time per
 * check with its error, allocation per check, the ratio to the baseline and jCasbin's ratio to each.
 *
 * <p>Usage: {@code Report check.json policy.json load-footprint.json...} (a missing file skips its table;
 * one load file per {@link LoadFootprint} run, their rows in one table).
 */
public final class Report {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ALLOC = "gc.alloc.rate.norm";

    private Report() {
    }

    /** One JMH result row. */
    record Row(String benchmark, String params, double score, double error, String unit, Double bytesPerOp) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            throw new IllegalArgumentException("usage: Report check.json policy.json load-footprint.json..., got "
                    + args.length + " argument(s)");
        }
        StringBuilder out = new StringBuilder();
        Path check = Path.of(args[0]);
        if (Files.isRegularFile(check)) {
            checkTables(rows(check), out);
        }
        Path policy = Path.of(args[1]);
        if (Files.isRegularFile(policy)) {
            policyTable(rows(policy), out);
        }
        List<JsonNode> loads = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            if (Files.isRegularFile(Path.of(args[i]))) {
                loads.add(MAPPER.readTree(Path.of(args[i]).toFile()));
            }
        }
        if (!loads.isEmpty()) {
            loadTable(loads, out);
        }
        System.out.print(out);
    }

    static List<Row> rows(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (JsonNode r : MAPPER.readTree(file.toFile())) {
            String name = r.get("benchmark").asText();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            JsonNode params = r.get("params");
            String p = params == null ? "" : params.path("actors").asText("");
            JsonNode primary = r.get("primaryMetric");
            JsonNode alloc = r.path("secondaryMetrics").get(ALLOC);
            rows.add(new Row(name, p, primary.get("score").asDouble(), primary.get("scoreError").asDouble(),
                    primary.get("scoreUnit").asText(), alloc == null ? null : alloc.get("score").asDouble()));
        }
        return rows;
    }

    private static void checkTables(List<Row> rows, StringBuilder out) {
        Map<Integer, Map<String, Row>> byActors = new TreeMap<>();
        for (Row r : rows) {
            byActors.computeIfAbsent(Integer.parseInt(r.params()), k -> new LinkedHashMap<>())
                    .put(r.benchmark().substring(r.benchmark().indexOf('.') + 1), r);
        }
        for (var e : byActors.entrySet()) {
            Map<String, Row> impls = e.getValue();
            Row baseline = impls.get("baseline");
            Row casbin = impls.get("jcasbin");
            out.append(String.format(Locale.ROOT, "%n%s actors%n%n", e.getKey() == Workload.EXAMPLE_ACTORS
                    ? "Production example, 4" : String.format(Locale.ROOT, "Synthetic, %,d", e.getKey())));
            out.append("| implementation | time per check | allocated per check | × baseline | jCasbin ÷ this |\n");
            out.append("|---|---:|---:|---:|---:|\n");
            for (String impl : List.of("baseline", "flexAuth", "jcasbin")) {
                Row r = impls.get(impl);
                if (r == null) {
                    continue;
                }
                out.append(String.format(Locale.ROOT, "| %s | %s ± %s %s | %s | %s | %s |%n", label(impl), num(r.score()),
                        num(r.error()), r.unit(), bytes(r.bytesPerOp()),
                        baseline == null ? "" : String.format(Locale.ROOT, "%.1f", r.score() / baseline.score()),
                        casbin == null ? "" : String.format(Locale.ROOT, "%.0f", casbin.score() / r.score())));
            }
        }
    }

    private static void policyTable(List<Row> rows, StringBuilder out) {
        out.append("\nPolicy package\n\n| benchmark | time | allocated |\n|---|---:|---:|\n");
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "| %s | %s ± %s %s | %s |%n", r.benchmark(), num(r.score()), num(r.error()),
                    r.unit(), bytes(r.bytesPerOp())));
        }
    }

    private static void loadTable(List<JsonNode> loads, StringBuilder out) {
        JsonNode first = loads.get(0);
        out.append(String.format(Locale.ROOT, "%nRegistry load (each size in a fresh JVM, %d loads, max heap %d MiB, %s)%n%n",
                first.get("runs").asInt(), first.get("max_heap_bytes").asLong() >> 20, first.get("jvm").asText()));
        out.append("| actors | snapshot | first load | warm load (median) | warm load (best) | retained heap | per actor |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JsonNode load : loads) {
            for (JsonNode r : load.get("results")) {
                int actors = r.get("actors").asInt();
                long retained = r.get("retainedBytes").asLong();
                out.append(String.format(Locale.ROOT, "| %,d | %.0f MB | %,.0f ms | %,.0f ms | %,.0f ms | %.0f MB | %d B |%n", actors,
                        r.get("fileBytes").asLong() / 1e6, r.get("coldMillis").asDouble(), r.get("warmMedianMillis").asDouble(),
                        r.get("warmBestMillis").asDouble(), retained / 1e6, retained / actors));
            }
        }
    }

    private static String label(String impl) {
        switch (impl) {
            case "flexAuth": return "flex-auth `Engine.check`";
            case "jcasbin": return "jCasbin (ABAC matchers)";
            default: return "hand-written baseline";
        }
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a"; // JMH gives no error for a single iteration
        }
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
    }

    private static String bytes(Double v) {
        if (v == null) {
            return "n/a";
        }
        if (v >= 100_000) {
            return String.format(Locale.ROOT, "%.2f MB", v / 1e6);
        }
        return String.format(Locale.ROOT, "%.0f B", Math.abs(v) < 0.5 ? 0.0 : v);
    }
}
