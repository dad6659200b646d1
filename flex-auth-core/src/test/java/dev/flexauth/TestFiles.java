package dev.flexauth;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the project's example files are, for tests of every module: the repository root is found
 * from the working directory (Maven runs each module's tests in the module's directory).
 */
public final class TestFiles {
    private TestFiles() {
    }

    /** The repository root: the nearest ancestor holding {@code examples/}. */
    public static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("examples/ops-warden"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no examples/ops-warden above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    public static Path opsWardenRegistry() {
        return root().resolve("examples/ops-warden/production_registry_snapshot.json");
    }

    public static Path opsWardenPolicy() {
        return root().resolve("examples/ops-warden/policy_package.md");
    }

    /** The ops-warden package's text. */
    public static String opsWardenPolicyText() {
        try {
            return Files.readString(opsWardenPolicy());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ops-warden package's text without its rule blocks: its sections, for tests to add rules of their own. */
    public static String opsWardenPolicyWithoutRules() {
        return opsWardenPolicyText().replaceAll("(?s)```rule\\n.*?```", "");
    }

    /** The ops-warden example engine. */
    public static Engine opsWarden() {
        try {
            return EngineLoader.defaults().load(opsWardenRegistry(), opsWardenPolicy());
        } catch (Exception e) {
            throw new IllegalStateException("the ops-warden example does not load", e);
        }
    }
}
