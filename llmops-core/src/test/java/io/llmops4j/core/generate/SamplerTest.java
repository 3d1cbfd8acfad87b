package io.llmops4j.core.generate;

import io.llmops4j.core.GenerationConfig;
import io.llmops4j.core.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SamplerTest {

    /*
     * Hand-computed reference distribution for logits [2, 1, 0, -1]:
     *   e^2 = 7.389056099, e^1 = 2.718281828, e^0 = 1, e^-1 = 0.367879441; sum = 11.475217369
     *   softmax = [7.389056/11.475217, 2.718282/11.475217, 1/11.475217, 0.367879/11.475217]
     *           = [0.643914260, 0.236882818, 0.087144319, 0.032058603]
     */
    private static final float[] LOGITS = {2f, 1f, 0f, -1f};
    private static final double[] SOFTMAX = {0.643914260, 0.236882818, 0.087144319, 0.032058603};
    private static final int DRAWS = 20_000;

    private static GenerationConfig.Builder sampling() {
        return GenerationConfig.builder().temperature(1.0).seed(42).logprobs(true);
    }

    /** Relative frequencies of DRAWS tokens drawn with the given config from fixed logits. */
    private static double[] frequencies(GenerationConfig cfg, float[] logits) {
        Sampler sampler = new Sampler(cfg, new int[0], logits.length);
        int[] counts = new int[logits.length];
        for (int i = 0; i < DRAWS; i++) {
            counts[sampler.next(logits).tokenId()]++;
        }
        return Arrays.stream(counts).mapToDouble(c -> (double) c / DRAWS).toArray();
    }

    /** Pearson chi-square statistic of DRAWS observations against the expected probabilities. */
    private static double chiSquare(double[] observedFreq, double[] expected) {
        double chi = 0;
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] == 0) {
                assertThat(observedFreq[i]).as("token %d has probability 0 but was drawn", i).isZero();
                continue;
            }
            double o = Math.round(observedFreq[i] * DRAWS);
            double e = expected[i] * DRAWS;
            chi += (o - e) * (o - e) / e;
        }
        return chi;
    }

    private static void assertMatches(double[] freq, double[] expected) {
        assertThat(freq).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(freq[i]).as("frequency of token %d", i).isCloseTo(expected[i], within(0.01));
        }
        // Critical value of chi-square at p = 0.001: 13.82 for 2 degrees of freedom, 16.27 for 3.
        int df = (int) Arrays.stream(expected).filter(p -> p > 0).count() - 1;
        double critical = switch (df) {
            case 0 -> 0.0; // a single possible token: every draw must be it
            case 1 -> 10.83;
            case 2 -> 13.82;
            case 3 -> 16.27;
            default -> throw new IllegalArgumentException("df " + df);
        };
        assertThat(chiSquare(freq, expected)).isLessThanOrEqualTo(critical);
    }

    @Test
    void plainSamplingFollowsSoftmax() {
        assertMatches(frequencies(sampling().build(), LOGITS), SOFTMAX);
    }

    @Test
    void temperatureFlattensTheDistribution() {
        // logits / 2 = [1, 0.5, 0, -0.5]; e^1 = 2.718282, e^0.5 = 1.648721, e^0 = 1, e^-0.5 = 0.606531,
        // sum = 5.973534 -> [0.455054, 0.276004, 0.167405, 0.101536]
        double[] expected = {0.455054, 0.276004, 0.167405, 0.101536};
        assertMatches(frequencies(sampling().temperature(2.0).build(), LOGITS), expected);
    }

    @Test
    void topKRenormalisesOverTheKBest() {
        // top-2 keeps tokens 0 and 1: 7.389056 / (7.389056 + 2.718282) = 0.731059, 2.718282 / 10.107338 = 0.268941
        double[] expected = {0.731059, 0.268941, 0, 0};
        assertMatches(frequencies(sampling().topK(2).build(), LOGITS), expected);
    }

    @Test
    void topPKeepsTheSmallestSetReachingTheMass() {
        // cumulative softmax: 0.643914, 0.880797, 0.967941, 1.0
        // topP 0.7: 0.643914 < 0.7 <= 0.880797 -> tokens {0, 1}, same as top-2
        assertMatches(frequencies(sampling().topP(0.7).build(), LOGITS), new double[]{0.731059, 0.268941, 0, 0});
        // topP 0.9: 0.880797 < 0.9 <= 0.967941 -> tokens {0, 1, 2}; 1/0.967941 renormalises:
        // [0.643914, 0.236883, 0.087144] / 0.967941 = [0.665241, 0.244728, 0.090031]
        assertMatches(frequencies(sampling().topP(0.9).build(), LOGITS), new double[]{0.665241, 0.244728, 0.090031, 0});
        // topP 0.6: the first token alone already has 0.643914 >= 0.6
        assertMatches(frequencies(sampling().topP(0.6).build(), LOGITS), new double[]{1, 0, 0, 0});
    }

    @Test
    void minPKeepsTokensAboveAFractionOfTheTop() {
        // minP 0.2: threshold 0.2 * 0.643914 = 0.128783 -> tokens 0 (0.643914) and 1 (0.236883)
        assertMatches(frequencies(sampling().minP(0.2).build(), LOGITS), new double[]{0.731059, 0.268941, 0, 0});
        // minP 0.1: threshold 0.064391 -> tokens 0, 1, 2 (0.087144) but not 3 (0.032059)
        assertMatches(frequencies(sampling().minP(0.1).build(), LOGITS), new double[]{0.665241, 0.244728, 0.090031, 0});
    }

    @Test
    void filtersComposeInHuggingFaceOrder() {
        // temperature 2 first: [0.455054, 0.276004, 0.167405, 0.101536]; top-k 3 drops token 3 and renormalises:
        // sum 0.898463 -> [0.506481, 0.307195, 0.186324]; top-p 0.75: 0.506481 < 0.75 <= 0.813676 -> {0, 1};
        // min-p 0.6: 0.307195 >= 0.6 * 0.506481 = 0.303889 -> both stay; renormalised:
        // 2.718282 / (2.718282 + 1.648721) = 0.622459, 1.648721 / 4.367003 = 0.377541
        GenerationConfig cfg = sampling().temperature(2.0).topK(3).topP(0.75).minP(0.6).build();
        assertMatches(frequencies(cfg, LOGITS), new double[]{0.622459, 0.377541, 0, 0});
        // min-p 0.62 instead: 0.307195 < 0.62 * 0.506481 = 0.314018 -> only token 0 remains
        GenerationConfig stricter = sampling().temperature(2.0).topK(3).topP(0.75).minP(0.62).build();
        assertMatches(frequencies(stricter, LOGITS), new double[]{1, 0, 0, 0});
    }

    @Test
    void logprobIsUnderTheDistributionActuallySampled() {
        Sampler sampler = new Sampler(sampling().topK(2).build(), new int[0], 4);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Sampler.Choice c = sampler.next(LOGITS);
            seen.add(c.tokenId());
            // ln(0.731059) = -0.313262, ln(0.268941) = -1.313262 (top-2 renormalised)
            double expected = c.tokenId() == 0 ? -0.313262 : -1.313262;
            assertThat((double) c.logprob()).isCloseTo(expected, within(1e-5));
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void greedyLogprobIsLogSoftmaxAndNanWhenNotRequested() {
        Sampler.Choice c = new Sampler(GenerationConfig.builder().logprobs(true).build(), new int[0], 4).next(LOGITS);
        assertThat(c.tokenId()).isZero();
        // ln(0.643914) = -0.440190
        assertThat((double) c.logprob()).isCloseTo(-0.440190, within(1e-6));
        Sampler.Choice quiet = new Sampler(GenerationConfig.defaults(), new int[0], 4).next(LOGITS);
        assertThat(quiet.tokenId()).isZero();
        assertThat(quiet.logprob()).isNaN();
    }

    @Test
    void greedyBreaksTiesTowardsTheLowestId() {
        Sampler sampler = new Sampler(GenerationConfig.defaults(), new int[0], 5);
        assertThat(sampler.next(new float[]{1f, 3f, 3f, 2f, 3f}).tokenId()).isEqualTo(1);
        assertThat(sampler.next(new float[]{-1f, -1f, -1f, -1f, -1f}).tokenId()).isEqualTo(0);
    }

    @Test
    void topKKeepsEveryTokenTiedWithTheKthAsTransformersDoes() {
        // transformers' TopKLogitsWarper removes only scores < the k-th largest: tokens 1, 2, 3 tie, so top-2
        // (and top-1) keep all three, 1/3 each; token 0 is below the cut
        assertMatches(frequencies(sampling().topK(2).build(), new float[]{1f, 2f, 2f, 2f}),
                new double[]{0, 1 / 3.0, 1 / 3.0, 1 / 3.0});
        assertMatches(frequencies(sampling().topK(1).build(), new float[]{1f, 1f, 1f, 0f}),
                new double[]{1 / 3.0, 1 / 3.0, 1 / 3.0, 0});
        // a tie below the k-th value changes nothing: top-2 of {3, 2, 1, 1} keeps tokens 0 and 1
        double e = Math.exp(1);
        assertMatches(frequencies(sampling().topK(2).build(), new float[]{3f, 2f, 1f, 1f}),
                new double[]{e / (e + 1), 1 / (e + 1), 0, 0});
    }

    @Test
    void negativeInfinityMasksTokens() {
        float ninf = Float.NEGATIVE_INFINITY;
        double[] freq = frequencies(sampling().build(), new float[]{ninf, 0f, ninf, 0f});
        assertMatches(freq, new double[]{0, 0.5, 0, 0.5});
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        // prompt contains token 0: 2.0 / 2 = 1.0 < 1.5, so token 1 wins
        GenerationConfig cfg = GenerationConfig.builder().repetitionPenalty(2.0).logprobs(true).build();
        Sampler.Choice c = new Sampler(cfg, new int[]{0}, 4).next(new float[]{2f, 1.5f, 0.5f, -1f});
        assertThat(c.tokenId()).isEqualTo(1);
        // penalised logits [1, 1.5, 0.5, -1]: e^1 + e^1.5 + e^0.5 + e^-1 = 2.718282 + 4.481689 + 1.648721 + 0.367879
        // = 9.216571; logprob = 1.5 - ln(9.216571) = 1.5 - 2.221003 = -0.721003
        assertThat((double) c.logprob()).isCloseTo(-0.721003, within(1e-5));

        // negative logits are multiplied: token 1's -0.5 becomes -1.5 < -1, so token 0 wins
        Sampler neg = new Sampler(GenerationConfig.builder().repetitionPenalty(3.0).build(), new int[]{1}, 4);
        assertThat(neg.next(new float[]{-1f, -0.5f, -3f, -4f}).tokenId()).isZero();
    }

    @Test
    void repetitionPenaltyAppliesOncePerDistinctTokenIncludingGeneratedOnes() {
        // constant logits [2, 1.9, 0, 0], penalty 2:
        // step 1 no history -> 0; step 2: [1, 1.9] -> 1; step 3: [1, 0.95] -> 0; step 4: still [1, 0.95]
        // (the penalty does not compound with counts) -> 0
        Sampler sampler = new Sampler(GenerationConfig.builder().repetitionPenalty(2.0).build(), new int[0], 4);
        float[] logits = {2f, 1.9f, 0f, 0f};
        int[] ids = new int[4];
        for (int i = 0; i < 4; i++) {
            ids[i] = sampler.next(logits).tokenId();
        }
        assertThat(ids).containsExactly(0, 1, 0, 0);
        assertThat(logits).containsExactly(2f, 1.9f, 0f, 0f); // the caller's array is untouched
    }

    @Test
    void presenceAndFrequencyPenaltiesCountGeneratedTokensOnly() {
        // frequency 0.4, presence 0.3, constant logits [3, 2.5, 0, -1]; the prompt (all token 0) is ignored.
        // step 1: no generated tokens -> 0
        // step 2: token 0 = 3 - (0.4*1 + 0.3) = 2.3 < 2.5 -> 1
        // step 3: token 0 = 2.3, token 1 = 2.5 - 0.7 = 1.8 -> 0
        // step 4: token 0 = 3 - (0.4*2 + 0.3) = 1.9 > 1.8 -> 0
        // step 5: token 0 = 3 - (0.4*3 + 0.3) = 1.5 < 1.8 -> 1
        GenerationConfig cfg = GenerationConfig.builder().frequencyPenalty(0.4).presencePenalty(0.3)
                .logprobs(true).build();
        Sampler sampler = new Sampler(cfg, new int[]{0, 0, 0}, 4);
        float[] logits = {3f, 2.5f, 0f, -1f};
        List<Sampler.Choice> choices = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            choices.add(sampler.next(logits));
        }
        assertThat(choices.stream().mapToInt(Sampler.Choice::tokenId).toArray()).containsExactly(0, 1, 0, 0, 1);
        // step 2 logits [2.3, 2.5, 0, -1]: e^2.3 + e^2.5 + 1 + e^-1 = 9.974182 + 12.182494 + 1 + 0.367879 = 23.524555
        // logprob of token 1 = 2.5 - ln(23.524555) = 2.5 - 3.158045 = -0.658045
        assertThat((double) choices.get(1).logprob()).isCloseTo(-0.658045, within(1e-5));
    }

    @Test
    void negativePresencePenaltyEncouragesRepetition() {
        // presence -1: after token 0 is generated its logit 1.2 becomes 2.2 > 1.5, so it is chosen again
        Sampler sampler = new Sampler(GenerationConfig.builder().presencePenalty(-1.0).build(), new int[0], 3);
        assertThat(sampler.next(new float[]{2f, 1.5f, 0f}).tokenId()).isZero();
        assertThat(sampler.next(new float[]{1.2f, 1.5f, 0.8f}).tokenId()).isZero();
        Sampler fresh = new Sampler(GenerationConfig.defaults(), new int[0], 3);
        assertThat(fresh.next(new float[]{1.2f, 1.5f, 0.8f}).tokenId()).isEqualTo(1);
    }

    @Test
    void sameSeedSameSequenceDifferentSeedsDiffer() {
        float[] logits = new float[1000];
        Random r = new Random(7);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) r.nextGaussian();
        }
        int[] a = draw(GenerationConfig.builder().temperature(1.0).topP(0.95).seed(123).build(), logits);
        int[] b = draw(GenerationConfig.builder().temperature(1.0).topP(0.95).seed(123).build(), logits);
        int[] c = draw(GenerationConfig.builder().temperature(1.0).topP(0.95).seed(124).build(), logits);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    private static int[] draw(GenerationConfig cfg, float[] logits) {
        Sampler sampler = new Sampler(cfg, new int[0], logits.length);
        int[] ids = new int[100];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = sampler.next(logits).tokenId();
        }
        return ids;
    }

    @Test
    void nucleusOverALargeVocabularyMatchesAFullSortReference() {
        int vocab = 50_000;
        float[] logits = new float[vocab];
        Random r = new Random(11);
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) (3.0 * r.nextGaussian());
        }
        double temperature = 0.8;
        double topP = 0.9;
        // Reference: sort every token by probability, take the shortest prefix reaching topP.
        double max = Double.NEGATIVE_INFINITY;
        for (float x : logits) {
            max = Math.max(max, x);
        }
        double[] w = new double[vocab];
        double z = 0;
        for (int i = 0; i < vocab; i++) {
            w[i] = Math.exp((logits[i] - max) / temperature);
            z += w[i];
        }
        Integer[] order = new Integer[vocab];
        for (int i = 0; i < vocab; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -w[i]));
        Set<Integer> nucleus = new HashSet<>();
        double mass = 0;
        for (Integer id : order) {
            nucleus.add(id);
            mass += w[id];
            if (mass >= topP * z) {
                break;
            }
        }
        assertThat(nucleus.size()).isBetween(20, vocab / 2); // a real cut, not a degenerate one
        GenerationConfig cfg = GenerationConfig.builder().temperature(temperature).topP(topP).seed(5)
                .logprobs(true).build();
        Sampler sampler = new Sampler(cfg, new int[0], vocab);
        for (int i = 0; i < 300; i++) {
            Sampler.Choice c = sampler.next(logits);
            assertThat(nucleus).contains(c.tokenId());
            // the logprob's normaliser is the nucleus mass, so a wrong set would shift it by that token's share
            double expected = Math.log(w[c.tokenId()] / mass);
            assertThat((double) c.logprob()).isCloseTo(expected, within(2e-6));
        }
    }

    @Test
    void rejectsBadInput() {
        GenerationConfig cfg = GenerationConfig.defaults();
        assertThatThrownBy(() -> new Sampler(cfg, new int[]{1, 9}, 8))
                .isInstanceOf(InvalidRequestException.class).hasMessage("promptIds[1] must be in [0, 8), was 9");
        assertThatThrownBy(() -> new Sampler(cfg, new int[]{-1}, 8))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("promptIds[0]");
        assertThatThrownBy(() -> new Sampler(cfg, new int[0], 0))
                .isInstanceOf(InvalidRequestException.class).hasMessage("vocabSize must be >= 1, was 0");
        Sampler sampler = new Sampler(cfg, new int[0], 3);
        assertThatThrownBy(() -> sampler.next(new float[4]))
                .isInstanceOf(InvalidRequestException.class).hasMessage("logits must have length vocabSize = 3, was 4");
        assertThatThrownBy(() -> sampler.next(new float[]{0f, Float.NaN, 0f}))
                .isInstanceOf(InvalidRequestException.class).hasMessage("logits[1] must be finite or -Infinity, was NaN");
        assertThatThrownBy(() -> sampler.next(new float[]{0f, 0f, Float.POSITIVE_INFINITY}))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("logits[2]");
        float ninf = Float.NEGATIVE_INFINITY;
        assertThatThrownBy(() -> sampler.next(new float[]{ninf, ninf, ninf}))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("all -Infinity");
    }
}
