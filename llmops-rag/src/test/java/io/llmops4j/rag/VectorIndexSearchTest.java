package io.llmops4j.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.llmops4j.rag.SearchRequest.Mode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VectorIndexSearchTest {
    private static final String[] COLORS = {"red", "green", "blue", "black", "white"};

    private static VectorIndex indexWithMetadata(float[][] base, List<Map<String, String>> meta) {
        VectorIndex index = VectorIndex.builder().dimension(base[0].length).build();
        for (int i = 0; i < base.length; i++) {
            index.addEmbedded("c" + i, "chunk " + i, base[i], meta.get(i));
        }
        index.refresh();
        return index;
    }

    @Test
    void filtersAreAppliedInsideTheKnnSearchAndNoHitViolatesThem() {
        int n = 1000;
        float[][] base = TestVectors.clustered(n, 32, 10, 1);
        Random rnd = new Random(2);
        List<Map<String, String>> meta = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            meta.add(Map.of("color", COLORS[rnd.nextInt(COLORS.length)], "year", Integer.toString(1990 + rnd.nextInt(30)),
                    "rare", i % 97 == 0 ? "yes" : "no"));
        }
        // Each filter paired with an independent predicate over the metadata we generated.
        Map<Filter, Predicate<Map<String, String>>> cases = new HashMap<>();
        cases.put(Filter.eq("color", "red"), m -> m.get("color").equals("red"));
        cases.put(Filter.anyOf("color", "green", "blue"), m -> Set.of("green", "blue").contains(m.get("color")));
        cases.put(Filter.range("year", 2000, 2004.5), m -> {
            int y = Integer.parseInt(m.get("year"));
            return y >= 2000 && y <= 2004;
        });
        cases.put(Filter.and(Filter.eq("color", "black"), Filter.not(Filter.range("year", 1990, 2010))),
                m -> m.get("color").equals("black") && Integer.parseInt(m.get("year")) > 2010);
        cases.put(Filter.or(Filter.eq("color", "white"), Filter.range("year", 2019, 2019)),
                m -> m.get("color").equals("white") || m.get("year").equals("2019"));
        cases.put(Filter.eq("rare", "yes"), m -> m.get("rare").equals("yes"));
        cases.put(Filter.anyOf(Filter.DOCUMENT_ID, "c5", "c7", "c9"), m -> false);
        try (VectorIndex index = indexWithMetadata(base, meta)) {
            for (int q = 0; q < 5; q++) {
                float[] query = base[rnd.nextInt(n)];
                for (Map.Entry<Filter, Predicate<Map<String, String>>> c : cases.entrySet()) {
                    List<SearchHit> hits = index.search(SearchRequest.builder().vector(query).topK(10).efSearch(100)
                            .filter(c.getKey()).build());
                    long matching;
                    if (c.getKey() instanceof Filter.AnyOf any && any.key().equals(Filter.DOCUMENT_ID)) {
                        matching = 3;
                        assertThat(hits).extracting(SearchHit::id).containsExactlyInAnyOrder("c5", "c7", "c9");
                    } else {
                        matching = meta.stream().filter(c.getValue()).count();
                        for (SearchHit h : hits) {
                            int i = Integer.parseInt(h.id().substring(1));
                            assertThat(c.getValue().test(meta.get(i))).as("%s violates %s", h.id(), c.getKey()).isTrue();
                        }
                    }
                    // Not post-filtered: even the rare filter (11 of 1000 chunks) still fills topK.
                    assertThat(hits).hasSize((int) Math.min(10, matching));
                }
            }
        }
    }

    /**
     * The HNSW search of every format agrees with exact brute force (quantized formats with full-precision rescoring
     * of 3x the candidates), and the codec really wrote that format.
     */
    @ParameterizedTest
    @EnumSource(value = VectorFormat.class, names = "INT8", mode = EnumSource.Mode.EXCLUDE)
    void everyVectorFormatReachesHighRecallAgainstBruteForce(VectorFormat format, @TempDir Path dir) throws Exception {
        int n = 1000;
        float[][] base = TestVectors.clustered(n, 64, 20, 3);
        float[][] queries = TestVectors.clustered(30, 64, 20, 4);
        try (VectorIndex index = VectorIndex.builder().directory(dir).dimension(64).vectorFormat(format)
                .rescoreOversample(format == VectorFormat.FLOAT ? 1 : 3).build()) {
            for (int i = 0; i < n; i++) {
                index.addEmbedded("c" + i, "t", base[i], Map.of());
            }
            index.forceMerge(1);
            double recall = 0;
            for (float[] q : queries) {
                Set<String> exact = new HashSet<>();
                TestVectors.exactTopK(base, q, 10, i -> true).forEach(i -> exact.add("c" + i));
                List<SearchHit> hits = index.search(SearchRequest.builder().vector(q).topK(10).efSearch(100).build());
                recall += hits.stream().filter(h -> exact.contains(h.id())).count() / 10.0;
                {
                    // float scores, and quantized ones after full-precision rescoring, are the exact cosine
                    int top = Integer.parseInt(hits.getFirst().id().substring(1));
                    assertThat(hits.getFirst().score()).isCloseTo(TestVectors.dot(base[top], q), within(1e-5));
                }
            }
            recall /= queries.length;
            double floor = switch (format) {
                case FLOAT, INT7, INT4, BINARY -> 0.9;
                case INT8 -> throw new AssertionError();
            };
            assertThat(recall).as("recall@10 of %s", format).isGreaterThanOrEqualTo(floor);
        }
        String expectedFormat = switch (format) {
            case FLOAT -> "Lucene99HnswVectorsFormat";
            case INT7, INT4 -> "Lucene99HnswScalarQuantizedVectorsFormat";
            case INT8 -> throw new AssertionError();
            case BINARY -> "Lucene102HnswBinaryQuantizedVectorsFormat";
        };
        try (var d = FSDirectory.open(dir); var reader = DirectoryReader.open(d)) {
            for (LeafReaderContext leaf : reader.leaves()) {
                FieldInfo fi = leaf.reader().getFieldInfos().fieldInfo(LuceneVectorIndex.F_VECTOR);
                assertThat(fi.getAttribute("PerFieldKnnVectorsFormat.format")).isEqualTo(expectedFormat);
            }
        }
    }

    /**
     * BM25 against a hand computation. WhitespaceAnalyzer keeps every token. Corpus: d0 = "alpha beta",
     * d1 = "alpha alpha gamma delta", d2 = "gamma". N = 3, avgdl = (2 + 4 + 1) / 3 = 7/3; k1 = 0.9, b = 0.4.
     * Query "alpha": n = 2, idf = ln(1 + (3 - 2 + 0.5) / (2 + 0.5)) = ln(1.6) = 0.4700036.
     * d1: tf = 2, dl = 4: norm = 0.9 * (0.6 + 0.4 * 4 / (7/3)) = 0.9 * 1.2857143 = 1.1571429; score = idf * 2 / 3.1571429.
     * d0: tf = 1, dl = 2: norm = 0.9 * (0.6 + 0.4 * 2 / (7/3)) = 0.9 * 0.9428571 = 0.8485714; score = idf * 1 / 1.8485714.
     */
    @Test
    void keywordScoresAreBm25WithPyseriniParameters() {
        try (VectorIndex index = VectorIndex.builder().dimension(2).analyzer(new WhitespaceAnalyzer()).build()) {
            float[] v = {1, 0};
            index.addEmbedded("d0", "alpha beta", v, Map.of());
            index.addEmbedded("d1", "alpha alpha gamma delta", v, Map.of());
            index.addEmbedded("d2", "gamma", v, Map.of());
            index.refresh();
            List<SearchHit> hits = index.search(SearchRequest.of("alpha", Mode.KEYWORD, 10));
            double idf = Math.log(1.6);
            assertThat(hits).extracting(SearchHit::id).containsExactly("d1", "d0");
            // Lucene stores document lengths in one byte (exact below 40 tokens); scores are floats.
            assertThat(hits.get(0).score()).isCloseTo(idf * 2 / 3.1571429, within(1e-5));
            assertThat(hits.get(1).score()).isCloseTo(idf * 1 / 1.8485714, within(1e-5));
        }
    }

    @Test
    void englishAnalyzerStemsAndDropsStopwordsByDefault() {
        try (VectorIndex index = VectorIndex.inMemory(new HashEmbedder())) {
            index.add(List.of(Chunk.of("a", "The cats were running quickly", Map.of()),
                    Chunk.of("b", "Dogs sleep", Map.of())));
            index.refresh();
            assertThat(index.search(SearchRequest.of("cat run", Mode.KEYWORD, 5))).extracting(SearchHit::id)
                    .containsExactly("a");
            assertThat(index.search(SearchRequest.of("the is", Mode.KEYWORD, 5))).isEmpty();
        }
    }

    /**
     * Hybrid = weighted RRF of the VECTOR and KEYWORD rankings, each computed here by separate requests, fused by the
     * formula written out in the test.
     */
    @Test
    void hybridIsWeightedReciprocalRankFusionOfBothRankings() {
        try (VectorIndex index = VectorIndex.inMemory(new HashEmbedder())) {
            List<Chunk> chunks = new ArrayList<>();
            String[] words = {"solar", "wind", "battery", "grid", "hydrogen", "nuclear", "coal", "storage", "panel", "turbine"};
            Random rnd = new Random(5);
            for (int i = 0; i < 60; i++) {
                StringBuilder sb = new StringBuilder();
                for (int w = 0; w < 6; w++) {
                    sb.append(words[rnd.nextInt(words.length)]).append(' ');
                }
                chunks.add(Chunk.of("c" + i, sb.toString().trim(), Map.of()));
            }
            index.add(chunks);
            index.refresh();
            String q = "solar battery storage";
            List<SearchHit> vec = index.search(SearchRequest.builder().text(q).mode(Mode.VECTOR).topK(20).efSearch(20).build());
            List<SearchHit> kw = index.search(SearchRequest.builder().text(q).mode(Mode.KEYWORD).topK(20).efSearch(20).build());
            Map<String, Double> expected = new HashMap<>();
            for (int r = 0; r < vec.size(); r++) {
                expected.merge(vec.get(r).id(), 2.0 / (60 + r + 1), Double::sum);
            }
            for (int r = 0; r < kw.size(); r++) {
                expected.merge(kw.get(r).id(), 0.5 / (60 + r + 1), Double::sum);
            }
            List<SearchHit> hybrid = index.search(SearchRequest.builder().text(q).mode(Mode.HYBRID).topK(10)
                    .efSearch(20).weights(2.0, 0.5).build());
            assertThat(hybrid).hasSize(10);
            for (int i = 0; i < hybrid.size(); i++) {
                assertThat(hybrid.get(i).score()).isCloseTo(expected.get(hybrid.get(i).id()), within(1e-12));
                if (i > 0) {
                    assertThat(hybrid.get(i).score()).isLessThanOrEqualTo(hybrid.get(i - 1).score());
                }
            }
            double tenth = expected.values().stream().sorted((a, b) -> Double.compare(b, a)).skip(9).findFirst().orElseThrow();
            assertThat(hybrid.get(9).score()).isEqualTo(tenth);
        }
    }

    @Test
    void mmrSkipsNearDuplicates() {
        // q = e0. a and b are near-duplicates close to q; c is less relevant but different.
        float[] q = {1, 0, 0};
        float[] a = TestVectors.unit(new double[] {0.9, 0.4359, 0});
        float[] b = TestVectors.unit(new double[] {0.89, 0.456, 0});
        float[] c = TestVectors.unit(new double[] {0.7, 0, 0.714});
        try (VectorIndex index = VectorIndex.builder().dimension(3).build()) {
            index.addEmbedded("a", "a", a, Map.of());
            index.addEmbedded("b", "b", b, Map.of());
            index.addEmbedded("c", "c", c, Map.of());
            index.refresh();
            assertThat(index.search(SearchRequest.builder().vector(q).topK(2).build())).extracting(SearchHit::id)
                    .containsExactly("a", "b");
            // lambda 0.5: after a (sim 0.9), b scores 0.5*0.89 - 0.5*sim(a,b)(~0.9998) = -0.055,
            // c scores 0.5*0.7 - 0.5*sim(a,c)(0.9*0.7/|c|=0.63) = 0.035, so c is picked second.
            assertThat(index.search(SearchRequest.builder().vector(q).topK(2).mmr(0.5).build()))
                    .extracting(SearchHit::id).containsExactly("a", "c");
        }
    }

    @Test
    void hitsCarryOffsetsHeadingAndMetadata() {
        try (VectorIndex index = VectorIndex.inMemory(new HashEmbedder())) {
            index.add(List.of(new Chunk("doc1#3", "doc1", 3, "heat pumps move heat", new CharSpan(120, 140),
                    "Guide > Heating", Map.of("source", "/x/guide.md", "page", "2"))));
            index.refresh();
            SearchHit h = index.search(SearchRequest.of("heat pumps", Mode.HYBRID, 1)).getFirst();
            assertThat(h.id()).isEqualTo("doc1#3");
            assertThat(h.documentId()).isEqualTo("doc1");
            assertThat(h.offsets()).isEqualTo(new CharSpan(120, 140));
            assertThat(h.text()).isEqualTo("heat pumps move heat");
            assertThat(h.metadata()).containsEntry("source", "/x/guide.md").containsEntry("page", "2")
                    .containsEntry(SearchHit.HEADING_PATH, "Guide > Heating").containsEntry(SearchHit.ORDINAL, "3");
        }
    }

    @Test
    void upsertAndDeleteBecomeVisibleAfterRefresh() {
        try (VectorIndex index = VectorIndex.inMemory(new HashEmbedder())) {
            index.add(List.of(new Chunk("d1#0", "d1", 0, "apples are red", new CharSpan(0, 14), "", Map.of()),
                    new Chunk("d1#1", "d1", 1, "bananas are yellow", new CharSpan(15, 33), "", Map.of()),
                    new Chunk("d2#0", "d2", 0, "cherries are dark", new CharSpan(0, 17), "", Map.of())));
            assertThat(index.size()).isZero();
            index.refresh();
            assertThat(index.size()).isEqualTo(3);
            index.upsert(List.of(new Chunk("d1#0", "d1", 0, "apples are green", new CharSpan(0, 16), "", Map.of())));
            index.refresh();
            assertThat(index.size()).isEqualTo(3);
            assertThat(index.search(SearchRequest.of("apples", Mode.KEYWORD, 5))).extracting(SearchHit::text)
                    .containsExactly("apples are green");
            index.deleteByDocument("d1");
            assertThat(index.size()).isEqualTo(3);
            index.refresh();
            assertThat(index.size()).isEqualTo(1);
            assertThat(index.metadataValues(Filter.DOCUMENT_ID)).containsExactly("d2");
        }
    }

    @Test
    void filterOnlyRequestListsMatchingChunks() {
        try (VectorIndex index = VectorIndex.inMemory(new HashEmbedder())) {
            index.add(List.of(Chunk.of("a", "x", Map.of("source", "/s1")), Chunk.of("b", "y", Map.of("source", "/s2")),
                    Chunk.of("c", "z", Map.of("source", "/s1"))));
            index.refresh();
            assertThat(index.search(SearchRequest.builder().filter(Filter.eq("source", "/s1")).topK(10).build()))
                    .extracting(SearchHit::id).containsExactly("a", "c");
            assertThat(index.metadataValues("source")).containsExactlyInAnyOrder("/s1", "/s2");
        }
    }

    @Test
    void badInputIsRefusedWithClearMessages() {
        assertThatThrownBy(() -> VectorIndex.builder().dimension(8).maxConn(1).build())
                .isInstanceOf(RagConfigException.class).hasMessageContaining("maxConn").hasMessageContaining("[2, 512]");
        assertThatThrownBy(() -> VectorIndex.builder().build())
                .isInstanceOf(RagConfigException.class).hasMessageContaining("dimension");
        assertThatThrownBy(() -> VectorIndex.builder().embedder(new HashEmbedder()).dimension(32).build())
                .isInstanceOf(RagConfigException.class).hasMessageContaining("64");
        assertThatThrownBy(() -> VectorIndex.builder().dimension(8).vectorFormat(VectorFormat.INT8).build())
                .isInstanceOf(RagConfigException.class).hasMessageContaining("INT8").hasMessageContaining("INT7");
        assertThatThrownBy(() -> SearchRequest.builder().text("x").topK(10).efSearch(5).build())
                .isInstanceOf(RagConfigException.class).hasMessageContaining("efSearch");
        try (VectorIndex index = VectorIndex.builder().dimension(3).build()) {
            assertThatThrownBy(() -> index.addEmbedded("x", "t", new float[] {1, 0}, Map.of()))
                    .isInstanceOf(RagConfigException.class).hasMessageContaining("dimension 3, got 2");
            assertThatThrownBy(() -> index.addEmbedded("x", "t", new float[] {1, 1, 0}, Map.of()))
                    .isInstanceOf(RagConfigException.class).hasMessageContaining("unit length");
            assertThatThrownBy(() -> index.add(List.of(Chunk.of("x", "t", Map.of()))))
                    .isInstanceOf(RagConfigException.class).hasMessageContaining("no embedder");
            assertThatThrownBy(() -> index.search(SearchRequest.of("text", Mode.VECTOR, 3)))
                    .isInstanceOf(RagConfigException.class).hasMessageContaining("no embedder");
        }
    }

    @Test
    void closeTwiceIsHarmlessAndUseAfterCloseIsAnError() {
        VectorIndex index = VectorIndex.inMemory(new HashEmbedder());
        index.close();
        index.close();
        assertThatThrownBy(index::size).isInstanceOf(IndexException.class).hasMessageContaining("closed");
    }
}
