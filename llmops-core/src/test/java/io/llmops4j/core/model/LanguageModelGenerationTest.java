package io.llmops4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmops4j.core.CancellationToken;
import io.llmops4j.core.FinishReason;
import io.llmops4j.core.GeneratedToken;
import io.llmops4j.core.Generation;
import io.llmops4j.core.GenerationConfig;
import io.llmops4j.core.InvalidRequestException;
import io.llmops4j.core.LanguageModel;
import io.llmops4j.core.testing.ReferenceModel;
import io.llmops4j.core.testing.TinyCheckpoint;
import io.llmops4j.core.testing.TinyCheckpoints;
import io.llmops4j.core.testing.TinyCheckpoints.Variant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation on a tiny random checkpoint (no tokenizer): greedy decoding, sampling, stopping, memory. */
class LanguageModelGenerationTest {
    @TempDir
    static Path tmp;
    static TinyCheckpoint ckpt;
    static LanguageModel lm;
    static final int[] PROMPT = {1, 17, 42, 5};

    @BeforeAll
    static void load() {
        ckpt = TinyCheckpoints.write(tmp.resolve("llama"), Variant.LLAMA_GQA_TIED, 5);
        lm = LanguageModel.load(ckpt.dir());
    }

    @AfterAll
    static void close() {
        lm.close();
    }

    private static GenerationConfig.Builder noEos() {
        return GenerationConfig.builder().stopTokenIds(Integer.MAX_VALUE);
    }

    @Test
    void greedyDecodingFollowsTheArgmaxOfTheReferenceModel() {
        Generation g = lm.generate(PROMPT, noEos().maxNewTokens(12).build());
        // independent check: re-run the double-precision reference on the growing sequence and take its argmax
        int[] seq = Arrays.copyOf(PROMPT, PROMPT.length);
        for (int i = 0; i < 12; i++) {
            double[][] logits = ReferenceModel.logits(ckpt, seq);
            double[] last = logits[logits.length - 1];
            int best = 0;
            for (int v = 1; v < last.length; v++) {
                if (last[v] > last[best]) {
                    best = v;
                }
            }
            assertThat(g.tokenIds()[i]).as("token %d", i).isEqualTo(best);
            seq = Arrays.copyOf(seq, seq.length + 1);
            seq[seq.length - 1] = best;
        }
        assertThat(g.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(g.promptTokens()).isEqualTo(PROMPT.length);
        assertThat(g.generatedTokens()).isEqualTo(12);
        assertThat(g.text()).isEmpty(); // no tokenizer
    }

    @Test
    void greedyIsDeterministicAndSeededSamplingIsReproducible() {
        GenerationConfig greedy = noEos().maxNewTokens(10).build();
        assertThat(lm.generate(PROMPT, greedy).tokenIds()).isEqualTo(lm.generate(PROMPT, greedy).tokenIds());
        GenerationConfig seeded = noEos().maxNewTokens(20).temperature(1.5).seed(99).build();
        assertThat(lm.generate(PROMPT, seeded).tokenIds()).isEqualTo(lm.generate(PROMPT, seeded).tokenIds());
        List<String> outputs = new ArrayList<>();
        for (long seed = 0; seed < 5; seed++) {
            outputs.add(Arrays.toString(lm.generate(PROMPT, noEos().maxNewTokens(20).temperature(1.5).seed(seed).build()).tokenIds()));
        }
        assertThat(outputs).as("different seeds give different samples").doesNotHaveDuplicates();
    }

    @Test
    void stopTokenEndsGenerationAndIsReported() {
        int[] free = lm.generate(PROMPT, noEos().maxNewTokens(8).build()).tokenIds();
        int stopAt = free[3];
        int firstIndex = 0;
        while (free[firstIndex] != stopAt) {
            firstIndex++;
        }
        Generation g = lm.generate(PROMPT, GenerationConfig.builder().maxNewTokens(8).stopTokenIds(stopAt).build());
        assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(g.tokenIds()).isEqualTo(Arrays.copyOf(free, firstIndex + 1));
    }

    @Test
    void checkpointEosIdsStopByDefault() {
        // LLAMA3_ROPE lists two EOS ids in generation_config.json
        TinyCheckpoint c = TinyCheckpoints.write(tmp.resolve("llama3"), Variant.LLAMA3_ROPE, 5);
        try (LanguageModel m = LanguageModel.load(c.dir())) {
            assertThat(m.eosTokenIds()).hasSize(2);
        }
    }

    @Test
    void logprobsAreLogProbabilitiesOfTheChosenTokens() {
        Generation g = lm.generate(PROMPT, noEos().maxNewTokens(3).logprobs(true).build());
        // greedy: logprob = log_softmax of the last reference logits at the chosen id
        double[] last = ReferenceModel.logits(ckpt, PROMPT)[PROMPT.length - 1];
        double max = Arrays.stream(last).max().orElseThrow();
        double logZ = max + Math.log(Arrays.stream(last).map(x -> Math.exp(x - max)).sum());
        assertThat((double) g.logprobs()[0]).isCloseTo(last[g.tokenIds()[0]] - logZ, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void streamingDeliversEveryTokenAndCanBeCancelled() {
        GenerationConfig cfg = noEos().maxNewTokens(10).build();
        Generation whole = lm.generate(PROMPT, cfg);
        List<GeneratedToken> seen = new ArrayList<>();
        Generation streamed = lm.stream(PROMPT, cfg, seen::add, null);
        assertThat(seen.stream().mapToInt(GeneratedToken::tokenId).toArray()).isEqualTo(whole.tokenIds());
        assertThat(streamed.tokenIds()).isEqualTo(whole.tokenIds());

        CancellationToken cancel = new CancellationToken();
        List<GeneratedToken> partial = new ArrayList<>();
        Generation cancelled = lm.stream(PROMPT, cfg, t -> {
            partial.add(t);
            if (partial.size() == 3) {
                cancel.cancel();
            }
        }, cancel);
        assertThat(cancelled.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(cancelled.tokenIds()).isEqualTo(Arrays.copyOf(whole.tokenIds(), 3));
    }

    @Test
    void aFewHundredGenerationsLeaveNoNativeArraysBehind() {
        assertGenerationsLeaveNoArrays(lm);
    }

    /** The same on the PyTorch step path, which GPUs and JVMs without the vector module use. */
    @Test
    void aFewHundredPyTorchPathGenerationsLeaveNoNativeArraysBehind() {
        try (LanguageModel plain = LanguageModel.builder().path(ckpt.dir()).fusedDecode(false).build()) {
            assertThat(plain.transformer().hasDecodeKernel()).isFalse();
            assertGenerationsLeaveNoArrays(plain);
        }
    }

    private static void assertGenerationsLeaveNoArrays(LanguageModel model) {
        int before = model.nativeArrayCount();
        GenerationConfig cfg = noEos().maxNewTokens(3).temperature(0.8).seed(1).build();
        for (int i = 0; i < 200; i++) {
            model.generate(PROMPT, cfg);
            if (i % 50 == 0) {
                model.logits(PROMPT);
            }
        }
        assertThat(model.nativeArrayCount()).isEqualTo(before);
    }

    @Test
    void requestsThatDoNotFitAreRejectedWithTheirNumbers() {
        int context = lm.config().contextLength();
        assertThatThrownBy(() -> lm.generate(PROMPT, noEos().maxNewTokens(context).build()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("exceeds the context length " + context)
                .hasMessageContaining("maxNewTokens must be at most " + (context - PROMPT.length));
        assertThatThrownBy(() -> lm.generate(new int[] {1, 500}, noEos().maxNewTokens(4).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("prompt[1] = 500");
        assertThatThrownBy(() -> lm.generate(new int[0], noEos().maxNewTokens(4).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("at least one token");
        assertThatThrownBy(() -> lm.logits(new int[] {-1}))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("tokenIds[0] = -1");
    }

    @Test
    void textMethodsExplainThatThereIsNoTokenizer() {
        assertThat(lm.hasTokenizer()).isFalse();
        assertThatThrownBy(() -> lm.generate("hello", noEos().maxNewTokens(4).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("no tokenizer.json");
        assertThatThrownBy(() -> lm.generate(PROMPT, noEos().maxNewTokens(4).stopSequences("x").build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("stopSequences need a tokenizer");
    }
}
