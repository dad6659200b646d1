package dev.flexauth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flex-auth rollout-status}: polls every replica's {@code /healthz} until each serves the
 * registry digest the operator published, then prints one row per replica. A {@code dns:NAME:PORT}
 * target is every address the name resolves to, resolved again on every round (a headless
 * Service's pods come and go during a rollout). Each request has its own short timeout, so one
 * replica that hangs cannot hold up the others or the deadline.
 */
@Command(name = "rollout-status", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Wait until every replica serves the registry snapshot with digest D, then print one row per replica.",
            "TARGET is a base URL (http://10.0.0.7:8080) or dns:NAME:PORT, meaning every A/AAAA address of NAME "
                + "(e.g. the headless Service flex-auth-replicas.flex-auth.svc.cluster.local)."},
        footer = {"", "Exit 0 once every replica answers /healthz 200 with registry digest D; 1 when --timeout passes first "
                + "(the table says which replicas lag); 2 on a usage error."})
final class RolloutStatusCommand implements Callable<Integer> {
    static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern DNS = Pattern.compile("dns:([A-Za-z0-9.-]+):(\\d{1,5})");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
    /** A healthz body is about 1 KiB; a replica that sends more is not one of ours. */
    private static final int MAX_BODY = 64 * 1024;

    @Option(names = "--digest", required = true, paramLabel = "D",
            description = "The registry digest every replica must serve, sha256:<64 hex> (load-registry prints it).")
    String digest;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
            description = "Give up after this long, e.g. 90s, 5m (default: ${DEFAULT-VALUE}; a ConfigMap update takes up "
                    + "to about 2 min to reach the pods).")
    Duration timeout;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Time between rounds of polling (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Parameters(arity = "1..*", paramLabel = "TARGET", description = "Base URLs or dns:NAME:PORT.")
    List<String> targets;

    @Spec
    CommandSpec spec;

    /** One replica's answer in a round. */
    record Row(String target, String instance, String digest, String generatedAt, String loadedAt, String lastReload,
            String state, boolean done) {
    }

    @Override
    public Integer call() throws Exception {
        if (!DIGEST.matcher(digest).matches()) {
            throw new ParameterException(spec.commandLine(), "expected --digest sha256:<64 lowercase hex> (as load-registry"
                    + " and /healthz print it) but found '" + digest + "'");
        }
        if (timeout.isZero() || timeout.isNegative() || interval.isZero() || interval.isNegative()) {
            throw new ParameterException(spec.commandLine(), "expected --timeout and --interval greater than zero");
        }
        List<Target> parsed = new ArrayList<>();
        for (String t : targets) {
            parsed.add(parse(t));
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProgress = "";
        while (true) {
            List<Row> rows = round(http, parsed);
            long done = rows.stream().filter(Row::done).count();
            boolean all = !rows.isEmpty() && done == rows.size();
            if (all || System.nanoTime() - deadline >= 0) {
                print(out, rows);
                if (all) {
                    return 0;
                }
                err.println("error: after " + text(timeout) + ", " + done + " of " + rows.size() + " replicas serve " + digest
                        + "; the rows above without \"ok\" lag behind or did not answer");
                return Failures.FAILED;
            }
            String progress = "waiting: " + done + " of " + rows.size() + " replicas serve " + digest;
            if (!progress.equals(lastProgress)) {
                err.println(progress);
                err.flush();
                lastProgress = progress;
            }
            long left = deadline - System.nanoTime();
            Thread.sleep(Math.max(1, Math.min(interval.toMillis(), left / 1_000_000)));
        }
    }

    /** A parsed TARGET: one base URL, or a name whose addresses are looked up every round. */
    record Target(String text, URI base, String dnsName, int port) {
    }

    private Target parse(String t) {
        Matcher dns = DNS.matcher(t);
        if (dns.matches()) {
            int port = Integer.parseInt(dns.group(2));
            if (port < 1 || port > 65_535) {
                throw new ParameterException(spec.commandLine(), "expected a port from 1 to 65535 in target '" + t + "'");
            }
            return new Target(t, null, dns.group(1), port);
        }
        URI uri;
        try {
            uri = new URI(t);
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ParameterException(spec.commandLine(), "expected a target such as http://10.0.0.7:8080 or "
                    + "dns:flex-auth-replicas.flex-auth.svc.cluster.local:8080 but found '" + t + "'");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        return new Target(t, URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + path), null, 0);
    }

    /** Polls every replica of every target at once; rows in target order, a name's addresses sorted. */
    private List<Row> round(HttpClient http, List<Target> targets) {
        Map<String, CompletableFuture<Row>> pending = new LinkedHashMap<>();
        for (Target t : targets) {
            if (t.base() != null) {
                pending.put(t.text(), poll(http, t.text(), t.base()));
                continue;
            }
            List<String> addresses = new ArrayList<>();
            try {
                for (InetAddress a : InetAddress.getAllByName(t.dnsName())) {
                    addresses.add(a.getHostAddress());
                }
            } catch (UnknownHostException e) {
                pending.put(t.text(), CompletableFuture.completedFuture(new Row(t.text(), "-", "-", "-", "-", "-",
                        "no addresses (" + t.dnsName() + " does not resolve)", false)));
                continue;
            }
            addresses.stream().distinct().sorted().forEach(a -> {
                String host = a.contains(":") ? "[" + a + "]" : a;
                pending.put(host + ":" + t.port(), poll(http, host + ":" + t.port(), URI.create("http://" + host + ":" + t.port())));
            });
        }
        List<Row> rows = new ArrayList<>();
        for (CompletableFuture<Row> f : pending.values()) {
            rows.add(f.join());
        }
        return rows;
    }

    private CompletableFuture<Row> poll(HttpClient http, String name, URI base) {
        HttpRequest get = HttpRequest.newBuilder(URI.create(base + "/healthz")).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json").GET().build();
        return http.sendAsync(get, HttpResponse.BodyHandlers.ofInputStream()).thenApply(r -> {
            byte[] body;
            try (var in = r.body()) {
                body = in.readNBytes(MAX_BODY + 1);
            } catch (IOException e) {
                return failed(name, "unreachable (" + e.getClass().getSimpleName() + " reading /healthz)");
            }
            if (body.length > MAX_BODY) {
                return failed(name, "not flex-auth (/healthz answered more than " + MAX_BODY + " bytes)");
            }
            return row(name, r.statusCode(), body);
        }).exceptionally(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            String why = cause instanceof HttpTimeoutException ? "no answer within " + text(REQUEST_TIMEOUT)
                    : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
            return failed(name, "unreachable (" + why + ")");
        });
    }

    private Row row(String name, int status, byte[] body) {
        JsonNode h;
        try {
            h = Json.readTree(body);
        } catch (IOException e) {
            return failed(name, "not flex-auth (HTTP " + status + ", /healthz is not JSON)");
        }
        String served = h.at("/registry/digest").asText("-");
        JsonNode last = h.path("last_reload");
        String lastReload = last.isObject()
                ? last.path("result").asText("?") + " " + last.path("trigger").asText("?") + " " + last.path("time").asText("?")
                : "-";
        boolean matches = digest.equals(served);
        String state = status != 200 ? "unhealthy (HTTP " + status + " " + h.path("status").asText(h.path("error").asText("?")) + ")"
                : matches ? "ok" : "behind";
        return new Row(name, h.path("instance").asText("-"), served, h.at("/registry/generated_at").asText("-"),
                h.at("/registry/loaded_at").asText("-"), lastReload, state, status == 200 && matches);
    }

    private static Row failed(String name, String state) {
        return new Row(name, "-", "-", "-", "-", "-", state, false);
    }

    /** The table: full digests, since operators compare them with what they published. */
    static void print(PrintWriter out, List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"TARGET", "INSTANCE", "DIGEST", "GENERATED_AT", "LOADED_AT", "LAST_RELOAD", "STATE"});
        for (Row r : rows) {
            cells.add(new String[] {r.target(), r.instance(), r.digest(), r.generatedAt(), r.loadedAt(), r.lastReload(), r.state()});
        }
        int[] width = new int[7];
        for (String[] c : cells) {
            for (int i = 0; i < c.length; i++) {
                width[i] = Math.max(width[i], c[i].length());
            }
        }
        for (String[] c : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < c.length; i++) {
                line.append(i == c.length - 1 ? c[i] : String.format(Locale.ROOT, "%-" + width[i] + "s  ", c[i]));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
