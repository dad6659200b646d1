package dev.flexauth.server;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The executor the JDK's HTTP server hands each request to: a fixed pool of workers behind a
 * bounded queue. When both are full the request is not dropped: it goes to a small shedding pool
 * whose threads only read the request line and headers and answer 503 {@code overloaded} with
 * {@code Retry-After} (the router asks {@link #shedding()}). Only when the shedding pool's own
 * bounded queue is full too is the connection closed without an answer: the JDK's dispatcher closes
 * it when {@code execute} throws. Shedding happens off the dispatcher thread because reading the
 * headers of a slow client would otherwise stall every connection. Thread-safe.
 */
final class Admission implements Executor {
    static final int SHEDDING_THREADS = 2;

    private static final ThreadLocal<Boolean> SHEDDING = new ThreadLocal<>();

    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor shedder;
    private final LongAdder shed = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    Admission(int workerThreads, int queueCapacity) {
        workers = new ThreadPoolExecutor(workerThreads, workerThreads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), daemons("flex-auth-worker-"));
        workers.prestartAllCoreThreads();
        shedder = new ThreadPoolExecutor(SHEDDING_THREADS, SHEDDING_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(Math.max(64, queueCapacity)), daemons("flex-auth-shed-"));
    }

    @Override
    public void execute(Runnable exchange) {
        try {
            workers.execute(exchange);
        } catch (RejectedExecutionException full) {
            try {
                shedder.execute(() -> {
                    SHEDDING.set(Boolean.TRUE);
                    try {
                        exchange.run();
                    } finally {
                        SHEDDING.remove();
                    }
                });
                shed.increment();
            } catch (RejectedExecutionException alsoFull) {
                dropped.increment();
                throw alsoFull;
            }
        }
    }

    /** Whether the calling thread is answering a request that found every worker busy and the queue full. */
    static boolean shedding() {
        return SHEDDING.get() != null;
    }

    /** Requests being decided now. */
    int active() {
        return workers.getActiveCount();
    }

    /** Requests waiting for a worker. */
    int queued() {
        return workers.getQueue().size();
    }

    /** Requests answered 503 because the queue was full. */
    long shed() {
        return shed.sum();
    }

    /** Connections closed unanswered because the shedding queue was full too. */
    long dropped() {
        return dropped.sum();
    }

    /** Lets queued requests run (they find the server stopping) and waits up to {@code millis} for them. */
    void shutdown(long millis) throws InterruptedException {
        workers.shutdown();
        shedder.shutdown();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        workers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        shedder.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        workers.shutdownNow();
        shedder.shutdownNow();
    }

    static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
