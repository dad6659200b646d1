package dev.flexauth.bench;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.engine.LoadException;
import dev.flexauth.policy.PolicyException;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.policy.markdown.PolicyReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading the ops-warden policy package: parse and validate the Markdown alone (from bytes
 * already in memory), and the whole start-up load of the example pair from files (policy,
 * 4-actor snapshot, compatibility check, compile). Not final: JMH subclasses its state classes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class PolicyBenchmark {
    private byte[] policy;
    private Path policyFile;
    private Path registryFile;

    @Setup
    public void read() throws IOException {
        policyFile = Workload.policyFile();
        registryFile = Workload.exampleRegistry();
        policy = Files.readAllBytes(policyFile);
    }

    @Benchmark
    public PolicyPackage parseAndValidate() throws PolicyException {
        return PolicyReader.read(policy, "policy_package.md");
    }

    @Benchmark
    public Engine loadExamplePair() throws LoadException {
        return EngineLoader.defaults().load(registryFile, policyFile);
    }
}
