package io.llmops4j.core.model;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed group of threads that runs the chunks {@code 0 .. n-1} of one parallel loop at a time, the calling
 * thread taking part. A decoding step is some sixty short loops (one per matrix-vector product), so handing work
 * over must cost microseconds: between loops the workers spin briefly, and park only once no loop has come for
 * {@link #SPIN_NANOS}, so an idle model holds no core. Running a loop allocates nothing: the gang's state is reused
 * from loop to loop, told apart by a loop number, because each fresh heap page costs a page fault while the heap is
 * young (docs/BENCHMARKS.md).
 */
final class WorkerGang implements AutoCloseable {
    static final long SPIN_NANOS = 200_000;
    /** The most chunks one loop may have (they are counted in 16 bits of {@link #claims}). */
    static final int MAX_CHUNKS = 0xFFFF;

    private final Thread[] threads;
    private final boolean[] parked;
    private final Object parkedLock = new Object();
    /**
     * The current loop: its number (high 32 bits), its chunk count (next 16) and its next unclaimed chunk (low 16). A
     * participant claims a chunk by advancing this word from the value it read, so the claim fails once the loop it
     * read is over, and the count it checks against is always that loop's own.
     */
    private final AtomicLong claims = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** The current loop's body, written by the caller before it publishes the loop through {@link #claims}. */
    private Chunk body;
    private volatile boolean closed;

    /** The body of a parallel loop. */
    @FunctionalInterface
    interface Chunk {
        /**
         * Runs chunk {@code chunk} on participant {@code participant} ({@code 0} is the calling thread, workers are
         * {@code 1 .. size-1}): no two chunks run on the same participant at once, so a participant's scratch space
         * can be reused across chunks without locking.
         */
        void run(int chunk, int participant);
    }

    /** A gang of {@code size} participants: the caller and {@code size - 1} daemon threads. */
    WorkerGang(int size, String name) {
        threads = new Thread[Math.max(0, size - 1)];
        parked = new boolean[threads.length];
        for (int i = 0; i < threads.length; i++) {
            int id = i;
            threads[i] = Thread.ofPlatform().daemon().name(name + "-" + (i + 1)).unstarted(() -> work(id));
            threads[i].start();
        }
    }

    /** The number of participants, the calling thread included: participant indices are below it. */
    int participants() {
        return threads.length + 1;
    }

    /**
     * Runs {@code body} on every chunk index in {@code [0, n)} ({@code n} at most {@link #MAX_CHUNKS}) across the
     * gang and returns when all are done. One loop at a time: calls from several threads must be serialised by the
     * caller.
     */
    void run(int n, Chunk body) {
        if (n > MAX_CHUNKS) {
            throw new IllegalArgumentException("a parallel loop has at most " + MAX_CHUNKS + " chunks, found " + n);
        }
        if (n <= 1 || threads.length == 0) {
            for (int i = 0; i < n; i++) {
                body.run(i, 0);
            }
            return;
        }
        // every chunk of the previous loop is done, so no participant touches these until the loop is published
        this.body = body;
        done.set(0);
        failure.set(null);
        int number = loopNumber(claims.get()) + 1;
        claims.set((long) number << 32 | (long) n << 16);
        wakeParked();
        drain(number, 0);
        for (int spins = 0; done.get() < n; spins++) {
            if (spins < 10_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // a worker holding a chunk may be waiting for this core (more threads than cores)
            }
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    private static int loopNumber(long claims) {
        return (int) (claims >>> 32);
    }

    /**
     * Claims and runs chunks of loop {@code number} until none is left or that loop is over. The body is read after
     * each claim: the caller writes the next loop's body only once every chunk of this one is done.
     */
    private void drain(int number, int participant) {
        for (long c = claims.get(); loopNumber(c) == number && (c & 0xFFFF) < (c >>> 16 & 0xFFFF); c = claims.get()) {
            if (!claims.compareAndSet(c, c + 1)) {
                continue;
            }
            try {
                body.run((int) (c & 0xFFFF), participant);
            } catch (Throwable t) {
                if (!failure.compareAndSet(null, t)) {
                    failure.get().addSuppressed(t); // the first failure is thrown, later ones ride along
                }
            } finally {
                done.incrementAndGet();
            }
        }
    }

    private void wakeParked() {
        synchronized (parkedLock) {
            for (int i = 0; i < threads.length; i++) {
                if (parked[i]) {
                    LockSupport.unpark(threads[i]);
                }
            }
        }
    }

    private void work(int id) {
        int seen = loopNumber(claims.get());
        while (!closed) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (loopNumber(claims.get()) == seen && !closed && System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            }
            if (loopNumber(claims.get()) == seen && !closed) {
                synchronized (parkedLock) {
                    parked[id] = true;
                }
                // a loop published after the check below finds parked[id] set and unparks this thread
                while (loopNumber(claims.get()) == seen && !closed) {
                    LockSupport.park(this);
                }
                synchronized (parkedLock) {
                    parked[id] = false;
                }
            }
            if (closed) {
                return;
            }
            int number = loopNumber(claims.get());
            if (number != seen) {
                seen = number;
                drain(number, id + 1);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
    }
}
