package io.llmops4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Perplexity of the real stories260K checkpoint (skipped when ../shared is absent). */
class PerplexityTest extends WithStoriesModel {
    static final String STORY = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. "
            + "One day, she saw a big red ball under a tree. She ran to the ball and kicked it high into the sky. "
            + "Her friend Tom laughed and clapped his hands.";
    static final String SHORT_STORY = "Tom had a small dog. The dog liked to run and jump.";

    /** Sum over positions p of log(sum_v exp(logits[p][v])) - logits[p][ids[p + 1]], from one logits call. */
    private static double sumNll(int[] ids) {
        float[][] logits = model.logits(ids);
        double total = 0;
        for (int p = 0; p + 1 < ids.length; p++) {
            double z = 0;
            for (float l : logits[p]) {
                z += Math.exp(l);
            }
            total += Math.log(z) - logits[p][ids[p + 1]];
        }
        return total;
    }

    @Test
    void disjointWindowsEqualPerChunkLogSoftmax() {
        int[] ids = model.tokenizer().encode(STORY);
        int window = 16;
        assertThat(ids.length).isGreaterThan(4 * window);
        double nll = 0;
        long scored = 0;
        for (int b = 0; b < ids.length; b += window) {
            int[] chunk = Arrays.copyOfRange(ids, b, Math.min(b + window, ids.length));
            nll += sumNll(chunk);
            scored += chunk.length - 1;
        }
        PerplexityResult r = Perplexity.of(model, List.of(STORY), window, window);
        assertThat(r.tokens()).isEqualTo(scored).isEqualTo(ids.length - (ids.length + window - 1) / window);
        assertThat(r.meanNll()).isCloseTo(nll / scored, within(1e-9));
        assertThat(r.perplexity()).isCloseTo(Math.exp(nll / scored), within(1e-9 * r.perplexity()));
    }

    /**
     * Overlapping windows, computed here the way the transformers guide "Perplexity of fixed-length models" does:
     * windows start every {@code stride} tokens, each at most {@code maxLength} long, and a window scores only its
     * last {@code end - prevEnd} tokens (those the previous window did not), each from the logits one position
     * earlier in the same window.
     */
    @Test
    void overlappingWindowsEqualTheTransformersRecipe() {
        int[] ids = model.tokenizer().encode(STORY);
        int maxLength = 24;
        int stride = 10;
        double nll = 0;
        long scored = 0;
        int prevEnd = 0;
        for (int begin = 0; begin < ids.length; begin += stride) {
            int end = Math.min(begin + maxLength, ids.length);
            int[] window = Arrays.copyOfRange(ids, begin, end);
            float[][] logits = model.logits(window);
            for (int j = Math.max(1, window.length - (end - prevEnd)); j < window.length; j++) {
                double z = 0;
                for (float l : logits[j - 1]) {
                    z += Math.exp(l);
                }
                nll += Math.log(z) - logits[j - 1][window[j]];
                scored++;
            }
            prevEnd = end;
            if (end == ids.length) {
                break;
            }
        }
        PerplexityResult r = Perplexity.of(model, List.of(STORY), maxLength, stride);
        assertThat(scored).isEqualTo(ids.length - 1);
        assertThat(r.tokens()).isEqualTo(scored);
        assertThat(r.meanNll()).isCloseTo(nll / scored, within(1e-9));
    }

    @Test
    void oneWindowEqualsFullContext() {
        int[] ids = model.tokenizer().encode(STORY);
        double full = sumNll(ids) / (ids.length - 1);
        PerplexityResult r = Perplexity.of(model, List.of(STORY), ids.length, 7);
        assertThat(r.tokens()).isEqualTo(ids.length - 1);
        assertThat(r.meanNll()).isCloseTo(full, within(1e-9));
    }

    @Test
    void overlappingWindowsScoreEveryTokenOnceAndApproachFullContext() {
        int[] ids = model.tokenizer().encode(STORY);
        double full = Math.exp(sumNll(ids) / (ids.length - 1));
        PerplexityResult sliding = Perplexity.of(model, List.of(STORY), 64, 16);
        assertThat(sliding.tokens()).isEqualTo(ids.length - 1);
        // every scored token keeps at least 48 tokens of context (measured: 2.106 vs 2.144 with all 96)
        assertThat(sliding.perplexity()).isCloseTo(full, within(0.03 * full));
    }

    @Test
    void textsAreTokenWeighted() {
        int[] a = model.tokenizer().encode(STORY);
        int[] b = model.tokenizer().encode(SHORT_STORY);
        double nll = sumNll(a) + sumNll(b);
        long n = a.length - 1 + b.length - 1;
        PerplexityResult r = Perplexity.of(model, List.of(STORY, SHORT_STORY), 512, 256);
        assertThat(r.tokens()).isEqualTo(n);
        assertThat(r.meanNll()).isCloseTo(nll / n, within(1e-9));
        assertThat(Perplexity.ofTokens(model, List.of(a, b), 512, 256)).isEqualTo(r);
    }

    @Test
    void badInput() {
        List<String> texts = List.of(STORY);
        assertThatThrownBy(() -> Perplexity.of(model, texts, 32, 0)).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("stride must be in [1, maxLength = 32], found 0");
        assertThatThrownBy(() -> Perplexity.of(model, texts, 32, 33)).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("stride must be in [1, maxLength = 32], found 33");
        assertThatThrownBy(() -> Perplexity.of(model, texts, 513, 8)).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("maxLength must be in [2, 512] (the model's context length), found 513");
        assertThatThrownBy(() -> Perplexity.of(model, List.of(), 32, 8)).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("at least one text is required, found none");
        assertThatThrownBy(() -> Perplexity.of(model, List.of(STORY, ""), 32, 8)).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("text 1 has 1 tokens; at least 2 are needed");
        assertThatThrownBy(() -> Perplexity.of(null, texts, 32, 8)).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("model must not be null");
        assertThatThrownBy(() -> Perplexity.ofTokens(model, List.of(new int[] {1, 403, 100_000}), 32, 8))
                .hasMessageContaining("100000");
    }

    @Test
    void textsNeedATokenizer(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        for (String file : new String[] {"config.json", "model.safetensors"}) {
            java.nio.file.Files.createSymbolicLink(dir.resolve(file), DIR.resolve(file).toAbsolutePath());
        }
        try (io.llmops4j.core.LanguageModel bare = io.llmops4j.core.LanguageModel.load(dir)) {
            assertThatThrownBy(() -> Perplexity.of(bare, List.of(STORY), 32, 8))
                    .isInstanceOf(InvalidMetricInputException.class).hasMessageContaining("no tokenizer.json");
        }
    }
}
