package io.llmops4j.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Mathematical identities and bounds of the metrics over random texts. */
class MetricPropertiesTest {

    @Provide
    Arbitrary<String> sentences() {
        Arbitrary<String> word = Arbitraries.of("the", "cat", "sat", "on", "a", "mat", "dog", "ran", "3.14", "café", "🍕", ",", ".",
                "running", "runs", "İ", "naïve");
        Arbitrary<String> space = Arbitraries.of(" ", " ", "\u00a0", "\t", "\n", "\u3000");
        return Arbitraries.integers().between(0, 25).flatMap(n -> word.list().ofSize(n).flatMap(ws -> space.list().ofSize(n)
                .map(sp -> {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < ws.size(); i++) {
                        sb.append(ws.get(i)).append(sp.get(i));
                    }
                    return sb.toString();
                })));
    }

    @Property(tries = 200)
    void identicalTextsScorePerfectly(@ForAll("sentences") String s) {
        int tokens = Bleu.tokens(s, BleuOptions.defaults()).size();
        BleuScore b = Bleu.sentence(s, List.of(s), BleuOptions.defaults());
        // BLEU of a text with itself: 100 when every order has n-grams, else exactly 0 (no effective order)
        assertThat(b.score()).isCloseTo(tokens >= 4 ? 100.0 : 0.0, org.assertj.core.api.Assertions.within(1e-9));
        if (!s.isBlank()) {
            assertThat(Chrf.sentence(s, List.of(s), ChrfOptions.defaults()).score()).isCloseTo(100.0, org.assertj.core.api.Assertions.within(1e-9));
        }
        RougeScore r = Rouge.builder().types("rouge1").build().score(s, s).get("rouge1");
        assertThat(r.fmeasure()).isIn(0.0, 1.0);
    }

    @Property(tries = 200)
    void scoresStayInRangeAndRougeNIsSymmetric(@ForAll("sentences") String a, @ForAll("sentences") String b) {
        double bleu = Bleu.sentence(a, List.of(b), BleuOptions.builder().effectiveOrder(true).build()).score();
        assertThat(bleu).isBetween(0.0, 100.0 + 1e-9);
        assertThat(Chrf.sentence(a, List.of(b), ChrfOptions.builder().wordOrder(2).build()).score()).isBetween(0.0, 100.0 + 1e-9);
        double m = Meteor.builder().build().score(List.of(b), a);
        assertThat(m).isBetween(0.0, 1.0);
        Rouge rouge = Rouge.builder().types("rouge2", "rougeL").build();
        RougeScore ab = rouge.score(a, b).get("rouge2");
        RougeScore ba = rouge.score(b, a).get("rouge2");
        // swapping target and prediction swaps precision and recall and keeps F
        assertThat(ab.precision()).isEqualTo(ba.recall());
        assertThat(ab.fmeasure()).isEqualTo(ba.fmeasure());
        // adding the hypothesis itself as a second reference never lowers sentence BLEU / chrF
        assertThat(Bleu.sentence(a, List.of(b, a), BleuOptions.builder().effectiveOrder(true).build()).score()).isGreaterThanOrEqualTo(bleu - 1e-9);
    }
}
