package io.llmops4j.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmops4j.core.testing.TinyCheckpoints.Variant;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Self-tests of the reference forward pass: identities that any correct implementation satisfies. */
class ReferenceModelTest {

    @TempDir
    Path tmp;

    private static final int[] TOKENS = {1, 17, 5, 42, 88, 3, 60, 9, 71, 33, 12, 95, 0, 50};

    private TinyCheckpoint ckpt(Variant v) {
        return TinyCheckpoints.write(tmp.resolve(v.name()), v, 1);
    }

    private static TinyCheckpoint withWeights(TinyCheckpoint c, Map<String, float[]> weights) {
        return new TinyCheckpoint(c.dir(), c.architecture(), c.config(), weights, c.shapes());
    }

    private static TinyCheckpoint withConfig(TinyCheckpoint c, Map<String, Object> config) {
        return new TinyCheckpoint(c.dir(), c.architecture(), config, c.weights(), c.shapes());
    }

    private static void assertClose(double[] a, double[] b, double tol) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("index " + i).isCloseTo(b[i], within(tol));
        }
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void ropeAtPositionZeroIsIdentityAndRotationsPreserveNormAndRelativePosition() {
        double[] inv = {1, 0.1, 0.01, 0.001};
        double[] q = {0.3, -1.2, 0.5, 2.0, -0.7, 0.1, 1.1, -0.4};
        double[] k = {1.0, 0.2, -0.3, 0.8, 0.6, -1.5, 0.05, 0.9};
        double[] r0 = q.clone();
        ReferenceModel.applyRope(r0, 0, 8, 0, inv);
        assertThat(r0).containsExactly(q);

        double[] r = q.clone();
        ReferenceModel.applyRope(r, 0, 8, 37, inv);
        assertThat(norm(r)).isCloseTo(norm(q), within(1e-12));
        // <R(m) q, R(n) k> depends only on m - n: compare (m, n) = (9, 4) with (25, 20).
        assertThat(dot(rope(q, 9, inv), rope(k, 4, inv))).isCloseTo(dot(rope(q, 25, inv), rope(k, 20, inv)),
                within(1e-12));
        // rotate_half pairs dimension i with i + 4 (not 2i with 2i+1): at angle pi/2 (pos 1, freq pi/2),
        // (x_0, x_4) -> (-x_4, x_0) while the other pairs are untouched (freq 0).
        double[] e = {1, 2, 3, 4, 5, 6, 7, 8};
        ReferenceModel.applyRope(e, 0, 8, 1, new double[] {Math.PI / 2, 0, 0, 0});
        assertClose(e, new double[] {-5, 2, 3, 4, 1, 6, 7, 8}, 1e-12);
    }

    private static double[] rope(double[] v, int pos, double[] inv) {
        double[] c = v.clone();
        ReferenceModel.applyRope(c, 0, c.length, pos, inv);
        return c;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    @Test
    void inverseFrequenciesForEachRopeType() {
        // default, head_dim 8, theta 10000: 1 / 10000^(2i/8) = 1, 0.1, 0.01, 0.001
        assertClose(ReferenceModel.invFreq(ckpt(Variant.LLAMA).config(), 8, 5), new double[] {1, 0.1, 0.01, 0.001},
                1e-15);
        // linear factor 2 halves them
        assertClose(ReferenceModel.invFreq(ckpt(Variant.LLAMA_ROPE_LINEAR).config(), 8, 5),
                new double[] {0.5, 0.05, 0.005, 0.0005}, 1e-15);
        // dynamic, max_position_embeddings 16, factor 2: unchanged up to 16 positions; for 32 positions
        // base = 10000 * (2 * 32 / 16 - 1)^(8 / 6) = 10000 * 3^(4/3) = 43267.487109..., inv[1] = base^(-1/4)
        Map<String, Object> dyn = ckpt(Variant.LLAMA_ROPE_DYNAMIC).config();
        assertClose(ReferenceModel.invFreq(dyn, 8, 16), new double[] {1, 0.1, 0.01, 0.001}, 1e-15);
        double base = 43267.48710898;
        assertClose(ReferenceModel.invFreq(dyn, 8, 32),
                new double[] {1, Math.pow(base, -0.25), Math.pow(base, -0.5), Math.pow(base, -0.75)}, 1e-12);
        // llama3: factor 8, low/high freq factors 1/4, original context 128: wavelength thresholds 128 and 32.
        // i=0: wavelen 2pi = 6.28 < 32 -> kept, 1.
        // i=1: wavelen 62.83 in [32, 128] -> smooth = (128 / 62.8319 - 1) / 3 = 0.3457276;
        //      (1 - 0.3457276) * 0.1 / 8 + 0.3457276 * 0.1 = 0.0081784 + 0.0345728 = 0.0427512 (0.04275118)
        // i=2: wavelen 628.3 > 128 -> 0.01 / 8 = 0.00125;  i=3: 0.001 / 8 = 0.000125
        assertClose(ReferenceModel.invFreq(ckpt(Variant.LLAMA3_ROPE).config(), 8, 5),
                new double[] {1, 0.0427512, 0.00125, 0.000125}, 1e-7);
        // rope_parameters form, theta 500, original 256 (thresholds 256 and 64): 500^(-i/4) =
        // 1, 0.211474, 0.0447214, 0.00945742 with wavelengths 6.28, 29.7, 140.5, 664.4:
        // i=2 smooth = (256 / 140.496 - 1) / 3 = 0.274037 -> (1 - s) * 0.0447214 / 8 + s * 0.0447214 = 0.0163136
        assertClose(ReferenceModel.invFreq(ckpt(Variant.LLAMA_ROPE_PARAMETERS).config(), 8, 5),
                new double[] {1, 0.2114743, 0.0163136, 0.00945742 / 8}, 1e-7);
    }

    @Test
    void geluNewMatchesPublishedValues() {
        // torch.nn.functional.gelu(x, approximate="tanh") (PyTorch 1.13, float64)
        assertThat(ReferenceModel.geluNew(1.0)).isCloseTo(0.8411919906082768, within(1e-15));
        assertThat(ReferenceModel.geluNew(-0.5)).isCloseTo(-0.15428599017485606, within(1e-15));
        assertThat(ReferenceModel.geluNew(0.0)).isZero();
    }

    @Test
    void handComputedOneLayerLlama() {
        // hidden 2, one head of dim 2 (inv_freq = [1]), eps 0, identity q/k/v/o and lm_head,
        // MLP with one unit: gate [1, 0], up [0, 1], down [1, -1]^T, so mlp(x) = silu(x0) * x1 * [1, -1].
        Map<String, Object> c = new TreeMap<>();
        c.put("architectures", List.of("LlamaForCausalLM"));
        c.put("hidden_size", 2);
        c.put("num_attention_heads", 1);
        c.put("num_key_value_heads", 1);
        c.put("num_hidden_layers", 1);
        c.put("intermediate_size", 1);
        c.put("vocab_size", 2);
        c.put("rms_norm_eps", 0.0);
        c.put("rope_theta", 10000.0);
        c.put("rope_scaling", null);
        c.put("max_position_embeddings", 8);
        c.put("tie_word_embeddings", false);
        Map<String, float[]> w = new HashMap<>();
        w.put("model.embed_tokens.weight", new float[] {1, 1, 2, 0});
        float[] ones = {1, 1};
        float[] eye = {1, 0, 0, 1};
        for (String n : List.of("input_layernorm", "post_attention_layernorm")) {
            w.put("model.layers.0." + n + ".weight", ones);
        }
        for (String n : List.of("q_proj", "k_proj", "v_proj", "o_proj")) {
            w.put("model.layers.0.self_attn." + n + ".weight", eye);
        }
        w.put("model.layers.0.mlp.gate_proj.weight", new float[] {1, 0});
        w.put("model.layers.0.mlp.up_proj.weight", new float[] {0, 1});
        w.put("model.layers.0.mlp.down_proj.weight", new float[] {1, -1});
        w.put("model.norm.weight", ones);
        w.put("lm_head.weight", eye);
        TinyCheckpoint toy = new TinyCheckpoint(tmp, "LlamaForCausalLM", c, w, Map.of());

        double[][] got = ReferenceModel.logits(toy, new int[] {0, 1});

        // Position 0: x = [1, 1], rms 1 -> xn = [1, 1]; attends only to itself: ctx = v0 = [1, 1];
        // x = [2, 2]; norm -> [1, 1]; mlp = silu(1) * 1 * [1, -1]; x = [2 + s, 2 - s] with s = silu(1).
        double s = 1 / (1 + Math.exp(-1));
        double[] x0 = {2 + s, 2 - s};
        assertClose(got[0], rmsNormalize(x0), 1e-12);

        // Position 1: x = [2, 0], rms sqrt(2) -> xn = [sqrt2, 0]; q1 = k1 = R(1)[sqrt2, 0] =
        // sqrt2 [cos 1, sin 1]; k0 = [1, 1] (position 0, unrotated); scores / sqrt(2):
        // q1.k0 / sqrt2 = cos 1 + sin 1,  q1.k1 / sqrt2 = 2 / sqrt2 = sqrt2.
        double a = Math.cos(1) + Math.sin(1);
        double b = Math.sqrt(2);
        double p0 = Math.exp(a) / (Math.exp(a) + Math.exp(b));
        double p1 = 1 - p0;
        // v is not rotated: ctx = p0 [1, 1] + p1 [sqrt2, 0]
        double[] x1 = {2 + p0 + p1 * Math.sqrt(2), p0};
        double[] n1 = rmsNormalize(x1);
        double m = n1[0] / (1 + Math.exp(-n1[0])) * n1[1];
        assertClose(got[1], rmsNormalize(new double[] {x1[0] + m, x1[1] - m}), 1e-12);
    }

    private static double[] rmsNormalize(double[] x) {
        double rms = Math.sqrt((x[0] * x[0] + x[1] * x[1]) / 2);
        return new double[] {x[0] / rms, x[1] / rms};
    }

    @Test
    void withoutAttentionOutputEachPositionSeesOnlyItsOwnToken() {
        for (Variant v : List.of(Variant.LLAMA, Variant.QWEN2, Variant.QWEN3, Variant.MISTRAL)) {
            TinyCheckpoint c = ckpt(v);
            Map<String, float[]> w = new LinkedHashMap<>(c.weights());
            w.replaceAll((name, values) -> name.endsWith("o_proj.weight") ? new float[values.length] : values);
            TinyCheckpoint mlpOnly = withWeights(c, w);
            double[][] all = ReferenceModel.logits(mlpOnly, TOKENS);
            double[][] full = ReferenceModel.logits(c, TOKENS);
            for (int i = 0; i < TOKENS.length; i++) {
                assertClose(all[i], ReferenceModel.logits(mlpOnly, new int[] {TOKENS[i]})[0], 1e-12);
            }
            // and the attention path does matter in the unmodified model
            assertThat(maxAbsDiff(full[5], all[5])).isGreaterThan(1e-3);
        }
        // GPT-2: without attention output and without learned positions, likewise position-independent
        TinyCheckpoint g = ckpt(Variant.GPT2);
        Map<String, float[]> w = new LinkedHashMap<>(g.weights());
        w.replaceAll((name, values) -> name.contains("attn.c_proj") || name.equals("transformer.wpe.weight")
                ? new float[values.length] : values);
        TinyCheckpoint mlpOnly = withWeights(g, w);
        double[][] all = ReferenceModel.logits(mlpOnly, TOKENS);
        for (int i = 0; i < TOKENS.length; i++) {
            assertClose(all[i], ReferenceModel.logits(mlpOnly, new int[] {TOKENS[i]})[0], 1e-12);
        }
    }

    /**
     * Qwen3 RMS-normalises each query and key head before RoPE, so scaling q_proj and k_proj by any factor leaves
     * the logits unchanged (up to eps), while scaling the norms' weights changes them; without q/k norm (Qwen2, and
     * Qwen3 read as Qwen2) the same q/k scaling sharpens the attention and changes the logits.
     */
    @Test
    void qwen3QueryAndKeyNormsMakeAttentionScaleInvariant() {
        TinyCheckpoint written = ckpt(Variant.QWEN3);
        Map<String, Object> noEps = new TreeMap<>(written.config());
        noEps.put("rms_norm_eps", 1e-30); // so that the invariance is exact up to rounding
        TinyCheckpoint c = withConfig(written, noEps);
        double[][] base = ReferenceModel.logits(c, TOKENS);
        Map<String, float[]> scaledProj = new LinkedHashMap<>(c.weights());
        scaledProj.replaceAll((name, values) -> name.contains("q_proj.") || name.contains("k_proj.")
                ? scaled(values, 8f) : values); // a power of two: exact in float32
        assertClose(ReferenceModel.logits(withWeights(c, scaledProj), TOKENS)[TOKENS.length - 1],
                base[TOKENS.length - 1], 1e-10);
        Map<String, float[]> scaledNorm = new LinkedHashMap<>(c.weights());
        scaledNorm.replaceAll((name, values) -> name.contains("q_norm.") ? scaled(values, 2f) : values);
        assertThat(maxAbsDiff(ReferenceModel.logits(withWeights(c, scaledNorm), TOKENS)[TOKENS.length - 1],
                base[TOKENS.length - 1])).isGreaterThan(1e-3);
        TinyCheckpoint asQwen2 = new TinyCheckpoint(c.dir(), "Qwen2ForCausalLM", c.config(), c.weights(), c.shapes());
        assertThat(maxAbsDiff(ReferenceModel.logits(asQwen2, TOKENS)[TOKENS.length - 1], base[TOKENS.length - 1]))
                .as("q/k norm matters").isGreaterThan(1e-3);
    }

    /** Qwen3RMSNorm on each head separately: every head of the output has mean square 1 before its weight. */
    @Test
    void rmsNormHeadsNormalisesEachHeadOnItsOwn() {
        double[] x = {1, 2, 3, 4, 10, 0, 0, 0};
        float[] ones = {1, 1, 1, 1};
        double[] y = ReferenceModel.rmsNormHeads(x, 2, 4, ones, 0);
        double rms1 = Math.sqrt((1 + 4 + 9 + 16) / 4.0);
        assertClose(y, new double[] {1 / rms1, 2 / rms1, 3 / rms1, 4 / rms1, 2, 0, 0, 0}, 1e-12);
    }

    private static float[] scaled(float[] values, float factor) {
        float[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= factor;
        }
        return out;
    }

    @Test
    void logitsAreCausal() {
        int[] prefix = java.util.Arrays.copyOf(TOKENS, 9);
        for (Variant v : Variant.values()) {
            TinyCheckpoint c = ckpt(v);
            double[][] full = ReferenceModel.logits(c, TOKENS);
            double[][] part = ReferenceModel.logits(c, prefix);
            for (int i = 0; i < prefix.length; i++) {
                assertClose(part[i], full[i], 1e-12);
            }
        }
    }

    @Test
    void dynamicNtkChangesTheBaseOnlyBeyondMaxPositionEmbeddings() {
        // max_position_embeddings 16: up to 16 tokens the model equals plain RoPE; with 20 tokens the base
        // grows for every position, so even position 15 differs from the 16-token pass.
        TinyCheckpoint dynamic = ckpt(Variant.LLAMA_ROPE_DYNAMIC);
        Map<String, Object> plainCfg = new TreeMap<>(dynamic.config());
        plainCfg.put("rope_scaling", null);
        TinyCheckpoint plain = withConfig(dynamic, plainCfg);
        int[] longer = new int[20];
        for (int i = 0; i < longer.length; i++) {
            longer[i] = TOKENS[i % TOKENS.length];
        }
        int[] sixteen = java.util.Arrays.copyOf(longer, 16);
        double[][] d16 = ReferenceModel.logits(dynamic, sixteen);
        double[][] p16 = ReferenceModel.logits(plain, sixteen);
        for (int i = 0; i < 16; i++) {
            assertClose(d16[i], p16[i], 1e-12);
        }
        double[][] d20 = ReferenceModel.logits(dynamic, longer);
        assertThat(maxAbsDiff(d20[15], d16[15])).isGreaterThan(1e-6);
        assertThat(maxAbsDiff(d20[19], ReferenceModel.logits(plain, longer)[19])).isGreaterThan(1e-6);
        assertClose(d20[0], d16[0], 1e-12); // position 0 is never rotated
    }

    @Test
    void logitsAreOfOrderOne() {
        for (Variant v : Variant.values()) {
            double[][] l = ReferenceModel.logits(ckpt(v), TOKENS);
            double maxAbs = 0;
            double sumSq = 0;
            for (double[] row : l) {
                for (double d : row) {
                    maxAbs = Math.max(maxAbs, Math.abs(d));
                    sumSq += d * d;
                }
            }
            double rms = Math.sqrt(sumSq / (l.length * l[0].length));
            assertThat(rms).as(v + " rms").isBetween(0.2, 5.0);
            assertThat(maxAbs).as(v + " max").isLessThan(20);
        }
    }

    @Test
    void mistralSlidingWindowLimitsTheReceptiveField() {
        // window 6, 2 layers: position i depends on tokens >= i - 2 * (6 - 1) = i - 10.
        TinyCheckpoint c = ckpt(Variant.MISTRAL);
        int[] changed = TOKENS.clone();
        changed[0] = 77;
        double[][] a = ReferenceModel.logits(c, TOKENS);
        double[][] b = ReferenceModel.logits(c, changed);
        for (int i = 11; i < TOKENS.length; i++) {
            assertClose(a[i], b[i], 1e-12);
        }
        assertThat(maxAbsDiff(a[10], b[10])).isGreaterThan(1e-9);
        // without the window the change reaches the last position
        Map<String, Object> cfg = new TreeMap<>(c.config());
        cfg.put("sliding_window", null);
        double[][] fa = ReferenceModel.logits(withConfig(c, cfg), TOKENS);
        double[][] fb = ReferenceModel.logits(withConfig(c, cfg), changed);
        assertThat(maxAbsDiff(fa[13], fb[13])).isGreaterThan(1e-6);
    }

    @Test
    void groupedQueryAttentionEqualsMultiHeadWithRepeatedKvHeads() {
        // repeat_kv: query head h uses kv head h / (heads / kv_heads). Expanding k/v projections to 4 heads
        // as [kv0, kv0, kv1, kv1] must give identical logits with num_key_value_heads = 4.
        TinyCheckpoint c = ckpt(Variant.LLAMA_GQA_TIED);
        int headDim = 8;
        int hidden = 32;
        Map<String, float[]> w = new LinkedHashMap<>(c.weights());
        for (String n : List.copyOf(w.keySet())) {
            if (n.endsWith("k_proj.weight") || n.endsWith("v_proj.weight")) {
                float[] kv = w.get(n);
                float[] rep = new float[4 * headDim * hidden];
                for (int h = 0; h < 4; h++) {
                    System.arraycopy(kv, (h / 2) * headDim * hidden, rep, h * headDim * hidden, headDim * hidden);
                }
                w.put(n, rep);
            }
        }
        Map<String, Object> cfg = new TreeMap<>(c.config());
        cfg.put("num_key_value_heads", 4);
        double[][] gqa = ReferenceModel.logits(c, TOKENS);
        double[][] mha = ReferenceModel.logits(new TinyCheckpoint(c.dir(), c.architecture(), cfg, w, c.shapes()),
                TOKENS);
        for (int i = 0; i < TOKENS.length; i++) {
            assertClose(gqa[i], mha[i], 1e-12);
        }
    }
}
