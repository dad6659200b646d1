import dev.flexauth.engine.*;
import dev.flexauth.json.DecisionJson;
import dev.flexauth.log.DecisionLog;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.*;
import java.time.Instant;
import java.util.*;
import java.util.function.IntSupplier;

/**
 * CPU time per operation of a check, the decision-log record and an append (thread CPU time, not wall clock;
 * median of rounds), for comparing two builds on a loaded machine where JMH wall-clock figures are noise.
 * Run from the repository root: java -cp flex-auth-bench/target/benchmarks.jar bench/cpu-time/CpuBench.java [key]
 * ("key" also times appends with a log key; needs a build that has LogKey).
 */
public class CpuBench {
    static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    static long sink;

    static double median(String name, int rounds, int ops, IntSupplier op) {
        double[] r = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = MX.getCurrentThreadCpuTime();
            for (int j = 0; j < ops; j++) sink += op.getAsInt();
            r[i] = (MX.getCurrentThreadCpuTime() - t0) / (double) ops;
        }
        Arrays.sort(r);
        System.out.printf("%-28s %10.1f ns/op CPU (median of %d x %d; min %.1f, max %.1f)%n", name, r[rounds / 2], rounds, ops, r[0], r[rounds - 1]);
        return r[rounds / 2];
    }

    public static void main(String[] a) throws Exception {
        Path root = Path.of(System.getProperty("flexauth.root", "."));
        Engine engine = EngineLoader.defaults().load(root.resolve("examples/ops-warden/production_registry_snapshot.json"),
                root.resolve("examples/ops-warden/policy_package.md"));
        List<Request> reqs = new ArrayList<>();
        for (String actor : List.of("agt-state-hub-bridge", "adm-example", "atm-backup-daily", "agt-not-inventoried")) {
            for (long ttl : new long[] {1, 24, 49}) {
                reqs.add(engine.request().put("actor", actor).put("subject", "iam:" + actor).put("action", "ssh.sign").put("ttl_hours", ttl).build());
            }
        }
        Request[] rq = reqs.toArray(new Request[0]);
        Decision[] ds = new Decision[rq.length];
        for (int i = 0; i < rq.length; i++) ds[i] = engine.check(rq[i]);
        Instant t = Instant.parse("2026-12-07T04:00:00Z");
        int[] c = {0};
        int rounds = 7;
        // warm-up
        for (int i = 0; i < 1_000_000; i++) sink += engine.check(rq[i % rq.length]).hashCode();
        for (int i = 0; i < 300_000; i++) sink += DecisionJson.logBody(ds[i % ds.length], t, 42).length;
        median("check", rounds, 200_000, () -> engine.check(rq[c[0]++ % rq.length]).hashCode());
        median("check+decisionId", rounds, 200_000, () -> engine.check(rq[c[0]++ % rq.length]).decisionId().length());
        median("logBody", rounds, 50_000, () -> DecisionJson.logBody(ds[c[0]++ % ds.length], t, 42).length);
        Path dir = Files.createTempDirectory("cpubench");
        try (DecisionLog log = DecisionLog.builder(dir.resolve("d.jsonl")).open()) {
            for (int i = 0; i < 100_000; i++) sink += log.append(DecisionJson.logBody(ds[i % ds.length], t, 42));
            median("logBody+append (no key)", rounds, 20_000, () -> (int) log.append(DecisionJson.logBody(ds[c[0]++ % ds.length], t, 42)));
        }
        if (a.length > 0 && a[0].equals("key")) {
            Class<?> keyClass = Class.forName("dev.flexauth.log.LogKey");
            Object key = keyClass.getMethod("of", byte[].class).invoke(null, (Object) new byte[32]);
            DecisionLog.Builder b = DecisionLog.builder(dir.resolve("k.jsonl"));
            DecisionLog.Builder.class.getMethod("key", keyClass).invoke(b, key);
            try (DecisionLog log = b.open()) {
                for (int i = 0; i < 100_000; i++) sink += log.append(DecisionJson.logBody(ds[i % ds.length], t, 42));
                median("logBody+append (key)", rounds, 20_000, () -> (int) log.append(DecisionJson.logBody(ds[c[0]++ % ds.length], t, 42)));
            }
        }
        System.out.println("sink " + (sink & 1));
    }
}
