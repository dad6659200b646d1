package dev.flexauth.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * {@code bin/flex-auth} runs the jar that {@code package} built (it is newer than the sources, so
 * no rebuild), through a symlink too, and survives a damaged class-data-sharing archive.
 */
@Execution(ExecutionMode.SAME_THREAD) // the tests share target/flex-auth.jsa
class LauncherIT {
    private static final Path LAUNCHER = Cli.ROOT.resolve("bin/flex-auth");
    private static final Path ARCHIVE = Cli.ROOT.resolve("flex-auth-cli/target/flex-auth.jsa");

    private static Cli.Result launch(Path command, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", command.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(Cli.ROOT.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        return new Cli.Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private static String version() {
        return Cli.run("version").out();
    }

    @Test
    void runsTheBuiltJarWithNothingButItsOutputOnStdout() throws Exception {
        Cli.Result r = launch(LAUNCHER, "version");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals(version(), r.out()),
                () -> assertEquals("", r.err()),
                () -> assertTrue(Files.exists(ARCHIVE), "the launcher keeps a CDS archive at " + ARCHIVE));
    }

    @Test
    void worksThroughASymlinkFromAnotherDirectory(@TempDir Path dir) throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("flex-auth"), LAUNCHER);
        Cli.Result r;
        try {
            r = launch(link, "check", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY, "--json", "--request",
                    "{\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\",\"ttl_hours\":48}");
        } finally {
            Files.delete(link); // before @TempDir cleanup, which warns about links leading out of it
        }
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertTrue(r.out().contains("\"effect\":\"allow\""), r.out()),
                () -> assertEquals("", r.err()));
    }

    @Test
    void theArchiveHoldsPicocliAndTheApplication() throws Exception {
        // Why the archive is static: Java 17 leaves picocli's Java 5 class files out of a dynamic one.
        launch(LAUNCHER, "version");
        ProcessBuilder pb = new ProcessBuilder("bash", LAUNCHER.toString(), "version").directory(Cli.ROOT.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("FLEX_AUTH_JAVA_OPTS", "-Xlog:class+load=info");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertAll(out.length() > 2000 ? out.substring(0, 2000) : out,
                () -> assertEquals(0, p.exitValue()),
                () -> assertTrue(out.contains(" picocli.CommandLine source: shared objects file"), "picocli from the archive"),
                () -> assertTrue(out.contains(" dev.flexauth.cli.Main source: shared objects file"), "the application from the archive"));
    }

    @Test
    void aDamagedArchiveIsIgnoredThenRebuilt() throws Exception {
        launch(LAUNCHER, "version");
        makeWritable(ARCHIVE);
        Files.write(ARCHIVE, "not a CDS archive".getBytes(StandardCharsets.UTF_8));
        Cli.Result damaged = launch(LAUNCHER, "version");
        Files.writeString(Path.of(ARCHIVE + ".key"), "stale\n");
        Cli.Result rebuilt = launch(LAUNCHER, "version");
        assertAll(damaged + "\n" + rebuilt,
                () -> assertEquals(0, damaged.exit()),
                () -> assertEquals(version(), damaged.out()),
                () -> assertEquals("", damaged.err()),
                () -> assertEquals(0, rebuilt.exit()),
                () -> assertEquals(version(), rebuilt.out()),
                () -> assertTrue(Files.size(ARCHIVE) > 1_000_000, "a real archive again"));
    }

    /** The java command the launcher would run, with the environment {@code env} added. */
    private static String javaCommand(java.util.Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(Cli.ROOT.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().remove("FLEX_AUTH_JAVA_OPTS");
        pb.environment().put("FLEX_AUTH_PRINT_JAVA", "1");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static Path registryOf(Path dir, long mib) throws IOException {
        Path file = dir.resolve(mib + "mib.json");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(mib * 1024 * 1024); // only its size counts here
        }
        return file;
    }

    @Test
    void serveSizesTheHeapAndPicksTheCollectorFromTheRegistryFile(@TempDir Path dir) throws Exception {
        String policy = "examples/ops-warden/policy_package.md";
        String small = javaCommand(java.util.Map.of(), "serve", "--registry",
                "examples/ops-warden/production_registry_snapshot.json", "--policy", policy);
        String mid = javaCommand(java.util.Map.of(), "serve", "--registry=" + registryOf(dir, 20), "--policy", policy);
        String large = javaCommand(java.util.Map.of(), "serve", "--registry", registryOf(dir, 100).toString(), "--policy", policy);
        String url = javaCommand(java.util.Map.of(), "serve", "--registry", "https://example.org/registry.json", "--policy", policy);
        String check = javaCommand(java.util.Map.of(), "check", "--registry", registryOf(dir, 100).toString(), "--policy", policy);
        assertAll(small + mid + large + url + check,
                () -> assertTrue(small.contains(" -Xmx69m -Xms24m -Xmn12m -XX:+UseSerialGC "), "64 MB + 5 x 1 MiB"),
                () -> assertTrue(mid.contains(" -Xmx164m -Xms124m -Xmn12m -XX:+UseSerialGC "), "from 16 MiB, -Xms too"),
                () -> assertTrue(large.contains(" -Xmx564m -Xms364m -Xmn32m -XX:+UseSerialGC "), "above 256 MB, a larger young generation"),
                () -> assertTrue(!url.contains("-Xmx") && !url.contains("-XX:+Use"), "a URL has no size: the JVM's defaults"),
                () -> assertTrue(check.contains("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC") && !check.contains("-Xmx"),
                        "other commands keep their start-up options"));
    }

    @Test
    void flexAuthJavaOptsComeLastAndReplaceTheGroupTheyTouch() throws Exception {
        String[] serve = {"serve", "--registry", "examples/ops-warden/production_registry_snapshot.json", "--policy",
            "examples/ops-warden/policy_package.md"};
        String heap = javaCommand(java.util.Map.of("FLEX_AUTH_JAVA_OPTS", "-Xmx1g"), serve);
        String gc = javaCommand(java.util.Map.of("FLEX_AUTH_JAVA_OPTS", "-XX:+UseG1GC -Xlog:gc"), serve);
        String other = javaCommand(java.util.Map.of("FLEX_AUTH_JAVA_OPTS", "-XX:+UseStringDeduplication -XX:+PrintGCDetails"), serve);
        assertAll(heap + gc + other,
                () -> assertTrue(heap.contains(" -XX:+UseSerialGC -Xmx1g -jar ") && !heap.contains("-Xms"), heap),
                () -> assertTrue(gc.contains(" -Xmx69m -Xms24m -Xmn12m -XX:+UseG1GC -Xlog:gc -jar ") && !gc.contains("Serial"), gc),
                () -> assertTrue(other.contains(" -XX:+UseSerialGC -XX:+UseStringDeduplication -XX:+PrintGCDetails -jar "), other));
    }

    private static void makeWritable(Path file) throws IOException {
        if (!file.toFile().setWritable(true)) {
            throw new IOException("cannot make " + file + " writable");
        }
    }
}
