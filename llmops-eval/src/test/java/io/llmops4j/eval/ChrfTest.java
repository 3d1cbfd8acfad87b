package io.llmops4j.eval;

import static io.llmops4j.eval.Golden.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChrfTest {

    private static ChrfScore corpus(List<String> hyps, List<String> refs, ChrfOptions o) {
        return Chrf.corpus(hyps, List.of(refs), o);
    }

    @Test
    void publishedEpsSmoothingValues() {
        // sacreBLEU test/test_chrf.py test_chrf: char_order 6, word_order 0, beta 3, eps_smoothing, EPSILON 1e-4
        ChrfOptions o = ChrfOptions.builder().beta(3).epsSmoothing(true).build();
        assertThat(corpus(List.of("abcdefg"), List.of("hijklmnop"), o).score()).isCloseTo(0.0, within(1e-4));
        assertThat(corpus(List.of(""), List.of("reference"), o).score()).isCloseTo(0.0, within(1e-4));
        assertThat(corpus(List.of("aa"), List.of("ab"), o).score()).isCloseTo(8.3333, within(1e-4));
        assertThat(corpus(List.of("a", "b"), List.of("a", "c"), o).score()).isCloseTo(8.3333, within(1e-4));
        assertThat(corpus(List.of("a"), List.of("a"), o).score()).isCloseTo(16.6667, within(1e-4));
        assertThat(corpus(List.of("a b c"), List.of("a b c"), o).score()).isCloseTo(50.0, within(1e-4));
        assertThat(corpus(List.of("a b c"), List.of("abc"), o).score()).isCloseTo(50.0, within(1e-4));
        assertThat(corpus(List.of(" risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."),
                List.of("risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."), o)
                .score()).isCloseTo(63.361730, within(1e-4));
        assertThat(corpus(List.of(" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "),
                List.of("Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."), o).score())
                .isCloseTo(64.1302698, within(1e-4));
        // test_chrf_sentence_level: default beta 2 with eps smoothing
        ChrfOptions eps2 = ChrfOptions.builder().epsSmoothing(true).build();
        assertThat(Chrf.sentence("Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.",
                List.of("Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře."), eps2).score())
                .isCloseTo(39.14078509, within(1e-4));
        assertThat(Chrf.sentence("Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.",
                List.of("A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři."), eps2).score())
                .isCloseTo(31.22557079, within(1e-4));
    }

    @Test
    void readmeExample() {
        // sacreBLEU README: CHRF().corpus_score(sys, refs) prints "chrF2 = 59.73"
        assertThat(Chrf.corpus(BleuTest.HYPS, BleuTest.REFS, ChrfOptions.defaults()).score()).isCloseTo(59.73, within(0.005));
    }

    @Test
    void publishedEffectiveOrderAndWhitespaceValues() {
        // test_chrf_eff_order (beta 3, no eps smoothing) and test_chrf_keep_whitespace
        ChrfOptions o = ChrfOptions.builder().beta(3).build();
        assertThat(corpus(List.of("a"), List.of("a"), o).score()).isCloseTo(100.0, within(1e-4));
        assertThat(corpus(List.of("a b c"), List.of("abc"), o).score()).isCloseTo(100.0, within(1e-4));
        assertThat(corpus(List.of("a", "b"), List.of("a", "c"), o).score()).isCloseTo(50.0, within(1e-4));
        assertThat(corpus(List.of("aa"), List.of("ab"), o).score()).isCloseTo(25.0, within(1e-4));
        ChrfOptions ws = ChrfOptions.builder().beta(3).whitespace(true).build();
        assertThat(corpus(List.of("Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich."),
                List.of("Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."), ws).score())
                .isCloseTo(67.3481606, within(1e-4));
        assertThat(corpus(List.of("risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."),
                List.of("risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."), ws)
                .score()).isCloseTo(65.2414427, within(1e-4));
    }

    @Test
    void handComputed() {
        // "aa" vs "ab", chrF2 default: order 1: P = R = 1/2; order 2: hyp "aa", ref "ab": 0 matches, both present ->
        // effective; orders 3..6 have no reference n-grams -> not effective. avgP = avgR = (1/2 + 0)/2 = 1/4;
        // F2 = 5 * (1/4)(1/4) / (4/4 + 1/4) = 1/4 -> 25.0
        assertClose(25.0, Chrf.sentence("aa", List.of("ab"), ChrfOptions.defaults()).score(), "aa/ab");
        // chrF++ word n-grams: "(hello)" -> "(hello", ")" ; "!!!" -> "!!", "!"
        assertThat(Chrf.removePunctuation("(hello) !!! x, 'y a")).containsExactly("(hello", ")", "!!", "!", "x", ",", "'", "y", "a");
        // 🍕 is one character: "🍕🍕" vs "🍕": order 1 P = 1/2, R = 1; order 2 hyp has 1 bigram but the reference
        // has none -> hyp count zeroed, not effective. F2 = 5 * (1/2)(1) / (4/2 + 1) = 5/6
        assertClose(100 * (5 * 0.5 * 1.0) / (4 * 0.5 + 1.0), Chrf.sentence("🍕🍕", List.of("🍕"), ChrfOptions.defaults()).score(), "emoji");
        ChrfScore pp = Chrf.sentence("a b", List.of("a b"), ChrfOptions.builder().wordOrder(2).build());
        assertThat(pp.name()).isEqualTo("chrF2++");
        assertThat(pp.signature()).isEqualTo("nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0");
        assertClose(100.0, pp.score(), "identical");
    }

    @Test
    void charOrderAboveSixUsesStringKeys() {
        // "abcdefgh" vs "abcdefgx", charOrder 8: order n has 9-n n-grams on each side and 8-n of them match
        // (all but the one containing the last character): P = R = (8-n)/(9-n) for n = 1..8 (order 8: 0/1).
        double avg = 0;
        for (int n = 1; n <= 8; n++) {
            avg += (8.0 - n) / (9 - n);
        }
        avg /= 8;
        double expected = 100 * ((1 + 4) * avg * avg) / (4 * avg + avg);
        assertClose(expected, Chrf.sentence("abcdefgh", List.of("abcdefgx"), ChrfOptions.builder().charOrder(8).build()).score(), "nc=8");
    }

    @Test
    void firstStrictlyBestReferenceWins() {
        // the second reference is identical to the hypothesis, the first is worse: the second's stats are used
        assertClose(100.0, Chrf.sentence("abc", List.of("abd", "abc"), ChrfOptions.defaults()).score(), "best ref");
    }

    /** golden/sacrebleu_spec.jsonl chrF rows. */
    @Test
    void goldenSecondImplementation() {
        int checked = 0;
        for (JsonNode c : Golden.jsonl("sacrebleu_spec.jsonl")) {
            if (!c.get("metric").asText().equals("chrf")) {
                continue;
            }
            JsonNode o = c.get("opts");
            ChrfOptions opts = ChrfOptions.builder().charOrder(o.path("nc").asInt(6)).wordOrder(o.path("nw").asInt(0))
                    .beta(o.path("beta").asInt(2)).lowercase(o.path("lc").asBoolean(false))
                    .whitespace(o.path("ws").asBoolean(false)).epsSmoothing(o.path("eps_sm").asBoolean(false)).build();
            ChrfScore s = Chrf.corpus(Golden.strings(c.get("hyps")), Golden.streams(c.get("refs")), opts);
            assertClose(c.get("score").asDouble(), s.score(), c.toString());
            checked++;
        }
        assertThat(checked).isGreaterThan(100);
    }

    @Test
    void badInput() {
        assertThatThrownBy(() -> ChrfOptions.builder().beta(0).build()).hasMessageContaining("beta must be in 1..100, found 0");
        assertThatThrownBy(() -> ChrfOptions.builder().wordOrder(-1).build()).hasMessageContaining("wordOrder");
        assertThatThrownBy(() -> Chrf.corpus(List.of("a"), List.of(List.of("a", "b")), ChrfOptions.defaults()))
                .isInstanceOf(InvalidMetricInputException.class).hasMessageContaining("reference stream 0 has 2 segments");
        assertThatThrownBy(() -> Chrf.sentence("a", null, ChrfOptions.defaults())).isInstanceOf(InvalidMetricInputException.class);
    }
}
