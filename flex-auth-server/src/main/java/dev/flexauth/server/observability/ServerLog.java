package dev.flexauth.server.observability;

import dev.flexauth.log.Redaction;
import java.io.PrintStream;
import java.time.Clock;
import java.time.temporal.ChronoUnit;

/**
 * The server's own log: plain text lines on standard error, {@code <time> flex-auth: <message>},
 * for operators (start, reloads, decision-log failures and recoveries, defects), one line per
 * event: line breaks inside a message become {@code " | "}, so a log shipper never splits an event
 * and no file name or error text can forge a line. It never receives request bodies, tokens or
 * header values; and credential-shaped text in what it does receive (a path, a file's error
 * message) is replaced by a marker ({@link Redaction}). Thread-safe: a line is written whole.
 */
public final class ServerLog {
    private final PrintStream out;
    private final Clock clock;

    public ServerLog(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    public static ServerLog stderr() {
        return new ServerLog(System.err, Clock.systemUTC());
    }

    /**
     * A defect, with the stack trace of {@code e} and its causes on the same line: the classes and
     * frames, not the messages, which may quote what a client sent.
     */
    public void defect(String message, Throwable e) {
        StringBuilder sb = new StringBuilder(message);
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            sb.append(t == e ? ": " : " | caused by: ").append(t.getClass().getName());
            for (StackTraceElement frame : t.getStackTrace()) {
                sb.append(" | \tat ").append(frame);
            }
        }
        info(sb.toString());
    }

    public void info(String message) {
        String line = clock.instant().truncatedTo(ChronoUnit.MILLIS) + " flex-auth: " + Redaction.redact(message).replaceAll("\\R", " | ");
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
