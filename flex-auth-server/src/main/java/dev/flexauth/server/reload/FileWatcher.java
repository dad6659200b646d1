package dev.flexauth.server.reload;

import dev.flexauth.server.observability.ServerLog;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Watches the directories of the registry and policy files and asks for a reload check (which
 * compares the files' bytes, so events that change nothing do not reload). Only events for the
 * watched names count: the path as given, its target after following symlinks, and the first step
 * of a relative symlink (a Kubernetes ConfigMap's {@code ..data}); a decision log or anything else
 * written in the same directory is ignored. A burst of events is coalesced: the check runs once
 * events have been quiet for the debounce, but never later than the max delay after the burst's
 * first event, so a busy directory cannot postpone it. It watches the directory each path is in as
 * given and the one its target is in, re-resolved after every relevant event. That covers a file
 * replaced by an atomic rename, an editor writing in place, and a ConfigMap's {@code ..data}
 * symlink swap; what events miss (network file systems, longer symlink chains) the Reloader's
 * periodic backstop catches. Thread-safe.
 */
public final class FileWatcher implements AutoCloseable {
    private final List<Path> files;
    private final long debounceNanos;
    private final long maxDelayNanos;
    private final Runnable onChange;
    private final ScheduledExecutorService timer;
    private final ServerLog log;
    private final WatchService watch;
    private final Map<Path, WatchKey> keys = new HashMap<>();
    /** The names that matter in each watched directory. */
    private Map<Path, Set<String>> names = Map.of();
    private final Thread thread;
    private ScheduledFuture<?> pending;
    private boolean burst;
    private long burstStart;

    private FileWatcher(List<Path> files, Duration debounce, Duration maxDelay, Runnable onChange,
            ScheduledExecutorService timer, ServerLog log) throws IOException {
        this.files = files.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        this.debounceNanos = debounce.toNanos();
        this.maxDelayNanos = maxDelay.toNanos();
        this.onChange = onChange;
        this.timer = timer;
        this.log = log;
        this.watch = FileSystems.getDefault().newWatchService();
        this.thread = new Thread(this::run, "flex-auth-watch");
        thread.setDaemon(true);
    }

    /**
     * Starts watching {@code files}; {@code onChange} runs on {@code timer} after each burst of
     * relevant events, {@code debounce} after its last event but at most {@code maxDelay} after its first.
     */
    public static FileWatcher start(List<Path> files, Duration debounce, Duration maxDelay, Runnable onChange,
            ScheduledExecutorService timer, ServerLog log) throws IOException {
        FileWatcher w = new FileWatcher(files, debounce, maxDelay, onChange, timer, log);
        w.register();
        w.thread.start();
        // A change between the first load and the registration above would otherwise go unseen.
        w.schedule();
        return w;
    }

    private void run() {
        while (true) {
            WatchKey key;
            try {
                key = watch.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            boolean relevant = relevant(key, key.pollEvents());
            key.reset();
            if (relevant) {
                register();
                schedule();
            }
        }
    }

    /** Whether {@code events} name a watched file (or may have: an overflow lost their names). */
    private synchronized boolean relevant(WatchKey key, List<WatchEvent<?>> events) {
        Set<String> wanted = names.getOrDefault((Path) key.watchable(), Set.of());
        for (WatchEvent<?> event : events) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW
                    || event.context() instanceof Path name && wanted.contains(name.toString())) {
                return true;
            }
        }
        return false;
    }

    /** Watches the directories the files are reached through now; forgets those they no longer are. */
    private synchronized void register() {
        Map<Path, Set<String>> wanted = new LinkedHashMap<>();
        for (Path file : files) {
            add(wanted, file);
            try {
                if (Files.isSymbolicLink(file)) {
                    Path target = Files.readSymbolicLink(file);
                    if (!target.isAbsolute() && target.getNameCount() > 1) {
                        // registry.json -> ..data/registry.json: the swap renames ..data in this directory.
                        wanted.get(file.getParent()).add(target.getName(0).toString());
                    }
                }
                add(wanted, file.toRealPath());
            } catch (IOException e) {
                // The file is missing right now; its directory as given is still watched.
            }
        }
        names = wanted;
        keys.entrySet().removeIf(e -> {
            boolean stale = !wanted.containsKey(e.getKey()) || !e.getValue().isValid();
            if (stale) {
                e.getValue().cancel();
            }
            return stale;
        });
        for (Path dir : wanted.keySet()) {
            if (!keys.containsKey(dir) && Files.isDirectory(dir)) {
                try {
                    keys.put(dir, dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY));
                } catch (IOException | ClosedWatchServiceException e) {
                    log.info("cannot watch " + dir + " for changes (" + e + "); the periodic check, SIGHUP and the admin"
                            + " endpoint still reload");
                }
            }
        }
    }

    private static void add(Map<Path, Set<String>> wanted, Path file) {
        wanted.computeIfAbsent(file.getParent(), d -> new HashSet<>()).add(file.getFileName().toString());
    }

    /** Starts a burst or extends it: the check runs after the debounce, but no later than the max delay from its start. */
    private synchronized void schedule() {
        long now = System.nanoTime();
        if (burst) {
            pending.cancel(false);
        } else {
            burst = true;
            burstStart = now;
        }
        long due = Math.min(now + debounceNanos, burstStart + maxDelayNanos);
        try {
            pending = timer.schedule(this::fire, Math.max(0, due - now), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The server is stopping.
            burst = false;
        }
    }

    private void fire() {
        synchronized (this) {
            burst = false;
        }
        onChange.run();
    }

    /** The directories watched now. */
    synchronized Set<Path> directories() {
        return Set.copyOf(keys.keySet());
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (IOException e) {
            // Nothing to release beyond what close already did.
        }
        thread.interrupt();
    }
}
