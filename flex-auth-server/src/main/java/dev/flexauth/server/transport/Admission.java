package dev.flexauth.server.transport;

import dev.flexauth.server.observability.DaemonThreads;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The executor the JDK's HTTP server hands each request to. Every request gets a thread of its own
 * at once, up to {@code workerThreads + queueCapacity} requests in progress, so a client that is
 * slow to send its head or body holds only its own thread; at most {@code workerThreads} of them
 * decide at a time ({@link #enterDecision()}), the others wait for a slot with their request read.
 * (A fixed pool behind a queue let a few stalled bodies hold every worker while the requests queued
 * behind them went unread, and the JDK's request timer, which starts at a request's first byte,
 * then closed those unanswered.) Beyond the limit the request is not dropped: it goes to a small
 * shedding pool whose threads only read the request line and headers and answer 503
 * {@code overloaded} with {@code Retry-After} (the router asks {@link #shedding()}). Only when the
 * shedding pool's own bounded queue is full too is the connection closed without an answer: the
 * JDK's dispatcher closes it when {@code execute} throws. Shedding happens off the dispatcher
 * thread because reading the headers of a slow client would otherwise stall every connection.
 * Thread-safe.
 */
public final class Admission implements Executor {
    static final int SHEDDING_THREADS = 2;

    private static final ThreadLocal<Boolean> SHEDDING = new ThreadLocal<>();

    private final int workerThreads;
    private final ThreadPoolExecutor workers;
    private final Semaphore deciding;
    private final ThreadPoolExecutor shedder;
    private final LongAdder shed = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    public Admission(int workerThreads, int queueCapacity) {
        this.workerThreads = workerThreads;
        // A direct hand-off: a new thread per request beyond the idle ones, none beyond the limit.
        workers = new ThreadPoolExecutor(workerThreads, workerThreads + queueCapacity, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), DaemonThreads.named("flex-auth-worker-"));
        workers.prestartAllCoreThreads();
        // Not fair: a fair semaphore hands every released slot to the longest waiter, which must then be
        // woken, so under load each decision paid a context switch; a running thread may now take a free
        // slot at once. A waiter still gets one within the read timeout, or the JDK cuts the exchange off.
        deciding = new Semaphore(workerThreads);
        shedder = new ThreadPoolExecutor(SHEDDING_THREADS, SHEDDING_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(Math.max(64, queueCapacity)), DaemonThreads.named("flex-auth-shed-"));
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

    /**
     * Takes one of the {@code workerThreads} slots for deciding a request that has been read,
     * waiting for one if need be; {@link #leaveDecision()} gives it back.
     *
     * @throws InterruptedException if the server is stopping
     */
    public void enterDecision() throws InterruptedException {
        deciding.acquire();
    }

    public void leaveDecision() {
        deciding.release();
    }

    /** Requests in progress, up to the number of workers. */
    public int active() {
        return Math.min(workers.getActiveCount(), workerThreads);
    }

    /** Requests in progress beyond the number of workers: the queue. */
    public int queued() {
        return Math.max(0, workers.getActiveCount() - workerThreads);
    }

    /** Requests answered 503 because the queue was full. */
    public long shed() {
        return shed.sum();
    }

    /** Connections closed unanswered because the shedding queue was full too. */
    public long dropped() {
        return dropped.sum();
    }

    /** Lets queued requests run (they find the server stopping) and waits up to {@code millis} for them. */
    public void shutdown(long millis) throws InterruptedException {
        workers.shutdown();
        shedder.shutdown();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        workers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        shedder.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        workers.shutdownNow();
        shedder.shutdownNow();
    }
}
