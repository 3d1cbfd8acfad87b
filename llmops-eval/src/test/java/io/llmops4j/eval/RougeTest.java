package io.llmops4j.eval;

import static io.llmops4j.eval.Golden.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmops4j.eval.text.RougeTokenizer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RougeTest {

    private static Rouge rouge(String... types) {
        return Rouge.builder().types(types).build();
    }

    @Test
    void publishedUnitTestValues() {
        // google-research rouge/rouge_scorer_test.py
        RougeScore r1 = rouge("rouge1").score("testing one two", "testing").get("rouge1");
        assertThat(r1.precision()).isCloseTo(1, within(1e-7));
        assertThat(r1.recall()).isCloseTo(1 / 3.0, within(1e-7));
        assertThat(r1.fmeasure()).isCloseTo(1 / 2.0, within(1e-7));
        for (String t : List.of("rouge1", "rouge2", "rougeL", "rougeLsum")) {
            assertThat(rouge(t).score("testing one two", "").get(t)).isEqualTo(new RougeScore(0, 0, 0));
        }
        RougeScore r2 = rouge("rouge2").score("testing one two", "testing one").get("rouge2");
        assertThat(r2.fmeasure()).isCloseTo(2 / 3.0, within(1e-7));
        RougeScore rl = rouge("rougeL").score("testing one two", "testing two").get("rougeL");
        assertThat(rl.recall()).isCloseTo(2 / 3.0, within(1e-7));
        assertThat(rl.fmeasure()).isCloseTo(4 / 5.0, within(1e-7));
        Map<String, RougeScore> multi = rouge("rouge1", "rougeL").score("testing one two", "testing one");
        assertThat(multi.keySet()).containsExactly("rouge1", "rougeL");
        RougeScore lsum = rouge("rougeLsum").score("w1 w2 w3 w4 w5", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5").get("rougeLsum");
        assertThat(lsum.recall()).isEqualTo(0.8);
        assertThat(lsum.precision()).isEqualTo(0.4);
        assertThat(lsum.fmeasure()).isCloseTo(0.5333, within(1e-3));
        assertThat(rouge("rougeLsum").score("w1 w2 w3 w4 w5", "/").get("rougeLsum").fmeasure()).isZero();
        assertThat(rouge("rougeLsum").score("", "w1").get("rougeLsum").fmeasure()).isZero();
        // testLcsTable: indices [1, 2, 3] for ref [1..5] and candidate [2, 5, 3, 4]
        assertThat(Rouge.lcsIndices(List.of("1", "2", "3", "4", "5"), List.of("2", "5", "3", "4"))).containsExactly(1, 2, 3);
        assertThat(Rouge.lcsIndices(List.of("1", "2", "3", "4", "5"), List.of("8", "9"))).isEmpty();
    }

    @Test
    void tokenizerQuirks() {
        // METRICS_SPEC.md ROUGE tokenizer results
        assertThat(RougeTokenizer.tokenize("café naïve Zürich Straße can't 3.14 中文 🍕", false))
                .containsExactly("caf", "na", "ve", "z", "rich", "stra", "e", "can", "t", "3", "14");
        assertThat(RougeTokenizer.tokenize("İ", false)).containsExactly("i");
        // stemming only for tokens longer than 3 characters: "runs" -> "run", "ran" untouched
        assertThat(RougeTokenizer.tokenize("Running runs ran flies", true)).containsExactly("run", "run", "ran", "fli");
    }

    @Test
    void handComputed() {
        // rouge2 with repeated bigrams: target "a a a" (bigrams aa x2), prediction "a a" (aa x1): overlap 1,
        // P = 1/1, R = 1/2, F = 2*1*0.5/1.5 = 2/3
        RougeScore r = rouge("rouge2").score("a a a", "a a").get("rouge2");
        assertThat(r).isEqualTo(new RougeScore(1.0, 0.5, 2 * 1.0 * 0.5 / 1.5));
        // rougeL: LCS("a b c d e", "a c e x") = 3 -> P 3/4, R 3/5
        RougeScore l = rouge("rougeL").score("a b c d e", "a c e x").get("rougeL");
        assertThat(l).isEqualTo(new RougeScore(0.75, 0.6, 2 * 0.75 * 0.6 / (0.75 + 0.6)));
        // rouge9 is valid; CRLF: the '\r' left on a line is removed by the tokenizer
        assertThat(rouge("rouge9").score("a", "a").get("rouge9")).isEqualTo(new RougeScore(0, 0, 0));
        assertThat(rouge("rougeLsum").score("a b\r\nc d", "a b\nc d").get("rougeLsum").fmeasure()).isEqualTo(1.0);
    }

    @Test
    void scoreMultiTakesBestFmeasureFirstOnTies() {
        Rouge r = rouge("rouge1");
        // both targets give F = 1/2 for prediction "a b": first ("a c", P = 1/2, R = 1/2) wins over ("a b c d": P 1, R 1/2 -> F 2/3)?
        // "a c": overlap 1, P = 1/2, R = 1/2, F = 1/2; "a x y": overlap 1, P = 1/2, R = 1/3, F = 0.4; "b z": P = 1/2, R = 1/2, F = 1/2
        Map<String, RougeScore> best = r.scoreMulti(List.of("a x y", "a c", "b z"), "a b");
        assertThat(best.get("rouge1")).isEqualTo(new RougeScore(0.5, 0.5, 0.5));
        Map<String, RougeScore> second = r.scoreMulti(List.of("a x y", "a b"), "a b");
        assertThat(second.get("rouge1").fmeasure()).isEqualTo(1.0);
    }

    /** golden/rouge_spec.jsonl: second implementation with NLTK's own Porter stemmer, validated on rouge-score's tests. */
    @Test
    void goldenSecondImplementation() {
        List<JsonNode> cases = Golden.jsonl("rouge_spec.jsonl");
        assertThat(cases).hasSizeGreaterThan(100);
        Rouge plain = rouge("rouge1", "rouge2", "rouge3", "rougeL", "rougeLsum");
        Rouge stem = Rouge.builder().types("rouge1", "rouge2", "rouge3", "rougeL", "rougeLsum").useStemmer(true).build();
        for (JsonNode c : cases) {
            Rouge r = c.get("stem").asBoolean() ? stem : plain;
            Map<String, RougeScore> got = r.score(c.get("target").asText(), c.get("prediction").asText());
            c.get("scores").properties().forEach(e -> {
                RougeScore s = got.get(e.getKey());
                assertClose(e.getValue().get(0).asDouble(), s.precision(), c + " " + e.getKey() + " P");
                assertClose(e.getValue().get(1).asDouble(), s.recall(), c + " " + e.getKey() + " R");
                assertClose(e.getValue().get(2).asDouble(), s.fmeasure(), c + " " + e.getKey() + " F");
            });
            // the rougeLsum-only shortcut gives the same result
            assertThat(Rouge.builder().types("rougeLsum").useStemmer(c.get("stem").asBoolean()).build()
                    .score(c.get("target").asText(), c.get("prediction").asText()).get("rougeLsum")).isEqualTo(got.get("rougeLsum"));
        }
    }

    @Test
    void invalidTypesAndInputs() {
        // rouge_scorer_test.py testInvalidRougeTypes: rougen, rouge0, rouge10
        for (String t : List.of("rougen", "rouge0", "rouge10", "rougel")) {
            assertThatThrownBy(() -> rouge(t)).isInstanceOf(InvalidMetricInputException.class).hasMessageContaining("'" + t + "'");
        }
        assertThatThrownBy(() -> Rouge.builder().build()).isInstanceOf(InvalidMetricInputException.class);
        assertThatThrownBy(() -> rouge("rouge1").score(null, "x")).hasMessageContaining("reference must not be null");
        assertThatThrownBy(() -> rouge("rouge1").scoreMulti(List.of(), "x")).hasMessageContaining("at least one reference");
    }

    @Test
    void bootstrapAggregator() {
        // identical scores: every bootstrap mean equals that score, so low = mid = high = the score
        BootstrapAggregator same = new BootstrapAggregator(7);
        for (int i = 0; i < 20; i++) {
            same.addScores(Map.of("rouge1", new RougeScore(0.5, 0.25, 1 / 3.0)));
        }
        BootstrapAggregator.AggregateScore a = same.aggregate().get("rouge1");
        assertThat(a.low()).isEqualTo(a.mid()).isEqualTo(a.high());
        assertThat(a.mid().precision()).isCloseTo(0.5, within(1e-15));
        // two values 0 and 1: means lie in [0, 1], low <= mid <= high, same seed -> same result
        BootstrapAggregator two = new BootstrapAggregator(0.9, 500, 3);
        BootstrapAggregator twoAgain = new BootstrapAggregator(0.9, 500, 3);
        for (int i = 0; i < 30; i++) {
            RougeScore s = i % 2 == 0 ? new RougeScore(0, 0, 0) : new RougeScore(1, 1, 1);
            two.addScores(Map.of("rougeL", s));
            twoAgain.addScores(Map.of("rougeL", s));
        }
        BootstrapAggregator.AggregateScore b = two.aggregate().get("rougeL");
        assertThat(b.low().fmeasure()).isLessThan(b.mid().fmeasure());
        assertThat(b.mid().fmeasure()).isLessThan(b.high().fmeasure());
        assertThat(b.mid().fmeasure()).isCloseTo(0.5, within(0.1));
        assertThat(twoAgain.aggregate().get("rougeL")).isEqualTo(b);
        // numpy.percentile([1, 2, 3, 4], 25) = 1.75 ; percentile([1, 2, 3, 4], 97.5) = 3.925
        assertThat(io.llmops4j.eval.run.Bootstrap.percentile(new double[] {1, 2, 3, 4}, 0.25)).isEqualTo(1.75);
        assertThat(io.llmops4j.eval.run.Bootstrap.percentile(new double[] {1, 2, 3, 4}, 0.975)).isCloseTo(3.925, within(1e-15));
        assertThatThrownBy(() -> new BootstrapAggregator(1.0, 10, 1)).hasMessageContaining("confidenceInterval must be in (0, 1)");
        assertThatThrownBy(() -> new BootstrapAggregator(1).aggregate()).hasMessageContaining("no scores");
    }
}
