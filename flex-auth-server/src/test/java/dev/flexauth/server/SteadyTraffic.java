package dev.flexauth.server;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client checking without pause but a few milliseconds between requests (a bounded loop, so
 * at most a few hundred checks a second): with the decision log beside the registry, every
 * answer is a write in the watched directory.
 */
final class SteadyTraffic implements AutoCloseable {
    static final String OTHER = "{\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\",\"ttl_hours\":1}";

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread thread;

    private SteadyTraffic(TestServer server) {
        this.thread = new Thread(() -> {
            while (running.get()) {
                try {
                    int status = server.check(OTHER).status();
                    (status == 200 ? answered : failed).incrementAndGet();
                } catch (RuntimeException e) {
                    failed.incrementAndGet();
                }
                TestServer.pause(5);
            }
        }, "steady-traffic");
        thread.setDaemon(true);
        thread.start();
    }

    static SteadyTraffic start(TestServer server) {
        SteadyTraffic t = new SteadyTraffic(server);
        t.awaitAnswers(20);
        return t;
    }

    /** Waits (at most 10 s) until {@code n} more requests have been answered. */
    void awaitAnswers(long n) {
        long target = answered.get() + n;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (answered.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the steady traffic got only " + answered.get() + " answers (" + failed.get()
                        + " failed) in 10 s");
            }
            TestServer.pause(5);
        }
    }

    long answered() {
        return answered.get();
    }

    long failed() {
        return failed.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(30_000);
    }
}
