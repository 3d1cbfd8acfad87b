package io.llmops4j.bench.rag;

import io.llmops4j.rag.Chunk;
import io.llmops4j.rag.SearchHit;
import io.llmops4j.rag.SearchRequest;
import io.llmops4j.rag.VectorFormat;
import io.llmops4j.rag.VectorIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * HNSW on the synthetic 100,000 x 384 dataset, per vector format: build time (indexing threads + merge to one
 * segment), recall@10 against the exact ground truth and single-thread queries per second for each efSearch.
 * Prints a Markdown table. The built indexes stay in {@code indexRoot/<format>} for {@link AnnSearchBenchmark}.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks.jar io.llmops4j.bench.rag.AnnBenchmark \
 *     [datasetDir=target/ann-dataset] [indexRoot=target/ann-index] [formats=FLOAT,INT7,INT4,BINARY] [threads=2]
 *     [reuse=false]
 * </pre>
 * With {@code reuse=true} an index already built in {@code indexRoot/<format>} is searched without rebuilding it
 * (its build time is then not measured).
 */
public final class AnnBenchmark {
    static final int M = 16;
    static final int EF_CONSTRUCTION = 100;
    static final int[] EF_SEARCH = {16, 32, 64, 128, 256};
    static final int TOP_K = 10;

    private AnnBenchmark() {
    }

    static VectorIndex open(Path dir, VectorFormat format, int threads) {
        return VectorIndex.builder().directory(dir).dimension(384).maxConn(M).beamWidth(EF_CONSTRUCTION)
                .vectorFormat(format).indexingThreads(threads).ramBufferMb(512).build();
    }

    public static void main(String[] args) throws Exception {
        Path datasetDir = Path.of(args.length > 0 ? args[0] : "target/ann-dataset");
        Path indexRoot = Path.of(args.length > 1 ? args[1] : "target/ann-index");
        List<VectorFormat> formats = Arrays.stream((args.length > 2 ? args[2] : "FLOAT,INT7,INT4,BINARY").split(","))
                .map(VectorFormat::valueOf).toList();
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        boolean reuse = args.length > 4 && Boolean.parseBoolean(args[4]);
        AnnDataset.Files4 data = AnnDataset.load(datasetDir);
        System.out.printf("%d base, %d queries, M=%d, efConstruction=%d, %d indexing threads, %d cores%n",
                data.base().length, data.queries().length, M, EF_CONSTRUCTION, threads,
                Runtime.getRuntime().availableProcessors());
        exactBaseline(data);
        StringBuilder table = new StringBuilder(
                "| format | build s (add + merge) | vectors/s/thread | efSearch | recall@10 | QPS (1 thread) |\n"
                        + "|---|---|---|---|---|---|\n");
        for (VectorFormat format : formats) {
            Path dir = indexRoot.resolve(format.name());
            boolean build = !(reuse && Files.isDirectory(dir));
            if (build) {
                deleteRecursively(dir);
            }
            long t0 = System.nanoTime();
            try (VectorIndex index = open(dir, format, threads)) {
                double addS = Double.NaN;
                double mergeS = Double.NaN;
                if (build) {
                    addAll(index, data.base(), threads);
                    index.commit();
                    addS = (System.nanoTime() - t0) / 1e9;
                    long t1 = System.nanoTime();
                    index.forceMerge(1);
                    mergeS = (System.nanoTime() - t1) / 1e9;
                    System.out.printf("%s: added in %.1f s, merged to one segment in %.1f s%n", format, addS, mergeS);
                } else if (index.size() != data.base().length) {
                    throw new IllegalStateException(dir + " holds " + index.size() + " vectors, expected "
                            + data.base().length + "; rebuild without reuse");
                }
                double buildS = addS + mergeS;
                double perThread = data.base().length / buildS / threads;
                for (int ef : EF_SEARCH) {
                    double recall = recall(index, data, ef);
                    double qps = qps(index, data.queries(), ef);
                    System.out.printf("%s ef=%d recall@10=%.4f qps=%.0f%n", format, ef, recall, qps);
                    table.append(String.format("| %s | %.1f (%.1f + %.1f) | %.0f | %d | %.4f | %.0f |%n", format, buildS,
                            addS, mergeS, perThread, ef, recall, qps));
                }
            }
        }
        System.out.println();
        System.out.print(table);
    }

    /** Single-thread exact search QPS, the baseline HNSW has to beat. */
    private static void exactBaseline(AnnDataset.Files4 data) {
        int n = 50;
        long t0 = System.nanoTime();
        float sink = 0;
        for (int qi = 0; qi < n; qi++) {
            float[] q = data.queries()[qi];
            for (float[] b : data.base()) {
                sink += AnnDataset.dot(q, b) > 0.9f ? 1 : 0;
            }
        }
        double qps = n / ((System.nanoTime() - t0) / 1e9);
        System.out.printf("exact brute force: %.1f QPS on 1 thread (%s)%n", qps, sink >= 0 ? "ok" : "");
    }

    static void addAll(VectorIndex index, float[][] base, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            int batch = 1000;
            for (int t = 0; t < threads; t++) {
                int first = t;
                jobs.add(pool.submit(() -> {
                    for (int from = first * batch; from < base.length; from += threads * batch) {
                        int to = Math.min(base.length, from + batch);
                        List<Chunk> chunks = new ArrayList<>(to - from);
                        float[][] vectors = new float[to - from][];
                        for (int i = from; i < to; i++) {
                            chunks.add(Chunk.of(Integer.toString(i), "", Map.of()));
                            vectors[i - from] = base[i];
                        }
                        index.addEmbedded(chunks, vectors);
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    static List<SearchHit> search(VectorIndex index, float[] q, int ef) {
        return index.search(SearchRequest.builder().vector(q).topK(TOP_K).efSearch(ef).build());
    }

    static double recall(VectorIndex index, AnnDataset.Files4 data, int ef) {
        double sum = 0;
        for (int qi = 0; qi < data.queries().length; qi++) {
            int[] truth = Arrays.copyOf(data.gt()[qi], TOP_K);
            int found = 0;
            for (SearchHit h : search(index, data.queries()[qi], ef)) {
                int id = Integer.parseInt(h.id());
                for (int t : truth) {
                    if (t == id) {
                        found++;
                        break;
                    }
                }
            }
            sum += found / (double) TOP_K;
        }
        return sum / data.queries().length;
    }

    /** One warm-up pass over the queries, then timed passes for at least two seconds. */
    static double qps(VectorIndex index, float[][] queries, int ef) {
        for (float[] q : queries) {
            search(index, q, ef);
        }
        long count = 0;
        long t0 = System.nanoTime();
        long elapsed;
        do {
            for (float[] q : queries) {
                search(index, q, ef);
            }
            count += queries.length;
            elapsed = System.nanoTime() - t0;
        } while (elapsed < 2_000_000_000L);
        return count / (elapsed / 1e9);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
