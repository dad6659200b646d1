package dev.flexauth;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
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

    /** The ops-warden example engine. */
    public static Engine opsWarden() {
        try {
            return EngineLoader.defaults().load(opsWardenRegistry(), opsWardenPolicy());
        } catch (Exception e) {
            throw new IllegalStateException("the ops-warden example does not load", e);
        }
    }
}
