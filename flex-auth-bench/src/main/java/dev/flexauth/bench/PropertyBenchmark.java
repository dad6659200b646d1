package dev.flexauth.bench;

import dev.flexauth.analysis.PropertyChecker;
import dev.flexauth.analysis.PropertyResult;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.engine.LoadException;
import java.nio.file.Path;
import java.util.List;
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
 * The exact check of the ops-warden package's six properties ({@code flex-auth test}'s property
 * step, and the server's at every load) over the production example and a synthetic snapshot. The
 * trial set-up refuses to measure unless every property holds and is proven. JMH generates
 * subclasses of its state classes, so this cannot be final.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class PropertyBenchmark {
    /** 4 is the production example snapshot; any other count a synthetic snapshot of that many actors. */
    @Param({"4", "100000"})
    public int actors;

    private Engine engine;

    @Setup
    public void load() throws LoadException {
        Path registry = actors == Workload.EXAMPLE_ACTORS ? Workload.exampleRegistry()
                : SyntheticSnapshot.ensure(Workload.snapshotDir(), actors);
        engine = EngineLoader.defaults().load(registry, Workload.policyFile());
        for (PropertyResult r : check()) {
            if (!r.holds() || !r.proven()) {
                throw new IllegalStateException(r.property().name() + " does not hold exactly over " + registry + ": " + r);
            }
        }
    }

    @Benchmark
    public List<PropertyResult> check() {
        return PropertyChecker.check(engine);
    }
}
