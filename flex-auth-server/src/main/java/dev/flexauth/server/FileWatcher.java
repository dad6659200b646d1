package dev.flexauth.server;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Watches the directories of the registry and policy files and, once events have been quiet for
 * the debounce period, asks for a reload check (which compares the files' bytes, so events that
 * change nothing do not reload). It watches the directory each path is in as given and the one
 * its target is in after following symlinks, re-resolved after every event. That covers a file
 * replaced by an atomic rename, an editor writing in place, and a Kubernetes ConfigMap, whose
 * {@code ..data} symlink is swapped in the directory of the path as given. Thread-safe.
 */
final class FileWatcher implements AutoCloseable {
    private final List<Path> files;
    private final Duration debounce;
    private final Runnable onChange;
    private final ScheduledExecutorService timer;
    private final ServerLog log;
    private final WatchService watch;
    private final Map<Path, WatchKey> keys = new HashMap<>();
    private final Thread thread;
    private ScheduledFuture<?> pending;

    private FileWatcher(List<Path> files, Duration debounce, Runnable onChange, ScheduledExecutorService timer, ServerLog log)
            throws IOException {
        this.files = files.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        this.debounce = debounce;
        this.onChange = onChange;
        this.timer = timer;
        this.log = log;
        this.watch = FileSystems.getDefault().newWatchService();
        this.thread = new Thread(this::run, "flex-auth-watch");
        thread.setDaemon(true);
    }

    /** Starts watching {@code files}; {@code onChange} runs on {@code timer} after each quiet period. */
    static FileWatcher start(List<Path> files, Duration debounce, Runnable onChange, ScheduledExecutorService timer,
            ServerLog log) throws IOException {
        FileWatcher w = new FileWatcher(files, debounce, onChange, timer, log);
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
            key.pollEvents();
            key.reset();
            register();
            schedule();
        }
    }

    /** Watches the directories the files are reached through now; forgets those they no longer are. */
    private synchronized void register() {
        Set<Path> dirs = new LinkedHashSet<>();
        for (Path file : files) {
            dirs.add(file.getParent());
            try {
                dirs.add(file.toRealPath().getParent());
            } catch (IOException e) {
                // The file is missing right now; its directory as given is still watched.
            }
        }
        keys.entrySet().removeIf(e -> {
            boolean stale = !dirs.contains(e.getKey()) || !e.getValue().isValid();
            if (stale) {
                e.getValue().cancel();
            }
            return stale;
        });
        for (Path dir : dirs) {
            if (!keys.containsKey(dir) && Files.isDirectory(dir)) {
                try {
                    keys.put(dir, dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY));
                } catch (IOException | ClosedWatchServiceException e) {
                    log.info("cannot watch " + dir + " for changes (" + e + "); SIGHUP and the admin endpoint still reload");
                }
            }
        }
    }

    private synchronized void schedule() {
        if (pending != null) {
            pending.cancel(false);
        }
        try {
            pending = timer.schedule(onChange, debounce.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The server is stopping.
        }
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
