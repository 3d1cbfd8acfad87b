package io.llmops4j.bench.rag;

import io.llmops4j.rag.SearchHit;
import io.llmops4j.rag.VectorFormat;
import io.llmops4j.rag.VectorIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: single-thread top-10 vector search on the one-segment indexes that {@link AnnBenchmark} leaves in
 * {@code -Dllmops.ann.indexRoot} (default {@code target/ann-index}), queries from {@code -Dllmops.ann.dataset}.
 * Skips (fails setup with a clear message) when the indexes were not built.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class AnnSearchBenchmark {
    @Param({"FLOAT", "INT7", "INT4", "BINARY"})
    public String format;

    @Param({"16", "64", "256"})
    public int efSearch;

    private VectorIndex index;
    private float[][] queries;
    private int next;

    @Setup(Level.Trial)
    public void open() throws Exception {
        Path root = Path.of(System.getProperty("llmops.ann.indexRoot", "target/ann-index"));
        Path dataset = Path.of(System.getProperty("llmops.ann.dataset", "target/ann-dataset"));
        Path dir = root.resolve(format);
        if (!Files.isDirectory(dir) || !Files.exists(dataset.resolve("queries.f32"))) {
            throw new IllegalStateException("run AnnBenchmark first: no index at " + dir + " or dataset at " + dataset);
        }
        index = AnnBenchmark.open(dir, VectorFormat.valueOf(format), 1);
        queries = AnnDataset.read(dataset.resolve("queries.f32"), 384);
    }

    @Benchmark
    public List<SearchHit> search() {
        float[] q = queries[next];
        next = (next + 1) % queries.length;
        return AnnBenchmark.search(index, q, efSearch);
    }

    @TearDown(Level.Trial)
    public void close() {
        index.close();
    }
}
