package io.llmops4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetrievalTest {
    static final List<String> RANKED = List.of("d3", "d1", "d7", "d2", "d9");
    static final Set<String> RELEVANT = Set.of("d1", "d2", "d4");

    @Test
    void handComputedBinary() {
        // top-3 = d3 d1 d7: 1 relevant -> P@3 = 1/3, R@3 = 1/3; top-5 has d1, d2 -> R@5 = 2/3, P@5 = 2/5
        assertThat(Retrieval.precisionAtK(RANKED, RELEVANT, 3)).isEqualTo(1 / 3.0);
        assertThat(Retrieval.recallAtK(RANKED, RELEVANT, 3)).isEqualTo(1 / 3.0);
        assertThat(Retrieval.recallAtK(RANKED, RELEVANT, 5)).isEqualTo(2 / 3.0);
        assertThat(Retrieval.precisionAtK(RANKED, RELEVANT, 10)).isEqualTo(2 / 10.0); // trec_eval: divide by k
        assertThat(Retrieval.hitRateAtK(RANKED, RELEVANT, 1)).isZero();
        assertThat(Retrieval.hitRateAtK(RANKED, RELEVANT, 2)).isEqualTo(1.0);
        assertThat(Retrieval.reciprocalRank(RANKED, RELEVANT)).isEqualTo(0.5);
        assertThat(Retrieval.reciprocalRank(List.of("x"), RELEVANT)).isZero();
        // binary nDCG@5: DCG = 1/log2(3) + 1/log2(5); IDCG (3 relevant) = 1 + 1/log2(3) + 1/log2(4)
        double dcg = 1 / (Math.log(3) / Math.log(2)) + 1 / (Math.log(5) / Math.log(2));
        double idcg = 1 + 1 / (Math.log(3) / Math.log(2)) + 0.5;
        assertThat(Retrieval.ndcgAtK(RANKED, Map.of("d1", 1, "d2", 1, "d4", 1), 5)).isCloseTo(dcg / idcg, within(1e-15));
    }

    @Test
    void gradedNdcgMatchesScikitLearnExample() {
        // scikit-learn ndcg_score docs: true_relevance [[10, 0, 0, 1, 5]], scores [[.1, .2, .3, 4, 70]] -> 0.69...
        // ranking by score: e4 (5), e3 (1), e2 (0), e1 (0), e0 (10)
        List<String> ranked = List.of("e4", "e3", "e2", "e1", "e0");
        Map<String, Integer> gains = Map.of("e0", 10, "e1", 0, "e2", 0, "e3", 1, "e4", 5);
        double v = Retrieval.ndcgAtK(ranked, gains, 5);
        double l3 = Math.log(3) / Math.log(2);
        double l6 = Math.log(6) / Math.log(2);
        assertThat(v).isCloseTo((5 + 1 / l3 + 10 / l6) / (10 + 5 / l3 + 1 / 2.0), within(1e-15));
        assertThat(v).isCloseTo(0.6957, within(1e-4));
        // k = 1: 5 / 10
        assertThat(Retrieval.ndcgAtK(ranked, gains, 1)).isEqualTo(0.5);
    }

    @Test
    void meanOverQueries() {
        Retrieval.Summary s = Retrieval.mean(List.of(Retrieval.Query.binary(RANKED, RELEVANT),
                Retrieval.Query.binary(List.of("a", "b"), Set.of("a"))), 2);
        assertThat(s.mrr()).isEqualTo((0.5 + 1.0) / 2);
        assertThat(s.hitRate()).isEqualTo(1.0);
        assertThat(s.recall()).isEqualTo((1 / 3.0 + 1.0) / 2);
        assertThat(s.precision()).isEqualTo((0.5 + 0.5) / 2);
    }

    @Test
    void badInput() {
        assertThatThrownBy(() -> Retrieval.recallAtK(List.of("a", "a"), Set.of("a"), 1)).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("position 2 is a duplicate of 'a'");
        assertThatThrownBy(() -> Retrieval.recallAtK(List.of("a"), Set.of(), 1)).hasMessageContaining("no relevant id");
        assertThatThrownBy(() -> Retrieval.precisionAtK(List.of("a"), Set.of("a"), 0)).hasMessageContaining("k must be >= 1, found 0");
        assertThatThrownBy(() -> Retrieval.mean(List.of(Retrieval.Query.binary(List.of("a"), Set.of())), 1))
                .hasMessageContaining("query 0");
        assertThatThrownBy(() -> Retrieval.ndcgAtK(List.of("a"), Map.of("a", -1), 1)).hasMessageContaining("must be >= 0");
    }
}
