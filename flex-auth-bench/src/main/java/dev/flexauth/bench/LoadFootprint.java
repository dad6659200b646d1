package dev.flexauth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.policy.markdown.PolicyReader;
import dev.flexauth.registry.Registry;
import dev.flexauth.registry.RegistryLoader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Registry load time and retained heap (not JMH: one load of a million actors takes seconds, and
 * the first, cold load is the one a server start pays). For each size it generates the synthetic
 * snapshot if missing, then loads it {@code runs} times with the ops-warden policy's Registry
 * table as schema, the way {@code flex-auth serve} does: full validation and the canonical digest.
 * Retained heap is the heap in use after a full GC with the registry held, minus before it.
 * Run with a fixed heap ({@code -Xms4g -Xmx4g}); prints a Markdown table and writes JSON.
 *
 * <p>Usage: {@code LoadFootprint [--runs N] [--out file.json] size...} (default sizes 100000 1000000).
 */
public final class LoadFootprint {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private LoadFootprint() {
    }

    /** One size's figures: times in milliseconds, heap in bytes. */
    record Result(int actors, long fileBytes, double coldMillis, double warmMedianMillis, double warmBestMillis,
            long retainedBytes) {
    }

    public static void main(String[] args) throws Exception {
        int runs = 5;
        Path out = Workload.root().resolve("flex-auth-bench/target/load-footprint.json");
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs": runs = Integer.parseInt(args[++i]); break;
                case "--out": out = Path.of(args[++i]); break;
                default: sizes.add(Integer.parseInt(args[i].replace("_", "")));
            }
        }
        if (sizes.isEmpty()) {
            sizes = List.of(100_000, 1_000_000);
        }
        if (runs < 2) {
            throw new IllegalArgumentException("--runs must be at least 2 (one cold load, then warm ones), got " + runs);
        }
        PolicyPackage policy = PolicyReader.read(Workload.policyFile());
        RegistryLoader loader = RegistryLoader.builder().schema(policy.registry()).build();
        List<Result> results = new ArrayList<>();
        for (int size : sizes) {
            Path file = SyntheticSnapshot.ensure(Workload.snapshotDir(), size);
            results.add(measure(loader, file, size, runs));
        }
        System.out.println();
        System.out.println("| actors | snapshot | first load | warm load (median) | warm load (best) | retained heap | per actor |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            System.out.printf("| %,d | %.1f MB | %,.0f ms | %,.0f ms | %,.0f ms | %.1f MB | %d B |%n", r.actors(),
                    r.fileBytes() / 1e6, r.coldMillis(), r.warmMedianMillis(), r.warmBestMillis(),
                    r.retainedBytes() / 1e6, r.retainedBytes() / r.actors());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        json.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        json.put("runs", runs);
        json.put("results", results);
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        System.out.println("written " + out);
    }

    private static Result measure(RegistryLoader loader, Path file, int size, int runs) throws Exception {
        double[] millis = new double[runs];
        long retained = 0;
        for (int run = 0; run < runs; run++) {
            long[] figures = loadOnce(loader, file, size);
            millis[run] = figures[0] / 1e6;
            // The last run's figure: by then nothing left over from the first, cold load can skew it.
            retained = figures[1];
            System.out.printf("%,d actors, run %d: %,.0f ms, retained %.1f MB%n", size, run + 1, millis[run], retained / 1e6);
        }
        double[] warm = Arrays.copyOfRange(millis, 1, runs);
        Arrays.sort(warm);
        return new Result(size, Files.size(file), millis[0], warm[warm.length / 2], warm[0], retained);
    }

    /**
     * One load: nanoseconds and retained bytes. A method of its own so that no frame of the
     * caller still holds the previous registry while the next "before" is taken.
     */
    private static long[] loadOnce(RegistryLoader loader, Path file, int size) throws Exception {
        long before = usedAfterGc();
        long start = System.nanoTime();
        Registry registry = loader.load(file);
        long nanos = System.nanoTime() - start;
        long after = usedAfterGc();
        if (registry.entityCount() != size) {
            throw new IllegalStateException("expected " + size + " actors in " + file + ", loaded " + registry.entityCount());
        }
        Reference.reachabilityFence(registry);
        return new long[] {nanos, after - before};
    }

    private static long usedAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        // Repeated until it stops shrinking: one System.gc() can leave finalizable or soft garbage behind.
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            long now = MEMORY.getHeapMemoryUsage().getUsed();
            if (now >= used) {
                return now;
            }
            used = now;
        }
        return used;
    }
}
