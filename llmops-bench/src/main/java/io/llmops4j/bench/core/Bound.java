package io.llmops4j.bench.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.function.IntConsumer;

/**
 * The memory-bandwidth bound of decoding, measured by {@link DecodeBenchmark} between its own iterations so that
 * decode and bandwidth see the same host: {@code threads} threads at once each copy (with STREAM's kernel, a plain
 * element loop, and with {@code System.arraycopy}), then each read, their own {@link MemoryBandwidthBenchmark#BYTES}
 * arrays, the same passes as {@link MemoryBandwidthBenchmark}; the best of three of each counts. The two copies
 * differ where the JVM's copy stub writes differently from a plain loop: on the Intel Xeon VM arraycopy moved about
 * twice the bytes per second of the loop (docs/BENCHMARKS.md), on the AMD VM both agreed. The passes are compiled before they are timed: run a few times only, they would stay in
 * the interpreter, whose {@code System.arraycopy} copies one element at a time. The threads live as long as the
 * bound and start each pass together, as JMH's benchmark threads and the decode kernel's workers do: threads
 * started per pass measured 10-20% less bandwidth on the benchmark VM (a new thread may share its parent's core
 * until the scheduler moves it), which overstated decode's share of the bound.
 *
 * <p>The host's bandwidth also moves within a second (single passes of the AMD VM read 39-83 GB/s seconds apart,
 * docs/BENCHMARKS.md), so the best of three short passes samples the host's good moments while decode's rate
 * averages over seconds. {@link #sample()} therefore also times a STREAM copy pass after every generation of the
 * measurement, and the report holds decode's steps against the bytes those passes moved over their total time: the
 * bound over the same seconds as decode.
 */
final class Bound implements AutoCloseable {
    private static final int PASSES = 3;
    private final long[][] sources;
    private final long[][] targets;
    private final List<Double> copied = new ArrayList<>(); // bytes copied per second by STREAM's loop, all threads
    private final List<Double> arraycopied = new ArrayList<>(); // the same by System.arraycopy
    private final List<Double> read = new ArrayList<>(); // bytes read per second, all threads
    private long sampledPasses; // STREAM copy passes interleaved with decode's generations, and their total time
    private long sampledNanos;
    private final Thread[] helpers; // participants 1 .. threads-1; the measuring thread is participant 0
    private final CyclicBarrier start;
    private final CyclicBarrier end;
    private volatile IntConsumer pass;
    private volatile long sink;

    Bound(int threads) {
        sources = new long[threads][];
        targets = new long[threads][];
        for (int t = 0; t < threads; t++) {
            sources[t] = MemoryBandwidthBenchmark.source();
            targets[t] = new long[sources[t].length];
        }
        long[] small = new long[1024];
        long[] smallTarget = new long[small.length];
        for (int i = 0; i < 50_000; i++) {
            copy(small, smallTarget);
            MemoryBandwidthBenchmark.streamCopy(small, smallTarget);
            sink += MemoryBandwidthBenchmark.sum(small);
        }
        start = new CyclicBarrier(threads);
        end = new CyclicBarrier(threads);
        helpers = new Thread[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            int id = i + 1;
            helpers[i] = Thread.ofPlatform().daemon().name("bound-" + id).start(() -> {
                try {
                    while (true) {
                        start.await();
                        pass.accept(id);
                        end.await();
                    }
                } catch (InterruptedException | BrokenBarrierException e) {
                    // closed
                }
            });
        }
    }

    private static void copy(long[] from, long[] to) {
        System.arraycopy(from, 0, to, 0, from.length);
    }

    /** One measurement of copy and read bandwidth. */
    void measure() {
        double bestCopy = 0;
        double bestArraycopy = 0;
        double bestRead = 0;
        for (int pass = 0; pass < PASSES; pass++) {
            bestCopy = Math.max(bestCopy, rate(t -> MemoryBandwidthBenchmark.streamCopy(sources[t], targets[t])));
            bestArraycopy = Math.max(bestArraycopy, rate(t -> copy(sources[t], targets[t])));
            bestRead = Math.max(bestRead, rate(t -> sink += MemoryBandwidthBenchmark.sum(sources[t])));
        }
        copied.add(bestCopy);
        arraycopied.add(bestArraycopy);
        read.add(bestRead);
    }

    /**
     * One timed STREAM copy pass by every thread, between two of decode's generations. An untimed pass goes first:
     * on the AMD VM, when the host was fast, the first pass after a generation measured 10% less than the one after
     * it (60.2 against 66.9 GB/s, 19 pairs; equal when the host was slow), which would have understated the bound.
     */
    void sample() {
        IntConsumer copy = t -> MemoryBandwidthBenchmark.streamCopy(sources[t], targets[t]);
        nanos(copy);
        sampledNanos += nanos(copy);
        sampledPasses++;
    }

    /** Bytes per second of {@code work} run by every thread at once on its own arrays, from the common start. */
    private double rate(IntConsumer work) {
        return (double) sources.length * MemoryBandwidthBenchmark.BYTES / (nanos(work) / 1e9);
    }

    private long nanos(IntConsumer work) {
        pass = work;
        try {
            start.await();
            long begin = System.nanoTime();
            work.accept(0);
            end.await();
            return System.nanoTime() - begin;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException("a bandwidth pass failed", e);
        }
    }

    @Override
    public void close() {
        for (Thread helper : helpers) {
            helper.interrupt();
        }
    }

    /**
     * Decode's rate against the bandwidth measured between its iterations, as a line for the benchmark log:
     * {@code stepsPerSecond} is the rate of single decoding steps (the prompt's pass left out), held against the
     * bounds; {@code endToEndPerSecond} counts every generated token over the whole generation, prompt included.
     */
    String report(double stepsPerSecond, double endToEndPerSecond, long bytesPerToken) {
        double copiedMean = mean(copied);
        double arraycopiedMean = mean(arraycopied);
        double readMean = mean(read);
        double decodeBytes = stepsPerSecond * bytesPerToken;
        double interleaved = sampledPasses * (double) sources.length * MemoryBandwidthBenchmark.BYTES
                / (sampledNanos / 1e9); // bytes copied per second over the passes' total time
        return String.format(Locale.ROOT, "%n[bound] %d thread(s): decode steps %.1f tokens/s x %.1f MB = %.1f GB/s"
                        + " (end to end, prompt included, %.1f tokens/s);"
                        + " between its iterations STREAM copy %.1f GB/s copied (%.1f GB/s read + written),"
                        + " System.arraycopy %.1f GB/s copied (%.1f read + written), read %.1f GB/s"
                        + " (per iteration: copied %s, arraycopied %s, read %s); decode steps = %.0f%% of the STREAM"
                        + " copy bound (end to end %.0f%%), %.0f%% of the bytes-copied bound, %.0f%% of the arraycopy"
                        + " STREAM figure, %.0f%% of the read bound; interleaved with its generations (%d passes, one after"
                        + " each) STREAM copy %.1f GB/s read + written: decode steps = %.0f%% of that bound",
                sources.length, stepsPerSecond, bytesPerToken / 1e6, decodeBytes / 1e9, endToEndPerSecond,
                copiedMean / 1e9, 2 * copiedMean / 1e9, arraycopiedMean / 1e9, 2 * arraycopiedMean / 1e9,
                readMean / 1e9, gigabytes(copied), gigabytes(arraycopied), gigabytes(read),
                100 * decodeBytes / (2 * copiedMean), 100 * endToEndPerSecond * bytesPerToken / (2 * copiedMean),
                100 * decodeBytes / copiedMean, 100 * decodeBytes / (2 * arraycopiedMean),
                100 * decodeBytes / readMean, sampledPasses, 2 * interleaved / 1e9, 100 * decodeBytes / (2 * interleaved));
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static String gigabytes(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.1f", v / 1e9)).toList().toString();
    }
}
