import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Revocation latency of a real {@code flex-auth serve} (issue 14): the decision log beside the
 * registry, steady load at a fixed rate, and SWAPS snapshots renamed into place, alternately
 * without and with one actor. After each rename a probe checks that actor without pause until the
 * answer follows the new snapshot; the latency is from the rename to that answer. Prints the
 * achieved check rate and p50, p99 and max of the latency. JDK only: run it with the source
 * launcher with bench/lib/Harness.java on its class path (see bench/revocation.sh). Not a test: it
 * asserts nothing; it measures.
 */
public final class RevocationLatency {
    static final String ACTOR = "agt-state-hub-bridge";
    static final String PROBE = "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\"}";
    static final List<String> LOAD = List.of(
            "{\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\",\"ttl_hours\":48}",
            "{\"actor\":\"atm-backup-daily\",\"subject\":\"atm-backup-daily\",\"action\":\"ssh.sign\",\"ttl_hours\":1}",
            "{\"actor\":\"agt-codex-interhub-bootstrap\",\"subject\":\"agt-codex-interhub-bootstrap\",\"action\":\"ssh.sign\",\"ttl_hours\":2}",
            "{\"actor\":\"agt-not-inventoried\",\"subject\":\"iam:agt-not-inventoried\",\"action\":\"ssh.sign\"}");

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(Harness.arg(args, "--jar", "flex-auth-cli/target/flex-auth.jar"));
        Path examples = Path.of(Harness.arg(args, "--examples", "examples/ops-warden"));
        int swaps = Integer.parseInt(Harness.arg(args, "--swaps", "60"));
        int rate = Integer.parseInt(Harness.arg(args, "--rate", "600"));
        int clients = Integer.parseInt(Harness.arg(args, "--clients", "4"));
        List<String> extra = List.of(Harness.arg(args, "--serve-args", "").split(" ")).stream().filter(s -> !s.isBlank()).toList();

        Path dir = Files.createTempDirectory("flex-auth-revocation-");
        Path registry = dir.resolve("registry.json");
        Path policy = dir.resolve("policy.md");
        Path log = dir.resolve("decisions.jsonl");
        String with = Files.readString(examples.resolve("production_registry_snapshot.json"));
        String without = without(with, ACTOR);
        Files.writeString(registry, with);
        Files.copy(examples.resolve("policy_package.md"), policy);

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "serve", "--addr", "127.0.0.1:0", "--registry", registry.toString(),
                "--policy", policy.toString(), "--log", log.toString(), "--no-sighup"));
        command.addAll(extra);
        Path err = dir.resolve("serve.err");
        Process server = new ProcessBuilder(command).redirectErrorStream(false).redirectOutput(dir.resolve("serve.out").toFile())
                .redirectError(err.toFile()).start();
        try {
            int port = Harness.awaitPort(server, err, 120);
            URI check = URI.create("http://127.0.0.1:" + port + "/v1/check");
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong answered = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            List<Thread> load = Harness.pacedLoad(clients, rate, running, c -> {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                int[] i = {c};
                return () -> {
                    int status = post(client, check, LOAD.get(i[0]++ % LOAD.size()));
                    (status == 200 ? answered : failed).incrementAndGet();
                };
            });
            HttpClient probe = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            AtomicLong probes = new AtomicLong();
            Thread.sleep(2000);
            long startNanos = System.nanoTime();
            long answeredAtStart = answered.get();
            List<Double> revocations = new ArrayList<>();
            List<Double> restorations = new ArrayList<>();
            int lost = 0;
            for (int s = 0; s < swaps; s++) {
                boolean revoke = s % 2 == 0;
                String content = (revoke ? without : with).replaceFirst("\"generated_at\": \"[^\"]*\"",
                        "\"generated_at\": \"" + Instant.now() + "\"");
                Path tmp = dir.resolve(".registry.json.tmp");
                Files.writeString(tmp, content);
                long renamed = System.nanoTime();
                Files.move(tmp, registry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                String expected = revoke ? "\"effect\":\"deny\"" : "\"effect\":\"allow\"";
                double ms = -1;
                while (System.nanoTime() - renamed < 10_000_000_000L) {
                    String body = postBody(probe, check, PROBE);
                    probes.incrementAndGet();
                    if (body.contains(expected)) {
                        ms = (System.nanoTime() - renamed) / 1e6;
                        break;
                    }
                    Harness.sleepNanos(1_000_000);
                }
                if (ms < 0) {
                    lost++;
                } else {
                    (revoke ? revocations : restorations).add(ms);
                }
                // Decorrelate the next rename from the server's timers.
                Thread.sleep(200 + ThreadLocalRandom.current().nextInt(500));
            }
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            long loadChecks = answered.get() - answeredAtStart;
            running.set(false);
            for (Thread t : load) {
                t.join(5000);
            }
            List<Double> all = new ArrayList<>(revocations);
            all.addAll(restorations);
            System.out.printf(Locale.ROOT, "flex-auth revocation latency (issue 14): %d swaps by atomic rename, decision log beside the"
                    + " registry, serve defaults%s%n", swaps, extra.isEmpty() ? "" : " plus " + String.join(" ", extra));
            System.out.println(Harness.machine());
            System.out.printf(Locale.ROOT, "load: %.0f checks/s from %d clients (target %d/s) + %.0f probe checks/s; %d failed%n",
                    loadChecks / seconds, clients, rate, probes.get() / seconds, failed.get());
            System.out.printf(Locale.ROOT, "decision log: %d bytes written beside the registry%n", Files.size(log));
            System.out.println(Harness.line("revocations (actor removed -> denied)", revocations));
            System.out.println(Harness.line("restorations (actor added -> allowed)", restorations));
            System.out.println(Harness.line("all swaps", all));
            System.out.printf(Locale.ROOT, "not seen within 10 s: %d%n", lost);
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    static String without(String registry, String actor) {
        // The example snapshot lists one actor object per block: drop the block whose id is ACTOR.
        Pattern block = Pattern.compile("\\{\\s*\"id\": \"" + Pattern.quote(actor) + "\"[^{}]*(\\{[^{}]*\\}[^{}]*)*\\},?\\s*");
        Matcher m = block.matcher(registry);
        if (!m.find()) {
            throw new IllegalStateException("no actor " + actor + " in the example snapshot");
        }
        String cut = registry.substring(0, m.start()) + registry.substring(m.end());
        return cut.replaceAll(",(\\s*)]", "$1]");
    }

    static int post(HttpClient client, URI uri, String body) {
        try {
            return client.send(Harness.check(uri, body), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static String postBody(HttpClient client, URI uri, String body) throws IOException, InterruptedException {
        return client.send(Harness.check(uri, body), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
    }
}
