package dev.flexauth.server;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.engine.LoadException;
import dev.flexauth.server.reload.FileFingerprint;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code serve}'s registry and policy files, loaded on a second thread from the raw arguments while
 * the main thread parses the command line (about a fifth of a second of a cold JVM's reflection)
 * and prepares the rest: at a million actors the load is most of the start, and it then begins
 * that much sooner. Only a guess, checked before use: {@link FlexAuthServer} takes the outcome only
 * for exactly the files its parsed configuration names and the loader it would use itself (no
 * signers, files not URLs), and loads the pair itself otherwise. The load is the one the server
 * does: the policy's fingerprint before it, the registry's bytes hashed as they are read.
 */
public final class EarlyLoad {
    private static final AtomicReference<EarlyLoad> STARTED = new AtomicReference<>();
    private static final Set<String> HELP = Set.of("-h", "--help", "-V", "--version");

    private final Path registry;
    private final Path policy;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

    /** What the load gave: the fingerprint begun for it, and the engine or why the pair was refused. */
    record Outcome(FileFingerprint.Started files, Engine engine, LoadException refused) {
    }

    private EarlyLoad(Path registry, Path policy) {
        this.registry = registry;
        this.policy = policy;
    }

    /**
     * Starts loading the pair that {@code args} (a {@code serve} command line) names, if it names
     * one plainly: {@code --registry FILE} and {@code --policy FILE} once each, no signers, no
     * {@code --require-examples}, no help, no argument file. Then runs {@link Preload} on the same
     * thread. Never fails: a command line it
     * does not understand only means the main thread loads the pair, as without it.
     */
    public static void start(String[] args) {
        EarlyLoad early = guess(args);
        if (early != null) {
            STARTED.set(early);
        }
        Thread t = new Thread(() -> {
            if (early != null) {
                early.run();
            }
            Preload.run();
        }, "flex-auth-preload");
        t.setDaemon(true);
        t.start();
    }

    /** The pair {@code args} names plainly, or null. */
    static EarlyLoad guess(String[] args) {
        String registry = null;
        String policy = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("@") || a.startsWith("--registry-signers") || a.equals("--require-examples") || HELP.contains(a)) {
                // An argument file could hold anything; signers change the loader; the Examples gate
                // loads the pair itself first (a second registry in memory); help loads nothing.
                return null;
            }
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (!name.equals("--registry") && !name.equals("--policy")) {
                continue;
            }
            String value;
            if (a.contains("=")) {
                value = a.substring(a.indexOf('=') + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                return null;
            }
            boolean first = name.equals("--registry") ? registry == null : policy == null;
            if (!first || value.isEmpty() || ServerConfig.RegistrySource.isUrl(value)) {
                return null;
            }
            if (name.equals("--registry")) {
                registry = value;
            } else {
                policy = value;
            }
        }
        if (registry == null || policy == null) {
            return null;
        }
        try {
            return new EarlyLoad(Path.of(registry), Path.of(policy));
        } catch (RuntimeException e) {
            return null; // not a path here: the parsed command line says why
        }
    }

    private void run() {
        try {
            EngineLoader loader = EngineLoader.defaults();
            FileFingerprint.Started files = FileFingerprint.start(loader, registry, policy);
            try {
                outcome.complete(new Outcome(files, loader.load(registry, policy, files.registryBytes()), null));
            } catch (LoadException e) {
                outcome.complete(new Outcome(files, null, e));
            }
        } catch (RuntimeException | Error e) {
            outcome.completeExceptionally(e);
        }
    }

    /**
     * The outcome of the early load of exactly {@code registry} and {@code policy} with the default
     * loader, waiting for it; null if none was started for them, or it failed unexpectedly (the
     * caller then loads the pair itself). At most once: the outcome is not kept.
     */
    static Outcome take(Path registry, Path policy) {
        EarlyLoad early = STARTED.getAndSet(null);
        if (early == null || !early.registry.equals(registry) || !early.policy.equals(policy)) {
            // A load of other files finishes on its own thread and is dropped: only a command line
            // the guess misread (an option's value that looks like --registry) pays for it.
            return null;
        }
        try {
            return early.outcome.join();
        } catch (RuntimeException e) {
            // A defect of the loader (or an Error) on the early thread: the caller's own load meets
            // it again and reports it as it would have.
            return null;
        }
    }
}
