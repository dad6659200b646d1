package dev.flexauth.server.hardening;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server in its own JVM, started like {@code flex-auth serve} (through {@link ServeMain} on the
 * test classpath), so that it can be killed with SIGKILL, sent SIGHUP, and have its whole output
 * (the server log) and its descriptors read from outside. Thread-safe.
 */
public final class ServedProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on https?://[^ ]+:([0-9]+) ");

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;
    private volatile int port = -1;

    private ServedProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::drain, "served-process-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code serve} with the given options and JVM options, and waits (at most 60 s) until it
     * says where it listens.
     */
    public static ServedProcess start(List<String> jvmOptions, List<String> serveOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ServeMain.class.getName());
        command.addAll(serveOptions);
        ServedProcess p;
        try {
            p = new ServedProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (p.port < 0) {
            if (!p.process.isAlive()) {
                p.awaitOutputEnd();
                throw new AssertionError("the server exited with " + p.process.exitValue() + " before listening:\n" + p.output());
            }
            if (System.nanoTime() > deadline) {
                p.kill();
                throw new AssertionError("the server did not listen within 60 s:\n" + p.output());
            }
            pause(20);
        }
        return p;
    }

    private void drain() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                output.append(line).append('\n');
                if (port < 0) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port = Integer.parseInt(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            // The process is gone.
        }
    }

    private void awaitOutputEnd() {
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Everything the process wrote (its server log), so far. */
    public String output() {
        return output.toString();
    }

    /** Waits (at most 10 s) until the output contains {@code text}. */
    void awaitOutput(String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!output().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server did not say \"" + text + "\" within 10 s:\n" + output());
            }
            pause(20);
        }
    }

    Resources resources() {
        return Resources.of(process.pid());
    }

    /** SIGKILL: no shutdown hook, no final sync; what was written is what the kernel has. */
    public void kill() {
        process.destroyForcibly();
        await();
    }

    /** SIGTERM: the graceful stop; returns the exit code. */
    public int terminate() {
        process.destroy();
        return await();
    }

    void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
            if (kill.waitFor() != 0) {
                throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private int await() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        awaitOutputEnd();
        return process.exitValue();
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            terminate();
        }
    }
}
