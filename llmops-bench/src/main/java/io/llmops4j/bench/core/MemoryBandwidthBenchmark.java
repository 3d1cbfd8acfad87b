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
 * Copy bandwidth of this machine (STREAM "copy" convention: bytes read + bytes written per second), the
 * bound that single-stream decode is held against: decoding one token must read every weight once.
 * Each thread copies its own 256 MiB array, far beyond the caches. Score: copies per second per thread;
 * bandwidth = score x threads x 512 MiB.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class MemoryBandwidthBenchmark {
    static final int BYTES = 256 << 20;
    private long[] src;
    private long[] dst;

    @Setup
    public void setUp() {
        src = new long[BYTES / 8];
        dst = new long[BYTES / 8];
        for (int i = 0; i < src.length; i++) {
            src[i] = i;
        }
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
}
