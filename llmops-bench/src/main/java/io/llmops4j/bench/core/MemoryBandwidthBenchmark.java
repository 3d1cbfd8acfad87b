package io.llmops4j.bench.core;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Memory bandwidth of this machine, the bound that single-stream decode is held against: decoding one token must
 * read every weight once. Each thread works on its own 256 MiB array, far beyond the caches. JMH sums a throughput
 * score over the benchmark's threads, so every score is passes per second of all threads together.
 * {@code streamCopy*}: copies per second with STREAM's copy kernel, a plain loop (STREAM "copy" convention: bandwidth
 * = score x 512 MiB read + written; bytes copied = score x 256 MiB); {@code copy*}: the same with
 * {@code System.arraycopy}, whose stub may write differently from a loop. {@code read*}: passes per second of a summing read, the access pattern of decoding (bandwidth = score x
 * 256 MiB). {@link DecodeBenchmark} also measures both passes between its own iterations ({@link Bound}). The
 * arrays are on transparent huge pages, as the decode kernel's weights are.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-XX:+UseTransparentHugePages"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class MemoryBandwidthBenchmark {
    static final int BYTES = 256 << 20;
    private long[] src;
    private long[] dst;

    @Setup
    public void setUp() {
        src = source();
        dst = new long[BYTES / 8];
    }

    /** An array of {@link #BYTES} with distinct values, so that no page is shared or zero. */
    static long[] source() {
        long[] a = new long[BYTES / 8];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        return a;
    }

    @Benchmark
    @Threads(1)
    public long copy1Thread() {
        System.arraycopy(src, 0, dst, 0, src.length);
        return dst[dst.length - 1];
    }

    @Benchmark
    @Threads(2)
    public long copy2Threads() {
        System.arraycopy(src, 0, dst, 0, src.length);
        return dst[dst.length - 1];
    }

    /** STREAM's copy kernel, {@code c[j] = a[j]}, as a plain loop (C2 vectorises it with ordinary stores). */
    @Benchmark
    @Threads(1)
    public long streamCopy1Thread() {
        streamCopy(src, dst);
        return dst[dst.length - 1];
    }

    @Benchmark
    @Threads(2)
    public long streamCopy2Threads() {
        streamCopy(src, dst);
        return dst[dst.length - 1];
    }

    static void streamCopy(long[] from, long[] to) {
        for (int i = 0; i < from.length; i++) {
            to[i] = from[i];
        }
    }

    @Benchmark
    @Threads(1)
    public long read1Thread() {
        return sum(src);
    }

    @Benchmark
    @Threads(2)
    public long read2Threads() {
        return sum(src);
    }

    /** A plain reduction, which C2 vectorises: one sequential read of the array. */
    static long sum(long[] a) {
        long s = 0;
        for (long v : a) {
            s += v;
        }
        return s;
    }
}
