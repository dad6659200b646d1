package dev.flexauth.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code flex-auth.jar} (built by {@code package}) as a subprocess. */
final class Cli {
    static final Path JAR = Path.of(required("flexauth.jar")).toAbsolutePath().normalize();
    static final Path ROOT = Path.of(required("flexauth.root")).toAbsolutePath().normalize();
    static final Path FIXTURES = ROOT.resolve("flex-auth-cli/src/test/resources/fixtures");
    /** The ops-warden example files, relative to {@link #ROOT} (the working directory of {@link #run}). */
    static final String REGISTRY = "examples/ops-warden/production_registry_snapshot.json";
    static final String POLICY = "examples/ops-warden/policy_package.md";
    static final String FIXTURE_DIR = "flex-auth-cli/src/test/resources/fixtures/";

    private Cli() {
    }

    /** What a run printed and how it exited. */
    record Result(int exit, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }

        List<String> outLines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs {@code flex-auth args} in the repository root with an empty stdin. */
    static Result run(String... args) {
        return run(ROOT, "", args);
    }

    /** Runs {@code flex-auth args} in {@code dir}, feeding {@code stdin}. */
    static Result run(Path dir, String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Short-lived test runs: the same options bin/flex-auth uses for short commands.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        try {
            Path in = Files.createTempFile("flex-auth-in", ".txt");
            Path out = Files.createTempFile("flex-auth-out", ".txt");
            Path err = Files.createTempFile("flex-auth-err", ".txt");
            try {
                Files.writeString(in, stdin);
                Process p = new ProcessBuilder(command).directory(dir.toFile())
                        .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "flex-auth " + String.join(" ", args) + " did not finish in 120 s");
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.delete(in);
                Files.delete(out);
                Files.delete(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        if (v == null) {
            throw new IllegalStateException("system property " + property + " is not set; run the jar tests with "
                    + "mvn verify (failsafe sets it to the packaged jar)");
        }
        return v;
    }
}
