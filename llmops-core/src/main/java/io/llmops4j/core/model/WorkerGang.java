package io.llmops4j.core.model;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed group of threads that runs the chunks {@code 0 .. n-1} of one parallel loop at a time, the calling
 * thread taking part. A decoding step is some sixty short loops (one per matrix-vector product), so handing work
 * over must cost microseconds: between loops the workers spin briefly, and park only once no loop has come for
 * {@link #SPIN_NANOS}, so an idle model holds no core.
 */
final class WorkerGang implements AutoCloseable {
    static final long SPIN_NANOS = 200_000;

    private final Thread[] threads;
    private final boolean[] parked;
    private final Object parkedLock = new Object();
    private volatile Loop current;
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

    /** One parallel loop; participants that arrive late find its counter exhausted and leave it. */
    private static final class Loop {
        final Chunk body;
        final int n;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Loop(Chunk body, int n) {
            this.body = body;
            this.n = n;
        }

        void drain(int participant) {
            int i;
            while ((i = next.getAndIncrement()) < n) {
                try {
                    body.run(i, participant);
                } catch (Throwable t) {
                    if (!failure.compareAndSet(null, t)) {
                        failure.get().addSuppressed(t); // the first failure is thrown, later ones ride along
                    }
                } finally {
                    done.incrementAndGet();
                }
            }
        }
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
     * Runs {@code body} on every chunk index in {@code [0, n)} across the gang and returns when all are done.
     * One loop at a time: calls from several threads must be serialised by the caller.
     */
    void run(int n, Chunk body) {
        if (n <= 1 || threads.length == 0) {
            for (int i = 0; i < n; i++) {
                body.run(i, 0);
            }
            return;
        }
        Loop loop = new Loop(body, n);
        current = loop;
        wakeParked();
        loop.drain(0);
        for (int spins = 0; loop.done.get() < n; spins++) {
            if (spins < 10_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // a worker holding a chunk may be waiting for this core (more threads than cores)
            }
        }
        Throwable t = loop.failure.get();
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
        Loop seen = current;
        while (!closed) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (current == seen && !closed && System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            }
            if (current == seen && !closed) {
                synchronized (parkedLock) {
                    parked[id] = true;
                }
                // a loop published after the check below finds parked[id] set and unparks this thread
                while (current == seen && !closed) {
                    LockSupport.park(this);
                }
                synchronized (parkedLock) {
                    parked[id] = false;
                }
            }
            Loop loop = current;
            if (closed) {
                return;
            }
            if (loop != seen) {
                seen = loop;
                loop.drain(id + 1);
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
