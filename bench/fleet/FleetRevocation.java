import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fleet's revocation latency (issue 21), driven by bench/fleet/revocation.sh, which prepares
 * DIR: with.json and without.json (the snapshot with and without the probe actor), their .sig,
 * and allowed_signers. Starts nginx serving DIR/html, three replicas pulling it over plain http
 * with signatures required, and HAProxy in front with a steady load at RATE checks/s; then
 * PUBLICATIONS times publishes without.json (snapshot, then .sig, each by an atomic rename, as a
 * sync job does) and probes every replica directly, every 5 ms, until each denies the probe actor;
 * the fleet's latency is the slowest replica's. Between publications with.json is published and
 * awaited on every replica (not measured), then a random pause decorrelates the next publication
 * from the replicas' polls. JDK only (the source launcher, with bench/lib/Harness.java on its class
 * path). Not a test: it asserts nothing.
 */
public final class FleetRevocation {
    static final int REPLICAS = 3;

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(Harness.arg(args, "--jar", "flex-auth-cli/target/flex-auth.jar")).toAbsolutePath();
        Path dir = Path.of(Harness.arg(args, "--dir", null));
        Path policy = Path.of(Harness.arg(args, "--policy", "examples/ops-warden/policy_package.md")).toAbsolutePath();
        String probeActor = Harness.arg(args, "--probe", "agt-state-hub-bridge");
        String actors = Harness.arg(args, "--actors", "4");
        int publications = Integer.parseInt(Harness.arg(args, "--publications", "20"));
        int rate = Integer.parseInt(Harness.arg(args, "--rate", "200"));
        String probe = "{\"actor\":\"" + probeActor + "\",\"subject\":\"iam:" + probeActor + "\",\"action\":\"ssh.sign\"}";
        String steadyActor = actors.equals("4") ? "adm-example" : "adm-synthetic-000000";
        String steady = "{\"actor\":\"" + steadyActor + "\",\"subject\":\"" + steadyActor + "\",\"action\":\"ssh.sign\",\"ttl_hours\":1}";

        List<Process> processes = new ArrayList<>();
        try {
            publish(dir, "with");
            int nginxPort = startNginx(dir, processes);
            String url = "http://127.0.0.1:" + nginxPort + "/snap/registry.json";
            List<URI> replicas = new ArrayList<>();
            List<Process> served = new ArrayList<>();
            for (int i = 1; i <= REPLICAS; i++) {
                Path err = dir.resolve("logs/replica-" + i + ".err");
                Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx" + (actors.equals("4") ? "256m" : "1g"), "-jar", jar.toString(), "serve", "--addr", "127.0.0.1:0",
                        "--registry", url, "--registry-signers", dir.resolve("allowed_signers").toString(), "--policy",
                        policy.toString(), "--instance-id", "replica-" + i, "--log", dir.resolve("logs/replica-" + i + ".jsonl").toString(),
                        "--no-sighup").redirectOutput(dir.resolve("logs/replica-" + i + ".out").toFile()).redirectError(err.toFile())
                        .start();
                processes.add(p);
                served.add(p);
                replicas.add(URI.create("http://127.0.0.1:" + Harness.awaitPort(p, err, 180) + "/v1/check"));
            }
            int front = startHaproxy(dir, replicas, processes);
            URI through = URI.create("http://127.0.0.1:" + front + "/v1/check");
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (URI r : replicas) {
                await(client, r, probe, "allow", 60_000);
            }
            await(client, through, steady, "allow", 60_000);

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong answered = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            // Four clients, each at a quarter of the rate, so a slow answer does not stall the whole load.
            List<Thread> load = Harness.pacedLoad(4, rate, running, c -> {
                HttpClient hc = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                return () -> (effect(hc, through, steady).equals("allow") ? answered : failed).incrementAndGet();
            });
            Thread.sleep(2000);

            List<Double> fleet = new ArrayList<>();
            List<List<Double>> perReplica = new ArrayList<>();
            for (int i = 0; i < REPLICAS; i++) {
                perReplica.add(new ArrayList<>());
            }
            int lost = 0;
            long startNanos = System.nanoTime();
            long answeredAtStart = answered.get();
            for (int n = 0; n < publications; n++) {
                long published = publish(dir, "without");
                double[] ms = new double[REPLICAS];
                Thread[] probes = new Thread[REPLICAS];
                for (int i = 0; i < REPLICAS; i++) {
                    int r = i;
                    probes[i] = new Thread(() -> {
                        HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                        ms[r] = -1;
                        while (System.nanoTime() - published < 30_000_000_000L) {
                            if (effect(c, replicas.get(r), probe).equals("deny")) {
                                ms[r] = (System.nanoTime() - published) / 1e6;
                                return;
                            }
                            Harness.sleepNanos(5_000_000);
                        }
                    });
                    probes[i].start();
                }
                double worst = 0;
                boolean seen = true;
                for (int i = 0; i < REPLICAS; i++) {
                    probes[i].join();
                    seen &= ms[i] >= 0;
                    worst = Math.max(worst, ms[i]);
                    if (ms[i] >= 0) {
                        perReplica.get(i).add(ms[i]);
                    }
                }
                if (seen) {
                    fleet.add(worst);
                } else {
                    lost++;
                }
                System.err.printf(Locale.ROOT, "publication %d: every replica denies after %.0f ms (%.0f, %.0f, %.0f)%n", n + 1,
                        worst, ms[0], ms[1], ms[2]);
                publish(dir, "with");
                for (URI r : replicas) {
                    await(client, r, probe, "allow", 30_000);
                }
                Thread.sleep(200 + ThreadLocalRandom.current().nextInt(500));
            }
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            long checks = answered.get() - answeredAtStart;
            running.set(false);
            for (Thread t : load) {
                t.join(5000);
            }
            System.out.printf(Locale.ROOT, "flex-auth fleet revocation latency (issue 21): nginx + %d replicas (--registry URL,"
                    + " default poll, signatures required) + HAProxy; %s actors; snapshot %d bytes%n", REPLICAS, actors,
                    Files.size(dir.resolve("without.json")));
            System.out.println(Harness.machine());
            System.out.printf(Locale.ROOT, "load through HAProxy: %.0f checks/s from 4 clients (target %d/s), %d not allowed or failed%n",
                    checks / seconds, rate, failed.get());
            System.out.println(Harness.line("publication -> every replica denies", fleet));
            for (int i = 0; i < REPLICAS; i++) {
                System.out.println(Harness.line("  replica-" + (i + 1), perReplica.get(i)));
            }
            System.out.printf(Locale.ROOT, "not denied everywhere within 30 s: %d%n", lost);
        } finally {
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                p.waitFor();
            }
        }
    }

    /** Publishes DIR/NAME.json and its .sig as registry.json(.sig), each by an atomic rename; returns when the first rename began. */
    static long publish(Path dir, String name) throws IOException {
        Path html = dir.resolve("html");
        Files.copy(dir.resolve(name + ".json"), html.resolve(".registry.json.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dir.resolve(name + ".json.sig"), html.resolve(".registry.json.sig.tmp"), StandardCopyOption.REPLACE_EXISTING);
        long at = System.nanoTime();
        Files.move(html.resolve(".registry.json.tmp"), html.resolve("registry.json"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        Files.move(html.resolve(".registry.json.sig.tmp"), html.resolve("registry.json.sig"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        return at;
    }

    static int startNginx(Path dir, List<Process> processes) throws Exception {
        int port = freePort();
        Files.createDirectories(dir.resolve("tmp"));
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        Files.writeString(dir.resolve("nginx.conf"), user + "worker_processes 1;\npid " + dir.resolve("nginx.pid") + ";\n"
                + "error_log " + dir.resolve("logs/nginx-error.log") + " warn;\nevents { worker_connections 256; }\nhttp {\n"
                + "  access_log off;\n  client_body_temp_path " + dir.resolve("tmp/body") + ";\n  proxy_temp_path "
                + dir.resolve("tmp/proxy") + ";\n  fastcgi_temp_path " + dir.resolve("tmp/fastcgi") + ";\n  uwsgi_temp_path "
                + dir.resolve("tmp/uwsgi") + ";\n  scgi_temp_path " + dir.resolve("tmp/scgi") + ";\n"
                + "  default_type application/octet-stream;\n  server {\n    listen 127.0.0.1:" + port + ";\n"
                + "    location /snap/ { alias " + dir.resolve("html") + "/; etag on; }\n  }\n}\n");
        Process p = new ProcessBuilder(tool("nginx"), "-p", dir.toString(), "-e", dir.resolve("logs/nginx-error.log").toString(),
                "-c", dir.resolve("nginx.conf").toString(), "-g", "daemon off;").redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs/nginx.out").toFile()).start();
        processes.add(p);
        awaitListening(p, port, "nginx");
        return port;
    }

    static int startHaproxy(Path dir, List<URI> replicas, List<Process> processes) throws Exception {
        int port = freePort();
        StringBuilder cfg = new StringBuilder("global\n  maxconn 256\ndefaults\n  mode http\n  timeout connect 2s\n  timeout check 2s\n"
                + "  timeout client 10s\n  timeout server 10s\nfrontend fleet\n  bind 127.0.0.1:" + port + "\n"
                + "  default_backend replicas\nbackend replicas\n  balance roundrobin\n  option httpchk GET /healthz\n"
                + "  http-check expect status 200\n  retries 3\n  option redispatch 1\n"
                + "  retry-on conn-failure empty-response response-timeout\n");
        for (int i = 0; i < replicas.size(); i++) {
            cfg.append("  server r").append(i + 1).append(" 127.0.0.1:").append(replicas.get(i).getPort())
                    .append(" check inter 200ms fall 2 rise 1\n");
        }
        Files.writeString(dir.resolve("haproxy.cfg"), cfg);
        Process p = new ProcessBuilder(tool("haproxy"), "-f", dir.resolve("haproxy.cfg").toString(), "-db").redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs/haproxy.out").toFile()).start();
        processes.add(p);
        awaitListening(p, port, "haproxy");
        return port;
    }

    static String tool(String name) {
        for (String d : List.of("/usr/sbin/", "/usr/local/sbin/", "/usr/bin/")) {
            if (Files.isExecutable(Path.of(d + name))) {
                return d + name;
            }
        }
        return name;
    }

    static void awaitListening(Process p, int port, String what) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException(what + " did not listen on 127.0.0.1:" + port);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void await(HttpClient client, URI uri, String body, String effect, long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        String last = null;
        while (System.nanoTime() < deadline) {
            last = effect(client, uri, body);
            if (last.equals(effect)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(uri + " did not answer " + effect + " within " + millis + " ms; last: " + last);
    }

    /** The effect of a check, or what came back instead. */
    static String effect(HttpClient client, URI uri, String body) {
        try {
            HttpResponse<String> r = client.send(Harness.check(uri, body), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Matcher m = Pattern.compile("\"effect\":\"(\\w+)\"").matcher(r.body());
            return r.statusCode() == 200 && m.find() ? m.group(1) : "status " + r.statusCode();
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
