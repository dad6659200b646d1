package dev.flexauth.bench;

import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One check of the ops-warden policy, by flex-auth, the hand-written baseline and jCasbin, on the
 * same snapshot and the same request mix; each invocation takes the next request of the mix.
 * The trial set-up loads the workload and refuses to measure anything unless all three agree on
 * every request. JMH generates subclasses of its state classes, so these cannot be final.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class CheckBenchmark {
    /** 4 is the production example snapshot; any other count a synthetic snapshot of that many actors. */
    @Param({"4", "100000"})
    public int actors;

    private Engine engine;
    private Request[] requests;
    private Ask[] asks;
    private Baseline baseline;
    private CasbinChecker casbin;

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

    @Setup
    public void load() {
        Workload w = Workload.load(actors);
        engine = w.engine;
        requests = w.requests;
        asks = w.asks;
        baseline = w.baseline;
        casbin = w.casbin;
    }

    @Benchmark
    public Decision flexAuth(Cursor c) {
        return engine.check(requests[c.next()]);
    }

    @Benchmark
    public Outcome baseline(Cursor c) {
        return baseline.check(asks[c.next()]);
    }

    @Benchmark
    public Outcome jcasbin(Cursor c) {
        return casbin.check(asks[c.next()]);
    }
}
