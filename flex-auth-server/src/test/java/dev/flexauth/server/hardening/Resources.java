package dev.flexauth.server.hardening;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a process holds: open file descriptors (sockets counted apart) and live threads, read from
 * {@code /proc}. Taken before and after a battery to show that nothing leaks.
 *
 * @param fds     every open descriptor
 * @param sockets the descriptors that are sockets (connections, the listener)
 * @param threads live threads
 * @param kinds   descriptors by kind (socket, pipe, anon_inode:..., or the file's extension)
 */
record Resources(int fds, int sockets, int threads, Map<String, Integer> kinds) {

    static Resources self() {
        return of("self");
    }

    static Resources of(long pid) {
        return of(Long.toString(pid));
    }

    private static Resources of(String pid) {
        Path proc = Path.of("/proc", pid);
        Map<String, Integer> kinds = new TreeMap<>();
        int fds = 0;
        int sockets = 0;
        try (Stream<Path> list = Files.list(proc.resolve("fd"))) {
            for (Path fd : (Iterable<Path>) list::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // Closed while listing (the listing's own descriptor, among others).
                }
                fds++;
                String kind = kind(target);
                if (kind.equals("socket")) {
                    sockets++;
                }
                kinds.merge(kind, 1, Integer::sum);
            }
            int threads;
            try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
                threads = (int) tasks.count();
            }
            return new Resources(fds, sockets, threads, kinds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + proc, e);
        }
    }

    private static String kind(String target) {
        if (target.startsWith("socket:")) {
            return "socket";
        }
        if (target.startsWith("pipe:")) {
            return "pipe";
        }
        if (target.startsWith("anon_inode:")) {
            return target;
        }
        int dot = target.lastIndexOf('.');
        return dot > target.lastIndexOf('/') ? "*" + target.substring(dot) : "file";
    }

    /** The threads of this JVM by name, with digits folded, for a message when a count moved. */
    static List<String> threadNames() {
        Map<String, Integer> names = new TreeMap<>();
        Thread.getAllStackTraces().keySet().forEach(t -> names.merge(t.getName().replaceAll("[0-9]+", "#"), 1, Integer::sum));
        List<String> out = new ArrayList<>();
        names.forEach((n, c) -> out.add(c + "x " + n));
        return out;
    }

    @Override
    public String toString() {
        return fds + " fds (" + sockets + " sockets) " + threads + " threads " + kinds;
    }
}
