package io.llmops4j.bench.rag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmops4j.core.Embedder;
import io.llmops4j.eval.Retrieval;
import io.llmops4j.rag.Chunk;
import io.llmops4j.rag.SearchHit;
import io.llmops4j.rag.SearchRequest;
import io.llmops4j.rag.SearchRequest.Mode;
import io.llmops4j.rag.VectorIndex;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

/**
 * Retrieval quality on BEIR SciFact (5,183 abstracts, 300 test claims): nDCG@10 and recall@100 for KEYWORD (BM25
 * k1=0.9, b=0.4 over title + text, as Pyserini's bm25-flat), VECTOR (all-MiniLM-L6-v2 through HNSW, and exact
 * search as the reference), and HYBRID (RRF k=60; the vector/keyword weights are chosen on the train split only).
 * Reads {@code <llmops.shared.dir>/data/scifact} and skips cleanly when it is absent. Without the default embedder
 * only KEYWORD is measured. {@code -Dllmops.scifact.vectorCache=<file>} keeps the document vectors between runs.
 */
public final class SciFactBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEPTH = 100;

    private SciFactBenchmark() {
    }

    record Doc(String id, String text) {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(System.getProperty("llmops.shared.dir", "../shared"), "data", "scifact");
        if (!Files.exists(dir.resolve("corpus.jsonl.gz"))) {
            System.out.println("SciFact not found at " + dir + ": skipped");
            return;
        }
        List<Doc> corpus = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(dir.resolve("corpus.jsonl.gz"))), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                JsonNode n = JSON.readTree(line);
                corpus.add(new Doc(n.get("_id").asText(), (n.get("title").asText() + " " + n.get("text").asText()).strip()));
            }
        }
        Map<String, String> queries = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(dir.resolve("queries.jsonl"))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                JsonNode n = JSON.readTree(line);
                queries.put(n.get("_id").asText(), n.get("text").asText());
            }
        }
        Map<String, Set<String>> test = qrels(dir.resolve("qrels/test.tsv"));
        Map<String, Set<String>> train = qrels(dir.resolve("qrels/train.tsv"));
        System.out.printf("SciFact: %d documents, %d test queries, %d train queries%n", corpus.size(), test.size(),
                train.size());

        Embedder embedder = null;
        try {
            embedder = Embedder.defaultModel();
        } catch (RuntimeException | LinkageError e) {
            System.out.println("default embedder unavailable (" + e + "): measuring KEYWORD only");
        }
        try {
            run(corpus, queries, test, train, embedder);
        } finally {
            if (embedder != null) {
                embedder.close();
            }
        }
    }

    private static void run(List<Doc> corpus, Map<String, String> queries, Map<String, Set<String>> test,
                            Map<String, Set<String>> train, Embedder embedder) throws IOException {
        float[][] vectors;
        long t0 = System.nanoTime();
        String cache = System.getProperty("llmops.scifact.vectorCache");
        if (embedder != null && cache != null && Files.exists(Path.of(cache))) {
            vectors = AnnDataset.read(Path.of(cache), embedder.dimension());
            System.out.println("document vectors read from " + cache);
        } else if (embedder != null) {
            vectors = new float[corpus.size()][];
            for (int from = 0; from < corpus.size(); from += 64) {
                int to = Math.min(corpus.size(), from + 64);
                float[][] vs = embedder.embed(corpus.subList(from, to).stream().map(Doc::text).toList());
                System.arraycopy(vs, 0, vectors, from, vs.length);
                if ((from / 64) % 16 == 15) {
                    System.out.printf("  %d / %d documents embedded%n", to, corpus.size());
                }
            }
            System.out.printf("embedded %d documents in %.1f s (%.1f docs/s) with %s%n", corpus.size(),
                    (System.nanoTime() - t0) / 1e9, corpus.size() / ((System.nanoTime() - t0) / 1e9), embedder.id());
            if (cache != null) {
                AnnDataset.write(Path.of(cache), vectors);
            }
        } else {
            // BM25 only: the index still needs a vector per chunk; random unit vectors (identical ones would
            // degenerate the HNSW build) that no reported number uses.
            vectors = new float[corpus.size()][];
            java.util.Random rnd = new java.util.Random(1);
            for (int i = 0; i < vectors.length; i++) {
                double[] x = new double[384];
                double n2 = 0;
                for (int j = 0; j < x.length; j++) {
                    x[j] = rnd.nextGaussian();
                    n2 += x[j] * x[j];
                }
                vectors[i] = new float[x.length];
                for (int j = 0; j < x.length; j++) {
                    vectors[i][j] = (float) (x[j] / Math.sqrt(n2));
                }
            }
        }
        VectorIndex.Builder b = VectorIndex.builder().indexingThreads(2);
        b = embedder != null ? b.embedder(embedder) : b.dimension(384);
        try (VectorIndex index = b.build()) {
            List<Chunk> chunks = corpus.stream().map(d -> Chunk.of(d.id(), d.text(), Map.of())).toList();
            index.addEmbedded(chunks, vectors);
            index.forceMerge(1);

            Map<String, Function<String, List<String>>> systems = new LinkedHashMap<>();
            systems.put("KEYWORD (BM25)", q -> ids(index.search(request(q, Mode.KEYWORD, 1, 1))));
            if (embedder != null) {
                Embedder e = embedder;
                systems.put("VECTOR (HNSW)", q -> ids(index.search(request(q, Mode.VECTOR, 1, 1))));
                systems.put("VECTOR (exact)", q -> exact(e.embed(q), vectors, corpus));
                systems.put("HYBRID (RRF, weights 1:1)", q -> ids(index.search(request(q, Mode.HYBRID, 1, 1))));
                double[] best = tuneWeights(index, queries, train);
                systems.put(String.format("HYBRID (RRF, weights %.2f:%.2f tuned on train)", best[0], best[1]),
                        q -> ids(index.search(request(q, Mode.HYBRID, best[0], best[1]))));
            }
            System.out.println("\n| system | nDCG@10 | recall@100 |\n|---|---|---|");
            for (var s : systems.entrySet()) {
                double[] m = evaluate(s.getValue(), queries, test);
                System.out.printf("| %s | %.4f | %.4f |%n", s.getKey(), m[0], m[1]);
            }
        }
    }

    private static SearchRequest request(String q, Mode mode, double vectorWeight, double keywordWeight) {
        return SearchRequest.builder().text(q).mode(mode).topK(DEPTH).efSearch(DEPTH)
                .weights(vectorWeight, keywordWeight).build();
    }

    private static List<String> ids(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::id).toList();
    }

    private static List<String> exact(float[] q, float[][] vectors, List<Doc> corpus) {
        return IntStream.range(0, vectors.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -AnnDataset.dot(q, vectors[i])))
                .limit(DEPTH).map(i -> corpus.get(i).id()).toList();
    }

    /** Mean nDCG@10 and recall@100 over the judged queries. */
    private static double[] evaluate(Function<String, List<String>> system, Map<String, String> queries,
                                     Map<String, Set<String>> qrels) {
        double ndcg = 0;
        double recall = 0;
        for (var e : qrels.entrySet()) {
            List<String> ranked = system.apply(queries.get(e.getKey()));
            Map<String, Integer> gains = new HashMap<>();
            e.getValue().forEach(id -> gains.put(id, 1));
            ndcg += Retrieval.ndcgAtK(ranked, gains, 10);
            recall += Retrieval.recallAtK(ranked, e.getValue(), DEPTH);
        }
        return new double[] {ndcg / qrels.size(), recall / qrels.size()};
    }

    /** Grid search of the vector weight (keyword weight 1) for nDCG@10 on the train split. */
    private static double[] tuneWeights(VectorIndex index, Map<String, String> queries, Map<String, Set<String>> train) {
        double bestW = 1;
        double bestNdcg = -1;
        for (double w : new double[] {0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4}) {
            double ndcg = evaluate(q -> ids(index.search(request(q, Mode.HYBRID, w, 1))), queries, train)[0];
            System.out.printf("train: vector weight %.2f -> nDCG@10 %.4f%n", w, ndcg);
            if (ndcg > bestNdcg) {
                bestNdcg = ndcg;
                bestW = w;
            }
        }
        return new double[] {bestW, 1};
    }

    private static Map<String, Set<String>> qrels(Path file) throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            if (f.length == 3 && Integer.parseInt(f[2].trim()) > 0) {
                out.computeIfAbsent(f[0], k -> new HashSet<>()).add(f[1]);
            }
        }
        return out;
    }
}
