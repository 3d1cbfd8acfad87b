package io.llmops4j.core.testing;

import java.util.List;
import java.util.Map;

/**
 * An independent, double-precision forward pass for the checkpoints of {@link TinyCheckpoints}, written
 * directly from transformers' {@code modeling_llama.py}, {@code modeling_mistral.py}, {@code modeling_qwen2.py},
 * {@code modeling_qwen3.py}, {@code modeling_gpt2.py} and {@code modeling_rope_utils.py}. It reads only {@link TinyCheckpoint#config()}
 * and {@link TinyCheckpoint#weights()} and shares no code with the runtime (not even the safetensors reader),
 * so agreement between the two is evidence that both follow transformers.
 *
 * <p>Conventions reproduced:
 * <ul>
 *   <li>RMSNorm {@code x / sqrt(mean(x^2) + eps) * weight}; LayerNorm with biased variance.</li>
 *   <li>RoPE with transformers' {@code rotate_half} layout: dimension {@code i} of a head is paired with
 *       {@code i + head_dim/2} (not interleaved pairs), frequency {@code inv_freq[i mod head_dim/2]};
 *       {@code inv_freq[i] = 1 / theta^(2i/head_dim)}, scaled by {@code rope_type} linear, dynamic or llama3
 *       as in {@code modeling_rope_utils.py}. Both the older top-level {@code rope_theta}/{@code rope_scaling}
 *       (with {@code rope_type} or legacy {@code type}) and the newer {@code rope_parameters} are read.</li>
 *   <li>Dynamic NTK: transformers since 4.44 (through 5.x, {@code _compute_dynamic_ntk_parameters} driven by
 *       {@code dynamic_rope_update}) recompute the base from the
 *       current sequence length {@code seq_len = max(position_ids) + 1} when it exceeds
 *       {@code max_position_embeddings}: {@code base = theta * (factor * seq_len / max_pos - (factor - 1))
 *       ^ (dim / (dim - 2))}, and use the original frequencies otherwise. This reference reproduces a single
 *       full forward pass of a freshly loaded model over {@code tokens.length} positions, so all positions use
 *       the base for {@code seq_len = tokens.length}. (transformers caches the grown base across calls and,
 *       during incremental decoding, keys already in the KV cache keep the rotation of the step that
 *       computed them; a runtime that matches this reference on full sequences is what can be tested.)</li>
 *   <li>Grouped-query attention: query head {@code h} uses key/value head {@code h / (heads / kv_heads)}
 *       ({@code repeat_kv}); scores scaled by {@code head_dim^-0.5}; causal mask; Mistral's
 *       {@code sliding_window} lets query {@code i} see key {@code j} only when {@code i - j < window}; Qwen2
 *       windows only with {@code use_sliding_window}, on the layers {@code layer_types} marks
 *       {@code sliding_attention} or else on layers {@code >= max_window_layers}.</li>
 *   <li>SiLU-gated MLP {@code down(silu(gate(x)) * up(x))}; Qwen2 q/k/v biases, no o_proj bias; Llama
 *       {@code attention_bias}/{@code mlp_bias} when set; Qwen3 q/k/v/o biases only with
 *       {@code attention_bias}.</li>
 *   <li>Qwen3: {@code head_dim} from the config (Qwen3Config's default 128 when absent, not hidden / heads);
 *       {@code q_norm} and {@code k_norm}, RMSNorms over {@code head_dim} with {@code rms_norm_eps}, applied to
 *       every query and key head after the projections and before RoPE; sliding windows as Qwen2's.</li>
 *   <li>GPT-2: learned positions, Conv1D weights {@code [in, out]} ({@code y = x W + b}), {@code gelu_new}
 *       (tanh approximation), {@code scale_attn_weights}, {@code scale_attn_by_inverse_layer_idx}, LM head
 *       tied to {@code wte}.</li>
 *   <li>Tied embeddings: {@code lm_head} is {@code embed_tokens} when {@code tie_word_embeddings} is true
 *       (default false for Llama, Mistral and Qwen2 configs, true for GPT-2).</li>
 * </ul>
 */
public final class ReferenceModel {
    private ReferenceModel() {
    }

    /** Logits {@code [positions][vocab]} for {@code tokens} (one sequence, positions 0..n-1). */
    public static double[][] logits(TinyCheckpoint ckpt, int[] tokens) {
        return switch (ckpt.architecture()) {
            case "LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM", "Qwen3ForCausalLM" ->
                    llamaFamily(ckpt, tokens);
            case "GPT2LMHeadModel" -> gpt2(ckpt, tokens);
            default -> throw new IllegalArgumentException("no reference for " + ckpt.architecture());
        };
    }

    // ------------------------------------------------------------------------------------------------
    // Llama, Mistral, Qwen2

    private static double[][] llamaFamily(TinyCheckpoint ckpt, int[] tokens) {
        Map<String, Object> c = ckpt.config();
        String arch = ckpt.architecture();
        int hidden = intOf(c, "hidden_size");
        int heads = intOf(c, "num_attention_heads");
        int kvHeads = c.get("num_key_value_heads") == null ? heads : intOf(c, "num_key_value_heads");
        boolean qwen3 = arch.equals("Qwen3ForCausalLM");
        // Qwen3Config's head_dim defaults to 128; the others derive it
        int headDim = c.get("head_dim") != null ? intOf(c, "head_dim") : qwen3 ? 128 : hidden / heads;
        int layers = intOf(c, "num_hidden_layers");
        double eps = dbl(c, "rms_norm_eps");
        boolean llama = arch.equals("LlamaForCausalLM");
        boolean qkvBias = arch.equals("Qwen2ForCausalLM") || (llama || qwen3) && bool(c, "attention_bias", false);
        boolean oBias = (llama || qwen3) && bool(c, "attention_bias", false);
        boolean mlpBias = llama && bool(c, "mlp_bias", false);
        Integer[] windows = new Integer[layers]; // null: full causal attention
        for (int l = 0; l < layers; l++) {
            if (arch.equals("MistralForCausalLM") && c.get("sliding_window") != null) {
                windows[l] = intOf(c, "sliding_window");
            }
            // Qwen2Config: sliding_window only with use_sliding_window, and then on "sliding_attention" layers,
            // by default layers i >= max_window_layers (28 unless given)
            if ((arch.equals("Qwen2ForCausalLM") || qwen3) && bool(c, "use_sliding_window", false)
                    && c.get("sliding_window") != null) {
                boolean sliding = c.get("layer_types") != null
                        ? ((List<?>) c.get("layer_types")).get(l).equals("sliding_attention")
                        : l >= (c.get("max_window_layers") == null ? 28 : intOf(c, "max_window_layers"));
                windows[l] = sliding ? intOf(c, "sliding_window") : null;
            }
        }
        Map<String, float[]> w = ckpt.weights();
        int n = tokens.length;
        double[] invFreq = invFreq(c, headDim, n);

        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) {
            x[t] = row(w.get("model.embed_tokens.weight"), tokens[t], hidden);
        }
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            double[][] q = new double[n][];
            double[][] k = new double[n][];
            double[][] v = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] xn = rmsNorm(x[t], w.get(p + "input_layernorm.weight"), eps);
                q[t] = linear(xn, w.get(p + "self_attn.q_proj.weight"), qkvBias ? w.get(p + "self_attn.q_proj.bias") : null);
                k[t] = linear(xn, w.get(p + "self_attn.k_proj.weight"), qkvBias ? w.get(p + "self_attn.k_proj.bias") : null);
                v[t] = linear(xn, w.get(p + "self_attn.v_proj.weight"), qkvBias ? w.get(p + "self_attn.v_proj.bias") : null);
                if (qwen3) { // q_norm(q_proj(x).view(heads, head_dim)), likewise k, before RoPE
                    q[t] = rmsNormHeads(q[t], heads, headDim, w.get(p + "self_attn.q_norm.weight"), eps);
                    k[t] = rmsNormHeads(k[t], kvHeads, headDim, w.get(p + "self_attn.k_norm.weight"), eps);
                }
                for (int h = 0; h < heads; h++) {
                    applyRope(q[t], h * headDim, headDim, t, invFreq);
                }
                for (int h = 0; h < kvHeads; h++) {
                    applyRope(k[t], h * headDim, headDim, t, invFreq);
                }
            }
            double[][] ctx = attention(q, k, v, heads, kvHeads, headDim, 1 / Math.sqrt(headDim), windows[l]);
            for (int t = 0; t < n; t++) {
                add(x[t], linear(ctx[t], w.get(p + "self_attn.o_proj.weight"),
                        oBias ? w.get(p + "self_attn.o_proj.bias") : null));
                double[] hn = rmsNorm(x[t], w.get(p + "post_attention_layernorm.weight"), eps);
                double[] gate = linear(hn, w.get(p + "mlp.gate_proj.weight"), mlpBias ? w.get(p + "mlp.gate_proj.bias") : null);
                double[] up = linear(hn, w.get(p + "mlp.up_proj.weight"), mlpBias ? w.get(p + "mlp.up_proj.bias") : null);
                for (int i = 0; i < gate.length; i++) {
                    gate[i] = silu(gate[i]) * up[i];
                }
                add(x[t], linear(gate, w.get(p + "mlp.down_proj.weight"), mlpBias ? w.get(p + "mlp.down_proj.bias") : null));
            }
        }
        boolean tied = bool(c, "tie_word_embeddings", false);
        float[] head = w.get(tied ? "model.embed_tokens.weight" : "lm_head.weight");
        double[][] out = new double[n][];
        for (int t = 0; t < n; t++) {
            out[t] = linear(rmsNorm(x[t], w.get("model.norm.weight"), eps), head, null);
        }
        return out;
    }

    /**
     * Causal (optionally sliding-window) multi-head attention over whole sequences: {@code q[t]} holds
     * {@code heads} heads, {@code k[t]}/{@code v[t]} hold {@code kvHeads} heads, each {@code headDim} wide.
     */
    static double[][] attention(double[][] q, double[][] k, double[][] v, int heads, int kvHeads, int headDim,
            double scale, Integer window) {
        int n = q.length;
        int groups = heads / kvHeads;
        double[][] out = new double[n][heads * headDim];
        for (int h = 0; h < heads; h++) {
            int kvh = h / groups;
            for (int i = 0; i < n; i++) {
                double[] scores = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    if (window != null && i - j >= window) {
                        scores[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double s = 0;
                    for (int d = 0; d < headDim; d++) {
                        s += q[i][h * headDim + d] * k[j][kvh * headDim + d];
                    }
                    scores[j] = s * scale;
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int j = 0; j <= i; j++) {
                    double p = scores[j] / sum;
                    for (int d = 0; d < headDim; d++) {
                        out[i][h * headDim + d] += p * v[j][kvh * headDim + d];
                    }
                }
            }
        }
        return out;
    }

    /**
     * The RoPE inverse frequencies ({@code head_dim / 2} of them) for a forward pass over {@code seqLen}
     * positions, following {@code modeling_rope_utils.py}.
     */
    static double[] invFreq(Map<String, Object> c, int headDim, int seqLen) {
        Map<String, Object> params;
        double theta;
        if (c.get("rope_parameters") instanceof Map<?, ?> rp) {
            params = cast(rp);
            theta = dbl(params, "rope_theta");
        } else {
            params = c.get("rope_scaling") instanceof Map<?, ?> rs ? cast(rs) : Map.of();
            theta = c.get("rope_theta") == null ? 10000.0 : dbl(c, "rope_theta");
        }
        Object typeValue = params.get("rope_type") != null ? params.get("rope_type") : params.get("type");
        String type = typeValue == null ? "default" : typeValue.toString();
        int dim = headDim;
        if (type.equals("dynamic")) {
            int maxPos = intOf(c, "max_position_embeddings");
            double factor = dbl(params, "factor");
            if (seqLen > maxPos) {
                theta = theta * Math.pow(factor * seqLen / maxPos - (factor - 1), dim / (dim - 2.0));
            }
        }
        double[] inv = new double[dim / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1.0 / Math.pow(theta, 2.0 * i / dim);
        }
        switch (type) {
            case "default", "dynamic" -> {
            }
            case "linear" -> {
                double factor = dbl(params, "factor");
                for (int i = 0; i < inv.length; i++) {
                    inv[i] /= factor;
                }
            }
            case "llama3" -> {
                double factor = dbl(params, "factor");
                double low = dbl(params, "low_freq_factor");
                double high = dbl(params, "high_freq_factor");
                double oldContext = dbl(params, "original_max_position_embeddings");
                double lowFreqWavelen = oldContext / low;
                double highFreqWavelen = oldContext / high;
                for (int i = 0; i < inv.length; i++) {
                    double wavelen = 2 * Math.PI / inv[i];
                    if (wavelen > lowFreqWavelen) {
                        inv[i] = inv[i] / factor; // low frequency: interpolate fully
                    } else if (wavelen >= highFreqWavelen) {
                        double smooth = (oldContext / wavelen - low) / (high - low);
                        inv[i] = (1 - smooth) * inv[i] / factor + smooth * inv[i]; // medium: blend
                    } // high frequency: unchanged
                }
            }
            default -> throw new IllegalArgumentException("reference does not implement rope_type " + type);
        }
        return inv;
    }

    /**
     * Rotates the head stored at {@code v[off .. off+headDim)} for position {@code pos}, in place:
     * {@code x * cos + rotate_half(x) * sin} with {@code rotate_half(x) = [-x2, x1]}.
     */
    static void applyRope(double[] v, int off, int headDim, int pos, double[] invFreq) {
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            double angle = pos * invFreq[i];
            double cos = Math.cos(angle);
            double sin = Math.sin(angle);
            double x1 = v[off + i];
            double x2 = v[off + i + half];
            v[off + i] = x1 * cos - x2 * sin;
            v[off + i + half] = x2 * cos + x1 * sin;
        }
    }

    static double[] rmsNorm(double[] x, float[] weight, double eps) {
        double ms = 0;
        for (double d : x) {
            ms += d * d;
        }
        double inv = 1 / Math.sqrt(ms / x.length + eps);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * inv * weight[i];
        }
        return out;
    }

    /** Qwen3RMSNorm over each of the {@code heads} heads of {@code x} ({@code headDim} channels each). */
    static double[] rmsNormHeads(double[] x, int heads, int headDim, float[] weight, double eps) {
        if (weight == null || weight.length != headDim) {
            throw new IllegalArgumentException("per-head norm weight of " + headDim + " expected");
        }
        double[] out = new double[heads * headDim];
        for (int h = 0; h < heads; h++) {
            double[] head = java.util.Arrays.copyOfRange(x, h * headDim, (h + 1) * headDim);
            System.arraycopy(rmsNorm(head, weight, eps), 0, out, h * headDim, headDim);
        }
        return out;
    }

    static double silu(double x) {
        return x / (1 + Math.exp(-x));
    }

    // ------------------------------------------------------------------------------------------------
    // GPT-2

    private static double[][] gpt2(TinyCheckpoint ckpt, int[] tokens) {
        Map<String, Object> c = ckpt.config();
        int e = intOf(c, "n_embd");
        int heads = intOf(c, "n_head");
        int layers = intOf(c, "n_layer");
        int inner = c.get("n_inner") == null ? 4 * e : intOf(c, "n_inner");
        double eps = dbl(c, "layer_norm_epsilon");
        String act = c.get("activation_function").toString();
        if (!act.equals("gelu_new")) {
            throw new IllegalArgumentException("reference implements gelu_new only, config has " + act);
        }
        boolean scaleWeights = bool(c, "scale_attn_weights", true);
        boolean scaleByLayer = bool(c, "scale_attn_by_inverse_layer_idx", false);
        int headDim = e / heads;
        Map<String, float[]> w = ckpt.weights();
        int n = tokens.length;
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) {
            x[t] = row(w.get("transformer.wte.weight"), tokens[t], e);
            add(x[t], row(w.get("transformer.wpe.weight"), t, e));
        }
        for (int l = 0; l < layers; l++) {
            String p = "transformer.h." + l + ".";
            double[][] q = new double[n][];
            double[][] k = new double[n][];
            double[][] v = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] a = layerNorm(x[t], w.get(p + "ln_1.weight"), w.get(p + "ln_1.bias"), eps);
                double[] qkv = conv1d(a, w.get(p + "attn.c_attn.weight"), w.get(p + "attn.c_attn.bias"), 3 * e);
                q[t] = java.util.Arrays.copyOfRange(qkv, 0, e);
                k[t] = java.util.Arrays.copyOfRange(qkv, e, 2 * e);
                v[t] = java.util.Arrays.copyOfRange(qkv, 2 * e, 3 * e);
            }
            double scale = (scaleWeights ? 1 / Math.sqrt(headDim) : 1) / (scaleByLayer ? l + 1 : 1);
            double[][] ctx = attention(q, k, v, heads, heads, headDim, scale, null);
            for (int t = 0; t < n; t++) {
                add(x[t], conv1d(ctx[t], w.get(p + "attn.c_proj.weight"), w.get(p + "attn.c_proj.bias"), e));
                double[] m = layerNorm(x[t], w.get(p + "ln_2.weight"), w.get(p + "ln_2.bias"), eps);
                double[] h = conv1d(m, w.get(p + "mlp.c_fc.weight"), w.get(p + "mlp.c_fc.bias"), inner);
                for (int i = 0; i < h.length; i++) {
                    h[i] = geluNew(h[i]);
                }
                add(x[t], conv1d(h, w.get(p + "mlp.c_proj.weight"), w.get(p + "mlp.c_proj.bias"), e));
            }
        }
        double[][] out = new double[n][];
        for (int t = 0; t < n; t++) {
            double[] f = layerNorm(x[t], w.get("transformer.ln_f.weight"), w.get("transformer.ln_f.bias"), eps);
            out[t] = linear(f, w.get("transformer.wte.weight"), null);
        }
        return out;
    }

    /** transformers' {@code NewGELUActivation}: {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. */
    static double geluNew(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    static double[] layerNorm(double[] x, float[] weight, float[] bias, double eps) {
        double mean = 0;
        for (double d : x) {
            mean += d;
        }
        mean /= x.length;
        double var = 0;
        for (double d : x) {
            var += (d - mean) * (d - mean);
        }
        var /= x.length;
        double inv = 1 / Math.sqrt(var + eps);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (x[i] - mean) * inv * weight[i] + bias[i];
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------
    // Small helpers

    /** {@code nn.Linear}: weight {@code [out, in]} row-major, {@code y = W x + b}. */
    static double[] linear(double[] x, float[] weight, float[] bias) {
        int in = x.length;
        int out = weight.length / in;
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = bias == null ? 0 : bias[o];
            for (int i = 0; i < in; i++) {
                s += weight[o * in + i] * x[i];
            }
            y[o] = s;
        }
        return y;
    }

    /** GPT-2's {@code Conv1D}: weight {@code [in, out]} row-major, {@code y = x W + b}. */
    static double[] conv1d(double[] x, float[] weight, float[] bias, int out) {
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            y[o] = bias[o];
        }
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                y[o] += x[i] * weight[i * out + o];
            }
        }
        return y;
    }

    private static double[] row(float[] matrix, int r, int width) {
        double[] out = new double[width];
        for (int i = 0; i < width; i++) {
            out[i] = matrix[r * width + i];
        }
        return out;
    }

    private static void add(double[] acc, double[] d) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += d[i];
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    private static int intOf(Map<String, Object> c, String key) {
        Object v = c.get(key);
        if (!(v instanceof Number num)) {
            throw new IllegalArgumentException("config has no integer '" + key + "': " + v);
        }
        return num.intValue();
    }

    private static double dbl(Map<String, Object> c, String key) {
        Object v = c.get(key);
        if (!(v instanceof Number num)) {
            throw new IllegalArgumentException("config has no number '" + key + "': " + v);
        }
        return num.doubleValue();
    }

    private static boolean bool(Map<String, Object> c, String key, boolean dflt) {
        Object v = c.get(key);
        return v == null ? dflt : (Boolean) v;
    }
}
