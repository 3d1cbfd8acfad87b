package io.llmops4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.llmops4j.core.embed.OnnxEmbedder;
import io.llmops4j.core.embed.TokenEmbeddings;
import io.llmops4j.eval.run.Example;
import io.llmops4j.eval.run.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BertScoreTest {
    private static final double SQRT_HALF = Math.sqrt(0.5);
    /**
     * A context-free toy embedder: each space-separated word has a fixed 2-d vector, wrapped in [CLS] ... [SEP]
     * whose vectors point away from every word (so they are never a word's best match).
     */
    private static final Map<String, float[]> TOY = Map.of("x", new float[] {1, 0}, "y", new float[] {0, 1},
            "z", new float[] {1, 1}, "[CLS]", new float[] {-1, -1}, "[SEP]", new float[] {-1, -1});
    private static final Function<String, TokenEmbeddings> TOY_EMBEDDER = text -> toy(text, TOY);

    private static OnnxEmbedder miniLm;
    private static BertScore plain;

    @BeforeAll
    static void load() {
        miniLm = OnnxEmbedder.builder().device(OnnxEmbedder.Device.CPU).build();
        plain = BertScore.builder().tokenEmbedder(miniLm::tokenEmbeddings).build();
    }

    @AfterAll
    static void close() {
        plain.close();
        miniLm.close();
    }

    private static TokenEmbeddings toy(String text, Map<String, float[]> vectors) {
        List<String> tokens = new ArrayList<>(List.of("[CLS]"));
        if (!text.isBlank()) {
            tokens.addAll(List.of(text.trim().split(" ")));
        }
        tokens.add("[SEP]");
        float[][] rows = new float[tokens.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = vectors.get(tokens.get(i));
        }
        return new TokenEmbeddings(tokens, rows);
    }

    @Test
    void identityScoresOne() {
        String s = "The quick brown fox jumps over the lazy dog.";
        BertScoreResult r = plain.score(s, s);
        assertThat(r.precision()).isCloseTo(1.0, within(1e-6));
        assertThat(r.recall()).isCloseTo(1.0, within(1e-6));
        assertThat(r.f1()).isCloseTo(1.0, within(1e-6));
        try (BertScore idf = BertScore.builder().tokenEmbedder(miniLm::tokenEmbeddings)
                .idfCorpus(List.of(s, "A dog sleeps.")).build()) {
            assertThat(idf.score(s, s).f1()).isCloseTo(1.0, within(1e-6));
        }
    }

    @Test
    void toyVectorsByHand() {
        try (BertScore bs = BertScore.builder().tokenEmbedder(TOY_EMBEDDER).build()) {
            // candidate x y, reference x z z: best cosines x->x 1, y->z 1/sqrt2; x->x 1, z->x or y 1/sqrt2 (twice)
            BertScoreResult r = bs.score("x y", "x z z");
            double p = (1 + SQRT_HALF) / 2;
            double rec = (1 + 2 * SQRT_HALF) / 3;
            assertThat(r.precision()).isCloseTo(p, within(1e-12));
            assertThat(r.recall()).isCloseTo(rec, within(1e-12));
            assertThat(r.f1()).isCloseTo(2 * p * rec / (p + rec), within(1e-12));
        }
        // idf over {"x z", "x", "y"}: M = 3, df(x) = 2, df(z) = 1, df(y) = 1
        try (BertScore bs = BertScore.builder().tokenEmbedder(TOY_EMBEDDER).idfCorpus(List.of("x z", "x", "y")).build()) {
            double idfX = Math.log(4 / 3.0);
            double idfY = Math.log(2);
            double idfZ = Math.log(2);
            BertScoreResult r = bs.score("x y", "x z z");
            assertThat(r.precision()).isCloseTo((idfX + idfY * SQRT_HALF) / (idfX + idfY), within(1e-12));
            assertThat(r.recall()).isCloseTo((idfX + 2 * idfZ * SQRT_HALF) / (idfX + 2 * idfZ), within(1e-12));
        }
        // a token unseen in the idf corpus weighs log(M + 1): corpus {"x"} gives x log(2/2) = 0, y log 2
        try (BertScore bs = BertScore.builder().tokenEmbedder(TOY_EMBEDDER).idfCorpus(List.of("x")).build()) {
            // precision: only y counts, its best match in "z" is 1/sqrt2; recall: only z counts, best 1/sqrt2
            BertScoreResult r = bs.score("x y", "z");
            assertThat(r.precision()).isCloseTo(SQRT_HALF, within(1e-12));
            assertThat(r.recall()).isCloseTo(SQRT_HALF, within(1e-12));
            // all candidate weights 0 (x is in every corpus document): no score, as bert_score's empty text
            assertThat(bs.score("x", "y")).isEqualTo(new BertScoreResult(0, 0, 0));
        }
    }

    @Test
    void specialTokensWeighNothingButCanBeMatched() {
        // [SEP] now equals y: y's best match in "x" is the reference's [SEP] (cosine 1), as in bert_score;
        // recall: x's best among [CLS] (-1,-1)/sqrt2, y, [SEP] = 0
        Map<String, float[]> vectors = new java.util.HashMap<>(TOY);
        vectors.put("[SEP]", new float[] {0, 1});
        try (BertScore bs = BertScore.builder().tokenEmbedder(text -> toy(text, vectors)).build()) {
            assertThat(bs.score("y", "x")).isEqualTo(new BertScoreResult(1, 0, 0));
        }
    }

    @Test
    void multipleReferencesTakeEachMaximumSeparately() {
        try (BertScore bs = BertScore.builder().tokenEmbedder(TOY_EMBEDDER).build()) {
            // vs "x": P = (1 + 0) / 2, R = 1; vs "y z": P = (1/sqrt2 + 1) / 2, R = (1 + 1/sqrt2) / 2
            BertScoreResult a = bs.score("x y", "x");
            BertScoreResult b = bs.score("x y", "y z");
            BertScoreResult both = bs.scoreMulti("x y", List.of("x", "y z"));
            assertThat(a.precision()).isCloseTo(0.5, within(1e-12));
            assertThat(b.recall()).isCloseTo((1 + SQRT_HALF) / 2, within(1e-12));
            assertThat(both.precision()).isEqualTo(Math.max(a.precision(), b.precision()));
            assertThat(both.recall()).isEqualTo(1.0);
            assertThat(both.f1()).isEqualTo(Math.max(a.f1(), b.f1()));
        }
    }

    @Test
    void emptyTextScoresZero() {
        assertThat(plain.score("", "A reference.")).isEqualTo(new BertScoreResult(0, 0, 0));
        assertThat(plain.score("A candidate.", "")).isEqualTo(new BertScoreResult(0, 0, 0));
    }

    /** Greedy matching with idf written out in loops over MiniLM's own token vectors, cosine from raw floats. */
    @Test
    void miniLmAgainstLoopImplementation() {
        List<String> corpus = List.of("The cat sat on the mat.", "A dog barked at the mailman.", "The cat is black.");
        String cand = "A black cat sat on a mat.";
        String ref = "The cat sat on the mat.";
        TokenEmbeddings c = miniLm.tokenEmbeddings(cand);
        TokenEmbeddings r = miniLm.tokenEmbeddings(ref);
        assertThat(c.tokens().get(0)).isEqualTo("[CLS]");
        assertThat(c.tokens().get(c.size() - 1)).isEqualTo("[SEP]");
        List<List<String>> docs = new ArrayList<>();
        for (String d : corpus) {
            docs.add(miniLm.tokenEmbeddings(d).tokens());
        }
        Function<String, Double> idf = tok -> {
            if (tok.equals("[CLS]") || tok.equals("[SEP]")) {
                return 0.0;
            }
            int df = 0;
            for (List<String> d : docs) {
                df += d.contains(tok) ? 1 : 0;
            }
            return Math.log((docs.size() + 1.0) / (df + 1.0));
        };
        Function<String, Double> one = tok -> tok.equals("[CLS]") || tok.equals("[SEP]") ? 0.0 : 1.0;

        double[] plainExpected = loopScore(c, r, one);
        BertScoreResult plainActual = plain.score(cand, ref);
        assertThat(plainActual.precision()).isCloseTo(plainExpected[0], within(1e-9));
        assertThat(plainActual.recall()).isCloseTo(plainExpected[1], within(1e-9));
        try (BertScore bs = BertScore.builder().tokenEmbedder(miniLm::tokenEmbeddings).idfCorpus(corpus).build()) {
            double[] expected = loopScore(c, r, idf);
            BertScoreResult actual = bs.score(cand, ref);
            assertThat(actual.precision()).isCloseTo(expected[0], within(1e-9));
            assertThat(actual.recall()).isCloseTo(expected[1], within(1e-9));
            assertThat(actual.f1()).isCloseTo(2 * expected[0] * expected[1] / (expected[0] + expected[1]), within(1e-9));
            assertThat(actual.precision()).isNotCloseTo(plainActual.precision(), within(1e-6)); // idf changed something
        }
    }

    private static double[] loopScore(TokenEmbeddings c, TokenEmbeddings r, Function<String, Double> weight) {
        return new double[] {directional(c, r, weight), directional(r, c, weight)};
    }

    private static double directional(TokenEmbeddings from, TokenEmbeddings to, Function<String, Double> weight) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < from.size(); i++) {
            double best = -2;
            for (int j = 0; j < to.size(); j++) {
                double ab = 0;
                double aa = 0;
                double bb = 0;
                for (int d = 0; d < from.vectors()[i].length; d++) {
                    ab += (double) from.vectors()[i][d] * to.vectors()[j][d];
                    aa += (double) from.vectors()[i][d] * from.vectors()[i][d];
                    bb += (double) to.vectors()[j][d] * to.vectors()[j][d];
                }
                best = Math.max(best, ab / Math.sqrt(aa * bb));
            }
            num += weight.apply(from.tokens().get(i)) * best;
            den += weight.apply(from.tokens().get(i));
        }
        return num / den;
    }

    @Test
    void paraphraseBeatsUnrelated() {
        String ref = "The cat sat on the mat.";
        double paraphrase = plain.score("A cat was sitting on the rug.", ref).f1();
        double unrelated = plain.score("Stock markets fell sharply on Tuesday.", ref).f1();
        assertThat(paraphrase).isGreaterThan(unrelated + 0.1);
    }

    @Test
    void baselineRescaling() {
        double bp = 0.8;
        double br = 0.7;
        double bf = 0.75;
        try (BertScore rescaled = BertScore.builder().tokenEmbedder(miniLm::tokenEmbeddings).baseline(bp, br, bf).build()) {
            String s = "Rescaling keeps a perfect match at one.";
            BertScoreResult same = rescaled.score(s, s);
            assertThat(same.f1()).isCloseTo(1.0, within(1e-6)); // (1 - b) / (1 - b)
            BertScoreResult raw = plain.score("A dog runs.", "The dog is running.");
            BertScoreResult r = rescaled.score("A dog runs.", "The dog is running.");
            assertThat(r.precision()).isCloseTo((raw.precision() - bp) / (1 - bp), within(1e-12));
            assertThat(r.recall()).isCloseTo((raw.recall() - br) / (1 - br), within(1e-12));
            assertThat(r.f1()).isCloseTo((raw.f1() - bf) / (1 - bf), within(1e-12));
        }
    }

    @Test
    void batchEqualsSingleCalls() {
        List<BertScoreResult> all = plain.scoreAll(List.of("A dog runs.", "A cat sleeps."),
                List.of(List.of("The dog is running."), List.of("The cat is asleep.", "A cat naps.")));
        assertThat(all).containsExactly(plain.score("A dog runs.", "The dog is running."),
                plain.scoreMulti("A cat sleeps.", List.of("The cat is asleep.", "A cat naps.")));
        Example ex = Example.of("e1", "q", "The cat is asleep.", "A cat naps.");
        assertThat(Metrics.bertScore(plain).score("A cat sleeps.", ex)).isEqualTo(all.get(1).f1());
    }

    @Test
    void badInput() {
        assertThatThrownBy(() -> plain.score(null, "r")).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("candidate must not be null");
        assertThatThrownBy(() -> plain.score("c", (String) null)).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("reference must not be null");
        assertThatThrownBy(() -> plain.scoreMulti("c", List.of())).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("candidate 0 has no reference");
        assertThatThrownBy(() -> plain.scoreAll(List.of("a", "b"), List.of(List.of("r"))))
                .isInstanceOf(InvalidMetricInputException.class).hasMessageContaining("2 candidates but 1 reference lists");
        assertThatThrownBy(() -> plain.scoreAll(List.of("a"), List.of(java.util.Arrays.asList("r", null))))
                .isInstanceOf(InvalidMetricInputException.class).hasMessageContaining("references[0][1] must not be null");
        assertThatThrownBy(() -> BertScore.builder().tokenEmbedder(TOY_EMBEDDER).idfCorpus(List.of()).build())
                .isInstanceOf(InvalidMetricInputException.class).hasMessageContaining("idfCorpus must hold at least one text");
        assertThatThrownBy(() -> BertScore.builder().tokenEmbedder(TOY_EMBEDDER).baseline(0.5, 1.0, 0.5).build())
                .isInstanceOf(InvalidMetricInputException.class).hasMessageContaining("baseline recall must be finite and < 1, found 1.0");
    }
}
