package dev.flexauth.bench;

import dev.flexauth.engine.Decision;
import dev.flexauth.json.DecisionJson;
import dev.flexauth.log.DecisionLog;
import dev.flexauth.log.LogKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The decision log's share of a decision: serialising the record ({@code logBody}, which is where
 * values are checked for credentials) and appending it to a real file without fsync (the chain
 * hash and the write to the page cache), on the 4-actor example's request mix. Decisions are made
 * ahead, so the engine is not measured; with and without a log key (checkpoints). The file is
 * deleted after each trial.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class LogBenchmark {
    private static final Instant TIME = Instant.parse("2026-12-07T04:00:00Z");

    /** {@code none}: an unkeyed log; {@code hmac}: a log key, so a signed checkpoint every 1,000 lines. */
    @Param({"none", "hmac"})
    public String key;

    private Decision[] decisions;
    private Path dir;
    private DecisionLog log;

    /** Where in the mix a thread is. */
    @State(Scope.Thread)
    public static class Cursor {
        private int next;

        int next() {
            int i = next;
            next = (i + 1) & (RequestMix.SIZE - 1);
            return i;
        }
    }

    @Setup(Level.Trial)
    public void open() throws IOException {
        Workload w = Workload.load(Workload.EXAMPLE_ACTORS);
        decisions = new Decision[w.requests.length];
        for (int i = 0; i < decisions.length; i++) {
            decisions[i] = w.engine.check(w.requests[i]);
        }
        dir = Files.createTempDirectory("flex-auth-log-bench");
        DecisionLog.Builder b = DecisionLog.builder(dir.resolve("decisions.jsonl"));
        if (key.equals("hmac")) {
            b.key(LogKey.of(new byte[32]));
        }
        log = b.open();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        log.close();
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    @Benchmark
    public byte[] logBody(Cursor c) {
        return DecisionJson.logBody(decisions[c.next()], TIME, 42);
    }

    @Benchmark
    public long append(Cursor c) {
        return log.append(DecisionJson.logBody(decisions[c.next()], TIME, 42));
    }
}
