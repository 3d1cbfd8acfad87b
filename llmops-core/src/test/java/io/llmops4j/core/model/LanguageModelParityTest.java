package io.llmops4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.llmops4j.core.LanguageModel;
import io.llmops4j.core.testing.ReferenceModel;
import io.llmops4j.core.testing.TinyCheckpoint;
import io.llmops4j.core.testing.TinyCheckpoints;
import io.llmops4j.core.testing.TinyCheckpoints.Variant;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Logits of the DJL runtime against {@link ReferenceModel}, an independent double-precision forward pass
 * written from transformers' modeling code that shares no code with the runtime.
 */
class LanguageModelParityTest {
    /** Longer than Mistral's window (6) and the dynamic-RoPE variant's context (16). */
    static final int[] TOKENS = {1, 17, 42, 5, 88, 63, 9, 31, 77, 2, 54, 12, 90, 33, 8, 71, 26, 49, 60, 3};

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Variant.class)
    void logitsMatchTheReferenceForwardPass(Variant variant) {
        TinyCheckpoint ckpt = TinyCheckpoints.write(tmp.resolve(variant.name()), variant, 7);
        double[][] expected = ReferenceModel.logits(ckpt, TOKENS);
        try (LanguageModel lm = LanguageModel.load(ckpt.dir())) {
            float[][] actual = lm.logits(TOKENS);
            assertThat(actual).hasDimensions(expected.length, expected[0].length);
            assertThat(maxAbsDiff(actual, expected)).as(variant + " max |diff|").isLessThanOrEqualTo(1e-4);
        }
    }

    /** transformers reads {@code "head_dim": null} (as some configs write it) as hidden_size / heads. */
    @Test
    void aNullHeadDimMeansTheDefault() throws java.io.IOException {
        TinyCheckpoint ckpt = TinyCheckpoints.write(tmp.resolve("null-head-dim"), Variant.LLAMA_GQA_TIED, 7);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.io.File config = ckpt.dir().resolve("config.json").toFile();
        com.fasterxml.jackson.databind.node.ObjectNode root =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(config);
        root.putNull("head_dim");
        json.writeValue(config, root);
        double[][] expected = ReferenceModel.logits(ckpt, TOKENS);
        try (LanguageModel lm = LanguageModel.load(ckpt.dir())) {
            assertThat(maxAbsDiff(lm.logits(TOKENS), expected)).isLessThanOrEqualTo(1e-4);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"LLAMA_BF16", "LLAMA_F16"})
    void halfPrecisionSettingsOnTheCpuComputeInFloat32(Variant variant) {
        TinyCheckpoint ckpt = TinyCheckpoints.write(tmp.resolve(variant.name()), variant, 3);
        double[][] expected = ReferenceModel.logits(ckpt, TOKENS);
        for (String dtype : new String[] {"bfloat16", "float16"}) {
            try (LanguageModel lm = LanguageModel.builder().path(ckpt.dir()).device("cpu").dtype(dtype).build()) {
                assertThat(maxAbsDiff(lm.logits(TOKENS), expected)).as(dtype).isLessThanOrEqualTo(1e-4);
            }
        }
    }

    /** Decoding one token at a time through the KV cache gives the logits of one full forward pass. */
    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"LLAMA", "LLAMA_GQA_TIED", "LLAMA3_ROPE", "MISTRAL", "QWEN2", "QWEN3", "GPT2"})
    void incrementalDecodingEqualsPrefill(Variant variant) {
        TinyCheckpoint ckpt = TinyCheckpoints.write(tmp.resolve(variant.name()), variant, 11);
        try (LanguageModel lm = LanguageModel.load(ckpt.dir())) {
            float[][] full = lm.logits(TOKENS);
            Transformer t = lm.transformer();
            int prefill = 5;
            try (NDManager mgr = NDManager.newBaseManager("PyTorch");
                 KvCache cache = t.newCache(mgr, TOKENS.length)) {
                float[] step = lastRow(t.forward(ids(mgr, 0, prefill), 0, cache, true));
                assertThat(maxAbsDiff(step, full[prefill - 1])).isLessThanOrEqualTo(1e-5);
                for (int pos = prefill; pos < TOKENS.length; pos++) {
                    step = lastRow(t.forward(ids(mgr, pos, pos + 1), pos, cache, true));
                    assertThat(maxAbsDiff(step, full[pos])).as("%s position %d", variant, pos).isLessThanOrEqualTo(1e-5);
                }
                assertThat(cache.length()).isEqualTo(TOKENS.length);
            }
        }
    }

    /**
     * The q/k/v and gate/up parameters (packed for the forward pass) are views of the weights the forward pass
     * reads: an in-place change through a parameter, as an adapter merge would make, gives the logits of a
     * checkpoint that stored the changed weights.
     */
    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"QWEN2", "QWEN3", "LLAMA_GQA_TIED"})
    void inPlaceChangesThroughTheParametersReachTheForwardPass(Variant variant) {
        TinyCheckpoint ckpt = TinyCheckpoints.write(tmp.resolve(variant.name()), variant, 5);
        java.util.Map<String, float[]> scaled = new java.util.LinkedHashMap<>(ckpt.weights());
        try (LanguageModel lm = LanguageModel.load(ckpt.dir())) {
            lm.transformer().parametersByName().forEach((name, p) -> {
                if (name.contains(".k_proj.") || name.contains(".v_proj.") || name.contains(".up_proj.")) {
                    p.getArray().muli(name.contains(".k_proj.") ? 0.5f : 3f);
                    float[] w = scaled.get(name).clone();
                    for (int i = 0; i < w.length; i++) {
                        w[i] *= name.contains(".k_proj.") ? 0.5f : 3f;
                    }
                    scaled.put(name, w);
                }
            });
            TinyCheckpoint changed = new TinyCheckpoint(ckpt.dir(), ckpt.architecture(), ckpt.config(), scaled,
                    ckpt.shapes());
            double[][] expected = ReferenceModel.logits(changed, TOKENS);
            assertThat(maxAbsDiff(lm.logits(TOKENS), expected)).isLessThanOrEqualTo(1e-4);
            assertThat(maxAbsDiff(lm.logits(TOKENS), ReferenceModel.logits(ckpt, TOKENS))).isGreaterThan(1e-2);
        }
    }

    @Test
    void everyVariantIsCovered() {
        // the parity test above runs all variants; this guards against a variant list that silently shrinks
        assertThat(EnumSet.allOf(Variant.class)).hasSizeGreaterThanOrEqualTo(13);
    }

    private static NDArray ids(NDManager mgr, int from, int to) {
        long[] ids = new long[to - from];
        for (int i = from; i < to; i++) {
            ids[i - from] = TOKENS[i];
        }
        return mgr.create(ids, new Shape(1, ids.length));
    }

    private static float[] lastRow(NDArray logits) {
        return logits.get(0, logits.getShape().get(1) - 1).toFloatArray();
    }

    static double maxAbsDiff(float[][] actual, double[][] expected) {
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                max = Math.max(max, Math.abs(actual[i][j] - expected[i][j]));
            }
        }
        return max;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int j = 0; j < a.length; j++) {
            max = Math.max(max, Math.abs(a[j] - b[j]));
        }
        return max;
    }
}
