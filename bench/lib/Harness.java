import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the single-file benchmark programs under bench/ share (RevocationLatency, FleetRevocation):
 * their arguments, a started {@code flex-auth serve}'s port, paced load, the check request, the
 * machine line and the latency line. The JDK 17 source launcher runs one file, so a script compiles
 * this one with javac and puts it on the launcher's class path:
 * {@code javac -d DIR bench/lib/Harness.java && java -cp DIR bench/x/Program.java}. Public because
 * the launcher loads the program in a class loader of its own.
 */
public final class Harness {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^ ]+:(\\d+) ");

    private Harness() {
    }

    /** The value after {@code name} in {@code args}, else {@code fallback}; a null fallback makes the argument required. */
    public static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        if (fallback == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return fallback;
    }

    /** The port a started {@code flex-auth serve} says it listens on in {@code err}, waiting up to {@code seconds}. */
    public static int awaitPort(Process p, Path err, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(err));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("serve exited with " + p.exitValue() + ":\n" + Files.readString(err));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("serve did not listen within " + seconds + " s:\n" + Files.readString(err));
    }

    /**
     * Starts {@code clients} daemon threads that together call at {@code rate} calls/s until
     * {@code running} is false, each on its own schedule (one period, spread over the clients), so a
     * slow answer stalls one client, not the load. Client {@code c} calls {@code call.apply(c)}'s
     * runnable; the threads are named load-0, load-1, ...
     */
    public static List<Thread> pacedLoad(int clients, int rate, AtomicBoolean running, IntFunction<Runnable> call) {
        long period = 1_000_000_000L * clients / rate;
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                Runnable once = call.apply(client);
                long next = System.nanoTime() + period * client / clients;
                while (running.get()) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        sleepNanos(wait);
                    }
                    next += period;
                    once.run();
                }
            }, "load-" + c);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        return threads;
    }

    /** A check: {@code body} POSTed as JSON to {@code uri}, with a 10 s timeout. */
    public static HttpRequest check(URI uri, String body) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** "machine: N cores, load average ..." from /proc/loadavg, for the figures' context. */
    public static String machine() throws Exception {
        return String.format(Locale.ROOT, "machine: %d cores, load average %s", Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).trim());
    }

    /** "WHAT: n=.. p50=.. ms p99=.. ms max=.. ms" over {@code ms}, or "WHAT: none". */
    public static String line(String what, List<Double> ms) {
        if (ms.isEmpty()) {
            return what + ": none";
        }
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        return String.format(Locale.ROOT, "%s: n=%d p50=%.0f ms p99=%.0f ms max=%.0f ms", what, sorted.size(),
                rank(sorted, 0.50), rank(sorted, 0.99), sorted.get(sorted.size() - 1));
    }

    /** Nearest-rank percentile (with 20 samples, p99 is the maximum). */
    static double rank(List<Double> sorted, double p) {
        return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
    }

    public static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
