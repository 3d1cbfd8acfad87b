package io.llmops4j.eval;

import static io.llmops4j.eval.Golden.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BleuTest {
    // sacreBLEU README and test/test_bleu.py
    static final List<List<String>> REFS = List.of(
            List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first."),
            List.of("The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."));
    static final List<String> HYPS = List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");

    private static BleuOptions.Builder opts() {
        return BleuOptions.builder();
    }

    @Test
    void publishedCorpusValues() {
        // sacreBLEU test/test_bleu.py test_corpus_bleu, EPSILON = 1e-8
        assertThat(Bleu.corpus(HYPS, REFS, BleuOptions.defaults()).score()).isCloseTo(48.530827, within(1e-8));
        assertThat(Bleu.corpus(HYPS, REFS, opts().tokenize(BleuTokenizer.NONE).build()).score()).isCloseTo(49.1919566, within(1e-8));
        assertThat(Bleu.corpus(HYPS, REFS, opts().tokenize(BleuTokenizer.INTL).build()).score()).isCloseTo(43.91623493, within(1e-8));
        assertThat(Bleu.corpus(HYPS, REFS, opts().smoothing(Smoothing.NONE).build()).score()).isCloseTo(48.530827, within(1e-8));
        assertThat(Bleu.corpus(List.of("", "", ""), REFS, BleuOptions.defaults()).score()).isEqualTo(0.0);
    }

    @Test
    void readmeExampleLineAndSignature() {
        // sacreBLEU README: "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)"
        // and signature nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.x
        BleuScore s = Bleu.corpus(HYPS, REFS, BleuOptions.defaults());
        assertThat(s.format(2)).isEqualTo("BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 48.53 "
                + "82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)");
        assertThat(s.sysLen()).isEqualTo(17);
        assertThat(s.refLen()).isEqualTo(18);
    }

    @Test
    void publishedStatisticsAndEffectiveOrder() {
        // test/test_bleu.py test_statistics / test_offset / test_effective_order (raw_corpus_bleu = floor, tok none,
        // effective order), EPSILON = 1e-8 on the 0..1 scale
        BleuOptions raw = opts().tokenize(BleuTokenizer.NONE).smoothing(Smoothing.FLOOR).smoothValue(0.01).effectiveOrder(true).build();
        BleuScore st = Bleu.sentence("am I am a character sequence", List.of("I am a symbol string sequence a a"), raw);
        assertThat(st.counts()).containsExactly(4, 2, 1, 0);
        assertThat(st.totals()).containsExactly(6, 5, 4, 3);
        BleuOptions floor01 = raw.toBuilder().smoothValue(0.1).build();
        assertThat(Bleu.sentence("am I am a character sequence", List.of("I am a symbol string sequence a a"), floor01).score() / 100)
                .isCloseTo(0.1555722182, within(1e-8));
        assertThat(Bleu.sentence("test", List.of("a test"), raw).score() / 100).isCloseTo(0.3678794411714425, within(1e-8));
        assertThat(Bleu.sentence("a test", List.of("a test"), raw).score() / 100).isCloseTo(1.0, within(1e-8));
        assertThat(Bleu.sentence("a little test", List.of("a test"), raw).score() / 100).isCloseTo(0.03218297948685433, within(1e-8));
        assertThat(Bleu.sentence("this is a fest", List.of("this is a test"), raw).score() / 100).isCloseTo(0.223606797749979, within(1e-8));
    }

    @Test
    void publishedSentenceValues() {
        // sacreBLEU test/test_sentence_bleu.py (issue #98), effective order, EPSILON = 1e-3
        String ref = "producţia de zahăr brut se exprimă în zahăr alb;";
        String sys = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;";
        Object[][] cases = {
            {Smoothing.EXP, null, false, BleuTokenizer.THIRTEEN_A, 8.493},
            {Smoothing.NONE, null, false, BleuTokenizer.THIRTEEN_A, 0.0},
            {Smoothing.FLOOR, null, false, BleuTokenizer.THIRTEEN_A, 4.51688},
            {Smoothing.FLOOR, 0.1, false, BleuTokenizer.THIRTEEN_A, 4.51688},
            {Smoothing.FLOOR, 0.5, false, BleuTokenizer.THIRTEEN_A, 10.10},
            {Smoothing.ADD_K, null, false, BleuTokenizer.THIRTEEN_A, 14.882},
            {Smoothing.ADD_K, 1.0, false, BleuTokenizer.THIRTEEN_A, 14.882},
            {Smoothing.ADD_K, 2.0, false, BleuTokenizer.THIRTEEN_A, 21.389},
            {Smoothing.EXP, null, false, BleuTokenizer.NONE, 7.347},
            {Smoothing.EXP, null, false, BleuTokenizer.INTL, 8.493},
            {Smoothing.EXP, null, false, BleuTokenizer.CHAR, 40.8759},
            {Smoothing.EXP, null, true, BleuTokenizer.CHAR, 42.0267},
        };
        for (Object[] c : cases) {
            BleuOptions.Builder b = opts().smoothing((Smoothing) c[0]).lowercase((Boolean) c[2])
                    .tokenize((BleuTokenizer) c[3]).effectiveOrder(true);
            if (c[1] != null) {
                b.smoothValue((Double) c[1]);
            }
            assertThat(Bleu.sentence(sys, List.of(ref), b.build()).score()).as(Arrays.toString(c)).isCloseTo((Double) c[4], within(1e-3));
        }
        // issue #141: no match at all -> 0 for every smoothing
        for (Smoothing s : Smoothing.values()) {
            assertThat(Bleu.sentence("this is a cat", List.of("okay thanks"), opts().smoothing(s).effectiveOrder(true).build()).score())
                    .isEqualTo(0.0);
        }
    }

    @Test
    void handComputedExactValues() {
        // hyp "the cat sat on the mat" vs ref "the cat sat on a mat", tok none:
        // 1-grams 5/6, 2-grams 3/5 (the cat, cat sat, sat on), 3-grams 2/4, 4-grams 1/3; bp = 1 (6 = 6)
        // BLEU = exp((ln(500/6) + ln 60 + ln 50 + ln(100/3)) / 4)
        BleuScore s = Bleu.sentence("the cat sat on the mat", List.of("the cat sat on a mat"), opts().tokenize(BleuTokenizer.NONE).build());
        double expected = Math.exp((Math.log(100. * 5 / 6) + Math.log(100. * 3 / 5) + Math.log(100. * 2 / 4) + Math.log(100. * 1 / 3)) / 4);
        assertClose(expected, s.score(), "hand BLEU");
        assertThat(s.counts()).containsExactly(5, 3, 2, 1);
        assertThat(s.bp()).isEqualTo(1.0);

        // exp smoothing: hyp "a b c d" vs "a b x d": 1-grams 3/4, 2-grams 1/3, 3-grams 0/2 -> 100/(2*2) = 25,
        // 4-grams 0/1 -> 100/(4*1) = 25
        BleuScore e = Bleu.sentence("a b c d", List.of("a b x d"), opts().tokenize(BleuTokenizer.NONE).build());
        assertThat(e.precisions()).containsExactly(75.0, 100. / 3, 25.0, 25.0);
        assertClose(Math.exp((Math.log(75.0) + Math.log(100. / 3) + Math.log(25.0) + Math.log(25.0)) / 4), e.score(), "exp smoothing");

        // add-k (k = 1): 2-grams (1+1)/(3+1), 3-grams 1/3, 4-grams 1/2; counts stay raw
        BleuScore k = Bleu.sentence("a b c d", List.of("a b x d"), opts().tokenize(BleuTokenizer.NONE).smoothing(Smoothing.ADD_K).build());
        assertThat(k.precisions()).containsExactly(75.0, 50.0, 100. / 3, 50.0);
        assertThat(k.counts()).containsExactly(3, 1, 0, 0);
        assertThat(k.signature()).contains("smooth:add-k[1.00]");

        // brevity: hyp 2 tokens, refs of 3 and 5 tokens -> closest 3, bp = exp(1 - 3/2)
        BleuScore bp = Bleu.sentence("a b", List.of("a b c", "a b c d e"), opts().tokenize(BleuTokenizer.NONE).effectiveOrder(true).build());
        assertThat(bp.refLen()).isEqualTo(3);
        assertThat(bp.bp()).isEqualTo(Math.exp(1 - 3.0 / 2));
        // tie on |diff| takes the shorter reference: hyp 3 tokens vs refs of 2 and 4 -> 2
        assertThat(Bleu.sentence("a b c", List.of("a b c d", "a b"), BleuOptions.defaults()).refLen()).isEqualTo(2);
        // an empty string is a real reference of length 0 (closest to an empty hypothesis)
        BleuScore emptyRef = Bleu.sentence("", List.of("", "a b"), BleuOptions.defaults());
        assertThat(emptyRef.refLen()).isZero();
        assertThat(emptyRef.bp()).isEqualTo(1.0);
        assertThat(Bleu.sentence("a b", List.of(""), BleuOptions.defaults()).ratio()).isZero();
        // without effective order, a 2-token hypothesis cannot have 3-grams: score exactly 0
        assertThat(Bleu.sentence("a b", List.of("a b"), BleuOptions.defaults()).score()).isEqualTo(0.0);
        // repeated n-grams are clipped by the maximum count over references
        BleuScore rep = Bleu.sentence("the the the the", List.of("the cat", "the the"), opts().maxNgramOrder(1).build());
        assertThat(rep.counts()).containsExactly(2);
    }

    /** golden/sacrebleu_spec.jsonl: second implementation validated against sacreBLEU's published tests. */
    @Test
    void goldenSecondImplementation() {
        int checked = 0;
        for (JsonNode c : Golden.jsonl("sacrebleu_spec.jsonl")) {
            if (!c.get("metric").asText().equals("bleu")) {
                continue;
            }
            JsonNode o = c.get("opts");
            BleuOptions.Builder b = opts();
            if (o.has("tok")) {
                b.tokenize(BleuTokenizer.fromName(o.get("tok").asText()));
            }
            if (o.has("smooth")) {
                b.smoothing(Smoothing.fromName(o.get("smooth").asText()));
            }
            if (o.has("value")) {
                b.smoothValue(o.get("value").asDouble());
            }
            b.lowercase(o.path("lc").asBoolean(false)).effectiveOrder(o.path("eff").asBoolean(false))
                    .maxNgramOrder(o.path("order").asInt(4));
            BleuScore s = Bleu.corpus(Golden.strings(c.get("hyps")), Golden.streams(c.get("refs")), b.build());
            String what = c.toString();
            assertClose(c.get("score").asDouble(), s.score(), what);
            assertClose(c.get("bp").asDouble(), s.bp(), what);
            assertThat(s.sysLen()).as(what).isEqualTo(c.get("sys_len").asInt());
            assertThat(s.refLen()).as(what).isEqualTo(c.get("ref_len").asInt());
            for (int i = 0; i < s.counts().length; i++) {
                assertThat(s.counts()[i]).as(what).isEqualTo(c.get("counts").get(i).asInt());
                assertThat(s.totals()[i]).as(what).isEqualTo(c.get("totals").get(i).asInt());
                assertClose(c.get("precisions").get(i).asDouble(), s.precisions()[i], what);
            }
            checked++;
        }
        assertThat(checked).isGreaterThan(150);
    }

    /** golden/nltk_bleu.jsonl: NLTK 3.8 corpus_bleu (0..1) on whitespace tokens where every order has a match. */
    @Test
    void agreesWithNltkCorpusBleu() {
        List<JsonNode> cases = Golden.jsonl("nltk_bleu.jsonl");
        assertThat(cases).hasSize(40);
        for (JsonNode c : cases) {
            BleuScore s = Bleu.corpus(Golden.strings(c.get("hyps")), Golden.streams(c.get("refs")),
                    opts().tokenize(BleuTokenizer.NONE).smoothing(Smoothing.NONE).build());
            assertClose(c.get("nltk").asDouble(), s.score() / 100, c.toString());
        }
    }

    @Test
    void segmentStatisticsSumToTheCorpusScore() {
        BleuOptions o = BleuOptions.defaults();
        long[] sum = new long[2 + 2 * 4];
        for (int i = 0; i < HYPS.size(); i++) {
            long[] s = Bleu.segmentStatistics(HYPS.get(i), List.of(REFS.get(0).get(i), REFS.get(1).get(i)), o);
            for (int j = 0; j < sum.length; j++) {
                sum[j] += s[j];
            }
        }
        assertThat(Bleu.fromStatistics(sum, o, 2)).isEqualTo(Bleu.corpus(HYPS, REFS, o));
        ChrfOptions c = ChrfOptions.builder().wordOrder(2).build();
        long[] csum = new long[3 * 8];
        for (int i = 0; i < HYPS.size(); i++) {
            long[] s = Chrf.segmentStatistics(HYPS.get(i), List.of(REFS.get(0).get(i), REFS.get(1).get(i)), c);
            for (int j = 0; j < csum.length; j++) {
                csum[j] += s[j];
            }
        }
        assertThat(Chrf.fromStatistics(csum, c, 2)).isEqualTo(Chrf.corpus(HYPS, REFS, c));
        assertThatThrownBy(() -> Bleu.fromStatistics(new long[3], o, 1)).hasMessageContaining("2 + 2 * maxNgramOrder elements, found 3");
    }

    @Test
    void signatures() {
        assertThat(Bleu.sentence("a", List.of("a", "b", "c"), opts().lowercase(true).effectiveOrder(true)
                .tokenize(BleuTokenizer.INTL).smoothing(Smoothing.FLOOR).build()).signature())
                .isEqualTo("nrefs:3|case:lc|eff:yes|tok:intl|smooth:floor[0.10]|version:2.6.0");
        List<String> second = new ArrayList<>(Arrays.asList("x", null));
        assertThat(Bleu.corpus(List.of("a", "b"), List.of(List.of("a", "b"), second), BleuOptions.defaults()).signature())
                .startsWith("nrefs:var|");
    }

    @Test
    void badInputIsRejectedWithPositions() {
        assertThatThrownBy(() -> Bleu.corpus(List.of("a", "b"), List.of(List.of("a")), BleuOptions.defaults()))
                .isInstanceOf(InvalidMetricInputException.class).hasMessageContaining("reference stream 0 has 1 segments but there are 2 hypotheses");
        assertThatThrownBy(() -> Bleu.corpus(List.of("a"), List.of(), BleuOptions.defaults()))
                .isInstanceOf(InvalidMetricInputException.class).hasMessageContaining("at least one reference stream");
        assertThatThrownBy(() -> Bleu.sentence("a", List.of(), BleuOptions.defaults()))
                .isInstanceOf(InvalidMetricInputException.class);
        assertThatThrownBy(() -> Bleu.corpus(Arrays.asList("a", null), List.of(List.of("a", "b")), BleuOptions.defaults()))
                .isInstanceOf(InvalidMetricInputException.class).hasMessageContaining("hypothesis 1 is null");
        assertThatThrownBy(() -> Bleu.corpus(null, List.of(List.of("a")), BleuOptions.defaults()))
                .isInstanceOf(InvalidMetricInputException.class);
        assertThatThrownBy(() -> opts().maxNgramOrder(0).build()).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("maxNgramOrder must be in 1..100, found 0");
        assertThatThrownBy(() -> opts().smoothing(Smoothing.FLOOR).smoothValue(-1).build())
                .hasMessageContaining("smoothValue must be finite and >= 0");
        assertThatThrownBy(() -> opts().smoothValue(0.5).build()).hasMessageContaining("only allowed with FLOOR or ADD_K");
        assertThatThrownBy(() -> BleuTokenizer.fromName("zh")).isInstanceOf(InvalidMetricInputException.class);
    }
}
