package io.llmops4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.llmops4j.core.GenerationConfig;
import io.llmops4j.core.LanguageModel;
import io.llmops4j.core.safetensors.SafetensorsCheckpoint;
import io.llmops4j.core.testing.ReferenceModel;
import io.llmops4j.core.testing.TinyCheckpoint;
import io.llmops4j.core.testing.TinyCheckpoints;
import io.llmops4j.core.testing.TinyCheckpoints.Variant;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fused CPU decode kernel ({@link DecodeKernel}) against {@link ReferenceModel}, the independent
 * double-precision forward pass: every variant, decoded one token at a time after a PyTorch prefill, must give the
 * reference logits at every position. The kernel shares the KV cache and the weight memory with the DJL blocks, so
 * the tests also mix the two paths and change weights in place.
 */
class DecodeKernelTest {
    static final int[] TOKENS = LanguageModelParityTest.TOKENS;

    @TempDir
    Path tmp;

    @BeforeAll
    static void kernelRunsHere() {
        assumeTrue(Runtime.version().feature() >= 22, "the kernel needs Java 22+");
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "needs jdk.incubator.vector");
    }

    /**
     * Dynamic RoPE is checked within its original context of 16 (beyond it, cached keys keep the rotation of the
     * step that wrote them, as in transformers, which no single full forward pass reproduces; see
     * {@link #dynamicRopeBeyondTheOriginalContextStepsLikePyTorch}).
     */
    @ParameterizedTest
    @EnumSource(Variant.class)
    void stepsMatchTheReferenceForwardPass(Variant variant) {
        TinyCheckpoint ckpt = TinyCheckpoints.write(tmp.resolve(variant.name()), variant, 7);
        int[] tokens = variant == Variant.LLAMA_ROPE_DYNAMIC ? Arrays.copyOf(TOKENS, 16) : TOKENS;
        assertStepsMatchReference(ckpt, tokens, 3);
    }

    @Test
    void dynamicRopeBeyondTheOriginalContextStepsLikePyTorch() {
        TinyCheckpoint ckpt = TinyCheckpoints.write(tmp.resolve("dynamic"), Variant.LLAMA_ROPE_DYNAMIC, 7);
        try (LanguageModel fused = kernelModel(ckpt.dir());
             LanguageModel plain = LanguageModel.builder().path(ckpt.dir()).fusedDecode(false).build();
             NDManager mgr = NDManager.newBaseManager("PyTorch");
             KvCache a = fused.transformer().newCache(mgr, TOKENS.length);
             KvCache b = plain.transformer().newCache(mgr, TOKENS.length)) {
            for (int pos = 0; pos < TOKENS.length; pos++) {
                int[] token = {TOKENS[pos]};
                float[] expected = plain.transformer().nextLogits(token, pos, b);
                assertThat(maxAbsDiff(fused.transformer().nextLogits(token, pos, a), expected))
                        .as("position %d", pos).isLessThanOrEqualTo(1e-5);
            }
        }
    }

    /**
     * A prompt beyond the original context and longer than one pass, of the kernel ({@link DecodeKernel#MAX_POSITIONS})
     * or of PyTorch ({@link Transformer#TORCH_PASS}): transformers computes the dynamic base once for the whole
     * forward pass (from its full length), so every pass must use that base, not the length reached by the pass
     * itself. The tiny checkpoint's factor is raised to 50 (800 positions).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void dynamicRopePromptInSeveralPassesUsesTheWholePromptsBase(boolean onKernel) throws java.io.IOException {
        TinyCheckpoint written = TinyCheckpoints.write(tmp.resolve("dynamic-long-" + onKernel),
                Variant.LLAMA_ROPE_DYNAMIC, 61);
        java.util.Map<String, Object> config = new java.util.LinkedHashMap<>(written.config());
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> scaling = new java.util.LinkedHashMap<>(
                (java.util.Map<String, Object>) config.get("rope_scaling"));
        scaling.put("factor", 50.0);
        config.put("rope_scaling", scaling);
        new com.fasterxml.jackson.databind.ObjectMapper().writeValue(written.dir().resolve("config.json").toFile(),
                config);
        TinyCheckpoint ckpt = new TinyCheckpoint(written.dir(), written.architecture(), config, written.weights(),
                written.shapes());
        int length = onKernel ? DecodeKernel.MAX_POSITIONS + 72 : Transformer.TORCH_PASS + 88;
        int[] tokens = new Random(67).ints(length, 3, 96).toArray();
        double[] expected = ReferenceModel.logits(ckpt, tokens)[length - 1];
        try (LanguageModel lm = onKernel ? kernelModel(ckpt.dir())
                : LanguageModel.builder().path(ckpt.dir()).fusedDecode(false).build();
             NDManager mgr = NDManager.newBaseManager("PyTorch");
             KvCache cache = lm.transformer().newCache(mgr, length)) {
            assertThat(lm.transformer().runsOnKernel(length)).isEqualTo(onKernel);
            float[] logits = lm.transformer().nextLogits(tokens, 0, cache);
            assertThat(maxAbsDiff(logits, expected)).isLessThanOrEqualTo(1e-4);
            float[] all = lm.logits(tokens)[length - 1];
            assertThat(maxAbsDiff(all, expected)).as("logits()").isLessThanOrEqualTo(1e-4);
        }
    }

    /**
     * Qwen2 with {@code use_sliding_window}: only some layers are windowed (window 4), chosen by
     * {@code max_window_layers} or by {@code layer_types}. PyTorch's full pass, the kernel's multi-position pass
     * and its single steps must all give the reference's logits, which the window visibly changes.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"max_window_layers", "layer_types"})
    void qwen2WindowsOnlyTheLayersItsConfigNames(String selector) throws java.io.IOException {
        TinyCheckpoint written = TinyCheckpoints.write(tmp.resolve(selector), Variant.QWEN2, 71);
        int[] tokens = new Random(73).ints(24, 3, 96).toArray();
        double[][] unwindowed = ReferenceModel.logits(written, tokens);
        java.util.Map<String, Object> config = new java.util.LinkedHashMap<>(written.config());
        config.put("use_sliding_window", true);
        if (selector.equals("max_window_layers")) {
            config.put("max_window_layers", 1); // layer 1 of 2 is windowed
        } else {
            config.remove("max_window_layers");
            config.put("layer_types", java.util.List.of("sliding_attention", "full_attention"));
        }
        new com.fasterxml.jackson.databind.ObjectMapper().writeValue(written.dir().resolve("config.json").toFile(),
                config);
        TinyCheckpoint ckpt = new TinyCheckpoint(written.dir(), written.architecture(), config, written.weights(),
                written.shapes());
        double[][] expected = ReferenceModel.logits(ckpt, tokens);
        assertThat(maxAbsDiff(toFloat(expected[tokens.length - 1]), unwindowed[tokens.length - 1]))
                .as("the window changes the logits").isGreaterThan(1e-3);
        try (LanguageModel lm = kernelModel(ckpt.dir())) {
            assertThat(LanguageModelParityTest.maxAbsDiff(lm.logits(tokens), expected)).isLessThanOrEqualTo(1e-4);
        }
        assertStepsMatchReference(ckpt, tokens, 9);
    }

    private static float[] toFloat(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /**
     * Several positions per kernel pass (a prompt): the sequence goes through in chunks of 1 to 30 tokens, longer
     * than Mistral's window of 6 and crossing it, the last one past 32 positions (attention split by position and
     * head there, in one part per thread below), and the last position of each chunk must give the reference
     * logits.
     */
    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"LLAMA", "LLAMA_GQA_TIED", "MISTRAL", "QWEN2", "QWEN3", "GPT2", "LLAMA3_ROPE"})
    void chunksOfPositionsMatchTheReference(Variant variant) {
        TinyCheckpoint ckpt = TinyCheckpoints.write(tmp.resolve(variant.name()), variant, 41);
        int[] tokens = new Random(43).ints(64, 3, 96).toArray(); // GPT-2 has 64 positions
        double[][] expected = ReferenceModel.logits(ckpt, tokens);
        try (LanguageModel lm = kernelModel(ckpt.dir());
             NDManager mgr = NDManager.newBaseManager("PyTorch")) {
            Transformer t = lm.transformer();
            try (KvCache cache = t.newCache(mgr, tokens.length)) {
                int start = 0;
                for (int size : new int[] {7, 1, 16, 3, 2, 5, 30}) {
                    int end = Math.min(tokens.length, start + size);
                    float[] logits = t.nextLogits(Arrays.copyOfRange(tokens, start, end), start, cache);
                    assertThat(maxAbsDiff(logits, expected[end - 1])).as("chunk ending at %d", end)
                            .isLessThanOrEqualTo(1e-4);
                    start = end;
                }
                assertThat(start).isEqualTo(tokens.length);
            }
        }
    }

    /**
     * A prompt longer than one kernel pass ({@link DecodeKernel#MAX_POSITIONS}) runs as several passes on one cache:
     * the logits after it, and after single steps that follow, are the reference's.
     */
    @Test
    void promptsLongerThanOnePassRunInSeveralPasses() {
        TinyCheckpoint ckpt = TinyCheckpoints.write(tmp.resolve("long"), Variant.LLAMA3_ROPE, 53); // 1024 positions
        int length = 2 * DecodeKernel.MAX_POSITIONS + 45;
        int[] tokens = new Random(59).ints(length + 3, 3, 96).toArray();
        double[][] expected = ReferenceModel.logits(ckpt, tokens);
        try (LanguageModel lm = kernelModel(ckpt.dir());
             NDManager mgr = NDManager.newBaseManager("PyTorch")) {
            Transformer t = lm.transformer();
            assertThat(t.hasDecodeKernel()).isTrue();
            try (KvCache cache = t.newCache(mgr, tokens.length)) {
                float[] logits = t.nextLogits(Arrays.copyOf(tokens, length), 0, cache);
                assertThat(cache.length()).isEqualTo(length);
                assertThat(maxAbsDiff(logits, expected[length - 1])).isLessThanOrEqualTo(1e-4);
                for (int pos = length; pos < tokens.length; pos++) {
                    t.nextLogits(new int[] {tokens[pos]}, pos, cache, logits);
                    assertThat(maxAbsDiff(logits, expected[pos])).as("position %d", pos).isLessThanOrEqualTo(1e-4);
                }
            }
        }
    }

    /**
     * Past 32 positions the kernel shares attention out by head (below, in one part per thread); Mistral's window
     * is 6.
     */
    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"LLAMA_GQA_TIED", "MISTRAL", "QWEN2", "QWEN3"})
    void longSequencesMatchTheReference(Variant variant) {
        TinyCheckpoint ckpt = TinyCheckpoints.write(tmp.resolve(variant.name()), variant, 13);
        int[] tokens = new Random(5).ints(110, 3, 96).toArray(); // ids within the tiny vocabulary of 96
        assertStepsMatchReference(ckpt, tokens, 1);
    }

    /**
     * An inference pass on PyTorch frees each layer's temporaries when the layer is done: counted inside the pass's
     * scope, far fewer arrays are alive after it than when they live until the scope closes, and none after.
     */
    @Test
    void inferencePassesFreeEachLayersTemporaries() {
        TinyCheckpoint ckpt = TinyCheckpoints.write(tmp.resolve("free"), Variant.LLAMA, 83);
        int[] tokens = new Random(89).ints(40, 3, 96).toArray();
        try (LanguageModel lm = LanguageModel.builder().path(ckpt.dir()).fusedDecode(false).build();
             NDManager mgr = NDManager.newBaseManager("PyTorch")) {
            Transformer t = lm.transformer();
            int before = lm.nativeArrayCount();
            int[] alive = new int[2];
            for (boolean free : new boolean[] {true, false}) {
                try (KvCache cache = t.newCache(mgr, tokens.length);
                     ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
                    scope.suppressNotUsedWarning();
                    t.forward(tokens, 0, cache, true, tokens.length, free, true);
                    alive[free ? 0 : 1] = lm.nativeArrayCount() - before;
                }
                assertThat(lm.nativeArrayCount()).as("after the scope").isEqualTo(before);
            }
            int layers = ckpt.config().get("num_hidden_layers") instanceof Number n ? n.intValue() : 0;
            assertThat(layers).isGreaterThanOrEqualTo(2);
            // each layer leaves a dozen or more temporaries behind when they are kept
            assertThat(alive[0]).as("freed per layer").isLessThan(alive[1] - 5 * layers);
        }
    }

    /** The model with every prompt on the kernel, whatever this CPU's default ({@link PromptPath}). */
    private static LanguageModel kernelModel(Path dir) {
        return LanguageModel.builder().path(dir).fusedPromptLimit(Integer.MAX_VALUE).build();
    }

    /**
     * With a prompt limit, longer prompts run as one PyTorch pass on the cache the kernel then extends step by step,
     * and the logits after the prompt and after each step are the reference's.
     */
    @Test
    void promptsBeyondTheLimitRunOnPyTorchAndTheKernelContinues() {
        TinyCheckpoint ckpt = TinyCheckpoints.write(tmp.resolve("limit"), Variant.LLAMA_GQA_TIED, 61);
        int[] tokens = new Random(71).ints(16, 3, 96).toArray();
        double[][] expected = ReferenceModel.logits(ckpt, tokens);
        try (LanguageModel lm = LanguageModel.builder().path(ckpt.dir()).fusedPromptLimit(4).build();
             NDManager mgr = NDManager.newBaseManager("PyTorch")) {
            Transformer t = lm.transformer();
            assertThat(t.runsOnKernel(1)).isTrue();
            assertThat(t.runsOnKernel(4)).isTrue();
            assertThat(t.runsOnKernel(5)).isFalse();
            try (LanguageModel plain = LanguageModel.builder().path(ckpt.dir()).fusedDecode(false).build();
                 KvCache cache = t.newCache(mgr, tokens.length);
                 KvCache torchCache = plain.transformer().newCache(mgr, tokens.length)) {
                float[] logits = t.nextLogits(Arrays.copyOf(tokens, 10), 0, cache);
                assertThat(maxAbsDiff(logits, expected[9])).isLessThanOrEqualTo(1e-4);
                // the prompt ran on PyTorch: the very logits of a PyTorch-only model (the kernel's differ in the
                // last bits)
                assertThat(logits).isEqualTo(plain.transformer().nextLogits(Arrays.copyOf(tokens, 10), 0, torchCache));
                t.nextLogits(Arrays.copyOfRange(tokens, 10, 13), 10, cache, logits); // 3 positions: the kernel
                assertThat(maxAbsDiff(logits, expected[12])).isLessThanOrEqualTo(1e-4);
                for (int pos = 13; pos < tokens.length; pos++) {
                    t.nextLogits(new int[] {tokens[pos]}, pos, cache, logits);
                    assertThat(maxAbsDiff(logits, expected[pos])).as("position %d", pos).isLessThanOrEqualTo(1e-4);
                }
            }
        }
        try (LanguageModel plain = LanguageModel.builder().path(ckpt.dir()).fusedDecode(false).build()) {
            assertThat(plain.transformer().runsOnKernel(1)).isFalse();
        }
        assertThatThrownBy(() -> LanguageModel.builder().fusedPromptLimit(0))
                .isInstanceOf(io.llmops4j.core.InvalidRequestException.class)
                .hasMessage("fusedPromptLimit must be >= 1, was 0");
    }

    private static void assertStepsMatchReference(TinyCheckpoint ckpt, int[] tokens, int prefill) {
        double[][] expected = ReferenceModel.logits(ckpt, tokens);
        try (LanguageModel lm = LanguageModel.builder().path(ckpt.dir()).device("cpu").threads(2).fusedPromptLimit(Integer.MAX_VALUE).build()) {
            Transformer t = lm.transformer();
            assertThat(t.hasDecodeKernel()).isTrue();
            try (NDManager mgr = NDManager.newBaseManager("PyTorch");
                 KvCache cache = t.newCache(mgr, tokens.length)) {
                float[] logits = t.nextLogits(Arrays.copyOf(tokens, prefill), 0, cache);
                assertThat(maxAbsDiff(logits, expected[prefill - 1])).isLessThanOrEqualTo(1e-4);
                for (int pos = prefill; pos < tokens.length; pos++) {
                    logits = t.nextLogits(new int[] {tokens[pos]}, pos, cache);
                    assertThat(maxAbsDiff(logits, expected[pos])).as("position %d", pos).isLessThanOrEqualTo(1e-4);
                }
                assertThat(cache.length()).isEqualTo(tokens.length);
            }
        }
    }

    /**
     * Keys and values the kernel writes are the ones PyTorch reads: a multi-token PyTorch forward pass continuing
     * a cache the kernel filled gives the reference logits, and so does the kernel continuing a PyTorch-filled one.
     */
    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"LLAMA_GQA_TIED", "QWEN3", "GPT2"})
    void kernelAndPyTorchStepsShareTheCache(Variant variant) {
        TinyCheckpoint ckpt = TinyCheckpoints.write(tmp.resolve(variant.name()), variant, 17);
        double[][] expected = ReferenceModel.logits(ckpt, TOKENS);
        try (LanguageModel lm = kernelModel(ckpt.dir())) {
            Transformer t = lm.transformer();
            try (NDManager mgr = NDManager.newBaseManager("PyTorch");
                 KvCache cache = t.newCache(mgr, TOKENS.length)) {
                pyTorch(t, mgr, Arrays.copyOf(TOKENS, 4), 0, cache);
                for (int pos = 4; pos < 10; pos++) {
                    t.nextLogits(new int[] {TOKENS[pos]}, pos, cache); // kernel
                }
                float[] logits = pyTorch(t, mgr, Arrays.copyOfRange(TOKENS, 10, 13), 10, cache);
                assertThat(maxAbsDiff(logits, expected[12])).isLessThanOrEqualTo(1e-4);
                logits = t.nextLogits(new int[] {TOKENS[13]}, 13, cache); // kernel reads PyTorch's keys
                assertThat(maxAbsDiff(logits, expected[13])).isLessThanOrEqualTo(1e-4);
            }
        }
    }

    private static float[] pyTorch(Transformer t, NDManager mgr, int[] tokens, int start, KvCache cache) {
        long[] ids = Arrays.stream(tokens).asLongStream().toArray();
        try (NDManager step = mgr.newSubManager()) {
            ai.djl.ndarray.NDArray logits = t.forward(step.create(ids, new ai.djl.ndarray.types.Shape(1, ids.length)),
                    start, cache, true);
            return logits.get(0, 0).toFloatArray();
        }
    }

    /**
     * The kernel reads the weight tensors in place: a change made through a parameter reaches its next step, and
     * the model holds no more native arrays than without the kernel (GPT-2's Conv1D weights, transposed at load, must
     * be contiguous for that).
     */
    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"LLAMA", "QWEN3", "GPT2"})
    void inPlaceWeightChangesReachTheKernel(Variant variant) {
        TinyCheckpoint ckpt = TinyCheckpoints.write(tmp.resolve(variant.name()), variant, 19);
        java.util.Map<String, float[]> scaled = new java.util.LinkedHashMap<>(ckpt.weights());
        java.util.function.Predicate<String> changed = name -> name.contains(".v_proj.") || name.contains(".down_proj.")
                || name.contains(".q_norm.") || name.equals("lm_head.weight") || name.contains(".c_fc.") || name.contains(".attn.c_proj.");
        try (LanguageModel lm = kernelModel(ckpt.dir());
             LanguageModel plain = LanguageModel.builder().path(ckpt.dir()).fusedDecode(false).build();
             NDManager mgr = NDManager.newBaseManager("PyTorch")) {
            assertThat(lm.transformer().hasDecodeKernel()).isTrue();
            assertThat(lm.nativeArrayCount()).as("no hidden copies").isEqualTo(plain.nativeArrayCount());
            lm.transformer().parametersByName().forEach((name, p) -> {
                if (changed.test(name)) {
                    p.getArray().muli(2f);
                    String stored = scaled.containsKey(name) ? name : name.substring("transformer.".length());
                    float[] w = scaled.get(stored).clone();
                    for (int i = 0; i < w.length; i++) {
                        w[i] *= 2f;
                    }
                    scaled.put(stored, w);
                }
            });
            double[][] expected = ReferenceModel.logits(
                    new TinyCheckpoint(ckpt.dir(), ckpt.architecture(), ckpt.config(), scaled, ckpt.shapes()), TOKENS);
            Transformer t = lm.transformer();
            try (KvCache cache = t.newCache(mgr, TOKENS.length)) {
                t.nextLogits(new int[] {TOKENS[0]}, 0, cache);
                float[] logits = t.nextLogits(new int[] {TOKENS[1]}, 1, cache);
                assertThat(maxAbsDiff(logits, expected[1])).isLessThanOrEqualTo(1e-4);
            }
        }
    }

    /**
     * The tiny checkpoints are too narrow for most vector loops (hidden 32, head_dim 8), so this model's widths are
     * chosen to run every vector loop and its scalar tail at 8 lanes per register (the kernel's 256-bit vectors):
     * hidden 172 (five 4-register passes, one single register, 4 scalar lanes; the prompt blocks, on the widest
     * vectors, leave a scalar tail at 8 or 16 lanes too), head_dim 86 with GQA 2:1. MLP 201
     * and vocabulary 405 split into stretches of unequal length, so products walk rows both four at a time and one
     * at a time. The Qwen2 variant (q/k/v biases, hidden 174 over 3 heads) has 290 q/k/v rows, so rows with a bias
     * are left over too. Kernel passes must give the logits of PyTorch's full forward pass, the path the reference
     * tests pin down.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void wideModelStepsMatchPyTorch(boolean qwen2) throws java.io.IOException {
        int vocab = 405;
        Path dir = qwen2 ? llama(tmp.resolve("wide-qwen2"), 174, 3, 1, 201, vocab, true)
                : llama(tmp.resolve("wide"), 172, 2, 1, 201, vocab, false);
        int[] tokens = new Random(37).ints(80, 0, vocab).toArray();
        try (LanguageModel lm = LanguageModel.builder().path(dir).threads(2).fusedPromptLimit(Integer.MAX_VALUE).build();
             NDManager mgr = NDManager.newBaseManager("PyTorch")) {
            assertKernelPassesGive(lm, lm.logits(tokens), tokens, mgr);
        }
    }

    /**
     * Mistral's window (5) over widths the tiny checkpoints miss: head_dim 86 with two kv heads (the attention
     * output's four-register, one-register and scalar loops at a window's offset and a second kv head's), and
     * hidden 12 / head_dim 6 / MLP 10 (every loop narrower than one vector: prompt blocks and attention on scalar
     * tails alone). A 7-position prompt, 3 more, then steps past 32 positions must give PyTorch's logits.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"344, 4, 2, 201", "12, 2, 1, 10"})
    void windowedOddWidthsMatchPyTorch(int hidden, int heads, int kvHeads, int mlp) throws java.io.IOException {
        int vocab = 97;
        Path dir = llama(tmp.resolve("w" + hidden), hidden, heads, kvHeads, mlp, vocab, false);
        Path config = dir.resolve("config.json");
        java.nio.file.Files.writeString(config, java.nio.file.Files.readString(config)
                .replace("LlamaForCausalLM", "MistralForCausalLM").replace("{", "{\"sliding_window\": 5, "));
        int[] tokens = new Random(41).ints(40, 0, vocab).toArray();
        try (LanguageModel plain = LanguageModel.builder().path(dir).fusedDecode(false).build();
             LanguageModel lm = LanguageModel.builder().path(dir).threads(2).fusedPromptLimit(Integer.MAX_VALUE)
                     .build();
             NDManager mgr = NDManager.newBaseManager("PyTorch")) {
            assertThat(plain.config().slidingWindow(0)).isEqualTo(5);
            assertKernelPassesGive(lm, plain.logits(tokens), tokens, mgr);
        }
    }

    /**
     * {@code lm}'s kernel, fed {@code tokens} as a pass of 7 positions (four at a time, then three one by one, per
     * four rows), a pass of 3, then single steps, gives the logits {@code full} after each, within 1e-4.
     */
    private static void assertKernelPassesGive(LanguageModel lm, float[][] full, int[] tokens, NDManager mgr) {
        Transformer t = lm.transformer();
        assertThat(t.hasDecodeKernel()).isTrue();
        try (KvCache cache = t.newCache(mgr, tokens.length)) {
            float[] logits = new float[full[0].length]; // one array for every pass, as generation uses it
            t.nextLogits(Arrays.copyOf(tokens, 7), 0, cache, logits);
            assertThat(maxAbsDiff(logits, full[6])).as("after 7 positions").isLessThanOrEqualTo(1e-4);
            t.nextLogits(Arrays.copyOfRange(tokens, 7, 10), 7, cache, logits);
            assertThat(maxAbsDiff(logits, full[9])).as("after 3 more").isLessThanOrEqualTo(1e-4);
            for (int pos = 10; pos < tokens.length; pos++) {
                t.nextLogits(new int[] {tokens[pos]}, pos, cache, logits);
                assertThat(maxAbsDiff(logits, full[pos])).as("position %d", pos).isLessThanOrEqualTo(1e-4);
            }
        }
    }

    /**
     * Float32 weights load into the {@link WeightMemory}, which is on transparent huge pages from its first write.
     * Checked with Linux's own count, {@code AnonHugePages} in {@code /proc/self/smaps_rollup}: loading a model with
     * two 16 MiB matrices (embedding and head), without the kernel, must have added at least those 32 MiB by the time
     * it is loaded. Runs where huge pages are given only on request ({@code madvise}, the common default).
     */
    @Test
    void weightsLoadOntoHugePages() throws java.io.IOException {
        assumeHugePagesOnRequest();
        Path dir = llama(tmp.resolve("wide"), 512, 8, 8, 1024, 8192, false);
        long before = anonHugePages();
        try (LanguageModel plain = LanguageModel.builder().path(dir).fusedDecode(false).build()) {
            assertThat(plain.transformer().hasDecodeKernel()).isFalse();
            assertThat(anonHugePages() - before).as("growth on loading").isGreaterThanOrEqualTo(32L << 20);
        }
    }

    /**
     * Weights outside the {@link WeightMemory} (a tensor over 2 GiB, or where no memory could be mapped) stay in
     * PyTorch's allocations on small pages, and the kernel moves those it streams onto huge pages (see the kernel's
     * HugePages): loaded that way, the model above must add no huge pages without the kernel, and with the kernel at
     * least the 14 whole 2 MiB pages inside its two 16 MiB matrices within seconds (the pages move on a background
     * thread). Needs Linux 6.1+ for {@code MADV_COLLAPSE}.
     */
    @Test
    void theKernelMovesWeightsOutsideTheWeightMemoryOntoHugePages() throws java.io.IOException,
            InterruptedException {
        assumeHugePagesOnRequest();
        String[] version = System.getProperty("os.version").split("[.-]");
        assumeTrue(Integer.parseInt(version[0]) * 1000 + Integer.parseInt(version[1]) >= 6001, "needs Linux 6.1+");
        Path dir = llama(tmp.resolve("wide"), 512, 8, 8, 1024, 8192, false);
        long mib = 1 << 20;
        for (boolean fused : new boolean[] {false, true}) {
            long before = anonHugePages();
            try (NDManager manager = NDManager.newBaseManager("PyTorch");
                 SafetensorsCheckpoint st = SafetensorsCheckpoint.open(dir);
                 Transformer t = new Transformer(ModelConfig.read(dir))) {
                WeightLoader.load(t, st, manager, DataType.FLOAT32, WeightLoader.PIECE_BYTES, false);
                t.prepare(2, fused, Integer.MAX_VALUE);
                assertThat(t.hasDecodeKernel()).isEqualTo(fused);
                if (!fused) {
                    assertThat(anonHugePages() - before).as("growth without the kernel").isLessThan(2 * mib);
                    continue;
                }
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (anonHugePages() - before < 28 * mib && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(anonHugePages() - before).as("growth with the kernel").isGreaterThanOrEqualTo(28 * mib);
            }
        }
    }

    private static void assumeHugePagesOnRequest() throws java.io.IOException {
        java.nio.file.Path thp = java.nio.file.Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        assumeTrue(java.nio.file.Files.isReadable(thp)
                && java.nio.file.Files.readString(thp).contains("[madvise]"), "needs huge pages on request");
    }

    /** Bytes of this process's anonymous memory on transparent huge pages, as Linux counts them. */
    private static long anonHugePages() throws java.io.IOException {
        return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/smaps_rollup")).stream()
                .filter(line -> line.startsWith("AnonHugePages:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")) * 1024).sum();
    }

    /**
     * Decoding into the caller's logits array allocates nothing per step once compiled, on the calling thread or on
     * the gang's worker: a fresh heap page costs a page fault (see the kernel's Activations), and about 8 KB of small
     * objects per step (a loop record and a lambda per parallel loop) made decoding 1.4% slower on a young heap
     * (docs/BENCHMARKS.md). Measured over 200 steps of a model with 32 KB of logits and 4 KB of activations per step.
     */
    @Test
    void stepsAllocateNothing() throws java.io.IOException {
        int vocab = 8192;
        Path dir = llama(tmp.resolve("allocation"), 128, 4, 2, 256, vocab, false);
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (LanguageModel lm = LanguageModel.builder().path(dir).threads(2).fusedPromptLimit(Integer.MAX_VALUE).build();
             NDManager mgr = NDManager.newBaseManager("PyTorch");
             KvCache cache = lm.transformer().newCache(mgr, 256)) {
            Transformer t = lm.transformer();
            assertThat(t.hasDecodeKernel()).isTrue();
            float[] logits = new float[vocab];
            int[] step = new int[1];
            t.nextLogits(step, 0, cache, logits); // starts the gang's worker
            long[] ids = Thread.getAllStackTraces().keySet().stream()
                    .filter(th -> th == Thread.currentThread() || th.getName().startsWith("llmops-decode-"))
                    .mapToLong(Thread::threadId).toArray();
            assertThat(ids).as("the caller and one worker").hasSize(2);
            long perStep = Long.MAX_VALUE;
            // until the JIT has compiled the kernel, the Vector API allocates its vectors: rounds of 200 steps
            // from position 0 until one allocates nothing, or the rounds run out
            for (int round = 0; round < 40 && perStep > 0; round++) {
                cache.truncate(0);
                long[] before = threads.getThreadAllocatedBytes(ids);
                for (int pos = 0; pos < 200; pos++) {
                    step[0] = (round * 7 + pos) % 500 + 3;
                    t.nextLogits(step, pos, cache, logits);
                }
                long[] after = threads.getThreadAllocatedBytes(ids);
                perStep = Math.min(perStep, (after[0] - before[0] + after[1] - before[1]) / 200);
            }
            assertThat(perStep).as("bytes allocated per step").isZero();
        }
    }

    /**
     * A random-weight two-layer Llama (SiLU, RoPE, untied head) of the given widths, written to {@code dir}; with
     * {@code qkvBias} a Qwen2 (q/k/v biases).
     */
    private static Path llama(Path dir, int hidden, int heads, int kvHeads, int mlp, int vocab, boolean qkvBias)
            throws java.io.IOException {
        int headDim = hidden / heads;
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["%s"], "hidden_size": %d, "intermediate_size": %d,
                 "num_hidden_layers": 2, "num_attention_heads": %d, "num_key_value_heads": %d, "vocab_size": %d,
                 "max_position_embeddings": 256, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "hidden_act": "silu",
                 "tie_word_embeddings": false}""".formatted(qkvBias ? "Qwen2ForCausalLM" : "LlamaForCausalLM", hidden,
                mlp, heads, kvHeads, vocab));
        Random rnd = new Random(31);
        io.llmops4j.core.safetensors.SafetensorsWriter w = new io.llmops4j.core.safetensors.SafetensorsWriter();
        java.util.function.BiConsumer<String, long[]> gaussian = (name, shape) -> {
            float[] v = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((name.contains("norm") ? 1 : 0) + 0.08 * rnd.nextGaussian());
            }
            w.add(name, io.llmops4j.core.safetensors.DType.F32, shape, v);
        };
        gaussian.accept("model.embed_tokens.weight", new long[] {vocab, hidden});
        for (int l = 0; l < 2; l++) {
            String p = "model.layers." + l + ".";
            gaussian.accept(p + "input_layernorm.weight", new long[] {hidden});
            gaussian.accept(p + "self_attn.q_proj.weight", new long[] {hidden, hidden});
            gaussian.accept(p + "self_attn.k_proj.weight", new long[] {(long) kvHeads * headDim, hidden});
            gaussian.accept(p + "self_attn.v_proj.weight", new long[] {(long) kvHeads * headDim, hidden});
            if (qkvBias) {
                gaussian.accept(p + "self_attn.q_proj.bias", new long[] {hidden});
                gaussian.accept(p + "self_attn.k_proj.bias", new long[] {(long) kvHeads * headDim});
                gaussian.accept(p + "self_attn.v_proj.bias", new long[] {(long) kvHeads * headDim});
            }
            gaussian.accept(p + "self_attn.o_proj.weight", new long[] {hidden, hidden});
            gaussian.accept(p + "post_attention_layernorm.weight", new long[] {hidden});
            gaussian.accept(p + "mlp.gate_proj.weight", new long[] {mlp, hidden});
            gaussian.accept(p + "mlp.up_proj.weight", new long[] {mlp, hidden});
            gaussian.accept(p + "mlp.down_proj.weight", new long[] {hidden, mlp});
        }
        gaussian.accept("model.norm.weight", new long[] {hidden});
        gaussian.accept("lm_head.weight", new long[] {vocab, hidden});
        w.write(dir.resolve("model.safetensors"));
        return dir;
    }

    /** The same greedy generation with the kernel and with PyTorch alone. */
    @Test
    void generationIsTheSameWithAndWithoutTheKernel() {
        TinyCheckpoint ckpt = TinyCheckpoints.write(tmp.resolve("qwen"), Variant.QWEN2, 23);
        GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(40).build();
        int[] prompt = {1, 17, 42, 5};
        try (LanguageModel fused = kernelModel(ckpt.dir());
             LanguageModel plain = LanguageModel.builder().path(ckpt.dir()).fusedDecode(false).build()) {
            assertThat(fused.transformer().hasDecodeKernel()).isTrue();
            assertThat(plain.transformer().hasDecodeKernel()).isFalse();
            assertThat(fused.generate(prompt, cfg).tokenIds()).containsExactly(plain.generate(prompt, cfg).tokenIds());
        }
    }

    /** A load that fails after the kernel started (here: a broken tokenizer.json) stops the kernel's threads. */
    @Test
    void aFailedLoadLeavesNoKernelThreads() throws Exception {
        TinyCheckpoint ckpt = TinyCheckpoints.write(tmp.resolve("broken"), Variant.LLAMA, 47);
        java.nio.file.Files.writeString(ckpt.dir().resolve("tokenizer.json"), "{ not json");
        long before = kernelThreads();
        assertThatThrownBy(() -> LanguageModel.builder().path(ckpt.dir()).threads(2).build())
                .hasMessageContaining("tokenizer.json");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (kernelThreads() > before && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(kernelThreads()).isLessThanOrEqualTo(before);
    }

    private static long kernelThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(th -> th.getName().startsWith("llmops-decode-"))
                .count();
    }

    @Test
    void aStepOutOfOrderOrWithAWrongLogitsArrayIsRefused() {
        TinyCheckpoint ckpt = TinyCheckpoints.write(tmp.resolve("llama"), Variant.LLAMA, 29);
        try (LanguageModel lm = kernelModel(ckpt.dir())) {
            Transformer t = lm.transformer();
            try (NDManager mgr = NDManager.newBaseManager("PyTorch");
                 KvCache cache = t.newCache(mgr, 4)) {
                t.nextLogits(new int[] {5}, 0, cache);
                assertThatThrownBy(() -> t.nextLogits(new int[] {6}, 2, cache))
                        .hasMessageContaining("the cache holds 1 positions, the step is at 2");
                assertThatThrownBy(() -> t.nextLogits(new int[] {6}, 1, cache, new float[3]))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("one entry per vocabulary entry, " + lm.config().vocabSize())
                        .hasMessageContaining("found 3");
                assertThat(cache.length()).as("a refused step leaves the cache").isEqualTo(1);
                t.nextLogits(new int[] {6}, 1, cache);
                t.nextLogits(new int[] {7}, 2, cache);
                t.nextLogits(new int[] {8}, 3, cache);
                assertThatThrownBy(() -> t.nextLogits(new int[] {9}, 4, cache))
                        .hasMessageContaining("exceeds the cache capacity 4");
            }
        }
    }

    private static double maxAbsDiff(float[] actual, float[] expected) {
        return LanguageModelParityTest.maxAbsDiff(actual, expected);
    }

    private static double maxAbsDiff(float[] actual, double[] expected) {
        double max = 0;
        for (int j = 0; j < expected.length; j++) {
            max = Math.max(max, Math.abs(actual[j] - expected[j]));
        }
        return max;
    }
}
