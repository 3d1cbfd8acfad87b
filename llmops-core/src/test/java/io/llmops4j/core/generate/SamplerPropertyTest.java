package io.llmops4j.core.generate;

import io.llmops4j.core.GenerationConfig;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.Comparator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Randomised checks of {@link Sampler} against a brute-force reference written here: it sorts the whole
 * vocabulary and applies temperature, top-k, top-p and min-p one after another on explicit probability vectors.
 */
class SamplerPropertyTest {

    /** Logits on a coarse grid (ties happen) with an occasional masked token. */
    @Provide
    Arbitrary<float[]> logits() {
        Arbitrary<Float> value = Arbitraries.frequencyOf(
                Tuple.of(9, Arbitraries.integers().between(-16, 16).map(i -> i * 0.5f)),
                Tuple.of(1, Arbitraries.just(Float.NEGATIVE_INFINITY)));
        return value.array(float[].class).ofMinSize(1).ofMaxSize(40)
                .filter(a -> Arrays.stream(toDoubles(a)).anyMatch(x -> x > Double.NEGATIVE_INFINITY));
    }

    private static double[] toDoubles(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /** The final distribution the configuration should sample from, computed by sorting everything. */
    private static double[] reference(float[] logits, double temperature, int topK, double topP, double minP) {
        int n = logits.length;
        double max = Arrays.stream(toDoubles(logits)).max().orElseThrow();
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // descending logit, ascending id among equals (the documented tie order)
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -logits[i]).thenComparingInt(i -> i));
        if (topK > 0 && topK < n) {
            // transformers' TopKLogitsWarper: remove the logits below the k-th largest (ties with it stay)
            float kth = logits[order[topK - 1]];
            for (int i = 0; i < n; i++) {
                if (logits[i] < kth) {
                    p[i] = 0;
                }
            }
        }
        if (topP < 1.0) {
            double total = Arrays.stream(p).sum();
            double cumulative = 0;
            boolean reached = false;
            for (Integer id : order) {
                if (reached) {
                    p[id] = 0;
                } else {
                    cumulative += p[id];
                    reached = cumulative >= topP * total;
                }
            }
        }
        if (minP > 0) {
            double top = Arrays.stream(p).max().orElseThrow();
            for (int i = 0; i < n; i++) {
                if (p[i] < minP * top) {
                    p[i] = 0;
                }
            }
        }
        double total = Arrays.stream(p).sum();
        for (int i = 0; i < n; i++) {
            p[i] /= total;
        }
        return p;
    }

    @Property(tries = 300)
    void chosenTokenHasNonZeroProbabilityAfterFiltering(
            @ForAll("logits") float[] logits,
            @ForAll @DoubleRange(min = 0.05, max = 5.0) double temperature,
            @ForAll @IntRange(min = 0, max = 45) int topK,
            @ForAll @DoubleRange(min = 0.01, max = 1.0) double topP,
            @ForAll @DoubleRange(min = 0.0, max = 1.0) double minP,
            @ForAll long seed) {
        GenerationConfig cfg = GenerationConfig.builder().temperature(temperature).topK(topK).topP(topP).minP(minP)
                .seed(seed).logprobs(true).build();
        double[] expected = reference(logits, temperature, topK, topP, minP);
        Sampler sampler = new Sampler(cfg, new int[0], logits.length);
        for (int step = 0; step < 5; step++) {
            Sampler.Choice c = sampler.next(logits);
            assertThat(expected[c.tokenId()]).as("probability of chosen token %d", c.tokenId()).isGreaterThan(0.0);
            assertThat((double) c.logprob()).isCloseTo(Math.log(expected[c.tokenId()]), within(1e-4));
        }
    }

    /** Top-1 samples among the largest logits only (greedy when it is unique); greedy takes the first of them. */
    @Property(tries = 300)
    void topKOneSamplesOnlyTheLargestLogits(@ForAll("logits") float[] logits,
                                           @ForAll @DoubleRange(min = 0.05, max = 5.0) double temperature,
                                           @ForAll long seed) {
        int greedy = new Sampler(GenerationConfig.defaults(), new int[0], logits.length).next(logits).tokenId();
        GenerationConfig cfg = GenerationConfig.builder().temperature(temperature).topK(1).seed(seed).build();
        int sampled = new Sampler(cfg, new int[0], logits.length).next(logits).tokenId();
        // the reference argmax: first index of the largest value
        int argmax = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[argmax]) {
                argmax = i;
            }
        }
        assertThat(logits[sampled]).isEqualTo(logits[argmax]);
        assertThat(greedy).isEqualTo(argmax);
    }
}
