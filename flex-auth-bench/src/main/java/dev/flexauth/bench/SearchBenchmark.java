package dev.flexauth.bench;

import dev.flexauth.analysis.AnalysisException;
import dev.flexauth.analysis.Search;
import dev.flexauth.engine.RequestException;
import java.util.Map;
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
 * The exact search behind the AuthZEN Search APIs and {@code flex-auth search} over the synthetic
 * ops-warden registry: "which subjects may sign as this actor" (every actor's allowed subjects are
 * candidates: 2 per actor) and "which actors may this subject sign as" (every actor key is a
 * candidate), one page of up to 100 results, each invocation about the next actor. The candidate
 * lists are built once per engine (as the server keeps them), in the trial set-up. Not final: JMH
 * subclasses its state classes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class SearchBenchmark {
    /** 4 is the production example snapshot; any other count a synthetic snapshot of that many actors. */
    @Param({"100000"})
    public int actors;

    private Search search;
    private String[] names;

    /** Which actor a thread asks about next. */
    @State(Scope.Thread)
    public static class Cursor {
        private int next;

        int next(int size) {
            int i = next;
            next = (i + 7919) % size;
            return i;
        }
    }

    @Setup
    public void load() throws AnalysisException {
        Workload w = Workload.load(actors);
        search = Search.of(w.engine);
        names = new String[actors == Workload.EXAMPLE_ACTORS ? 0 : actors];
        for (int i = 0; i < names.length; i++) {
            names[i] = SyntheticSnapshot.actor(i).name();
        }
        if (names.length == 0) {
            names = w.engine.registry().kind("actor").orElseThrow().entities().stream().map(e -> e.id()).toArray(String[]::new);
        }
        search.candidates("subject");
        search.candidates("actor");
    }

    @Benchmark
    public Search.Result subjectsOfAnActor(Cursor c) throws AnalysisException, RequestException {
        return search.allowed(Map.of("actor", names[c.next(names.length)], "action", "ssh.sign"), "subject", null, 100);
    }

    @Benchmark
    public Search.Result actorsOfASubject(Cursor c) throws AnalysisException, RequestException {
        return search.allowed(Map.of("subject", "iam:" + names[c.next(names.length)], "action", "ssh.sign"), "actor", null, 100);
    }
}
