package io.llmops4j.core.testing;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.llmops4j.core.safetensors.DType;
import io.llmops4j.core.safetensors.HalfPrecision;
import io.llmops4j.core.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Writes tiny random Hugging Face checkpoints (hidden size 32, 2 layers, vocabulary 96, head_dim 8) for every
 * architecture and configuration variant the runtime supports: {@code config.json} with the keys
 * transformers writes (sorted, 2-space indent), the weights as {@code model.safetensors} or shards, and for
 * most variants a {@code generation_config.json}.
 *
 * <p>Weights are Gaussian with a fixed seed: projections std 0.1, embeddings and LM head std 0.2, norm
 * weights 1 + 0.1·N(0,1), biases std 0.1, so logits are of order 1. The same {@code (variant, seed)} always
 * gives the same checkpoint.
 */
public final class TinyCheckpoints {

    /** The checkpoint variants. */
    public enum Variant {
        /** Llama, multi-head attention, separate {@code lm_head.weight}, default RoPE. */
        LLAMA,
        /** Llama with grouped-query attention (4 query heads, 2 KV heads) and tied embeddings (no lm_head). */
        LLAMA_GQA_TIED,
        /** Llama with {@code rope_scaling {"rope_type":"linear","factor":2.0}}. */
        LLAMA_ROPE_LINEAR,
        /**
         * Llama with {@code rope_scaling {"rope_type":"dynamic","factor":2.0}} and
         * {@code max_position_embeddings} 16, so sequences longer than 16 change the RoPE base.
         */
        LLAMA_ROPE_DYNAMIC,
        /**
         * Llama with llama3 RoPE scaling (factor 8, low/high frequency factors 1 and 4, original context 128,
         * rope_theta 10000): with head_dim 8 the four frequencies have wavelengths 6.3, 63, 628 and 6283, so
         * one is kept (&lt; 32), one is smoothed (32..128) and two are divided by the factor (&gt; 128).
         * Its generation_config.json lists two EOS ids.
         */
        LLAMA3_ROPE,
        /**
         * Llama in the newer transformers format: {@code "rope_parameters": {"rope_type":"llama3",
         * "rope_theta":500.0, ...}} instead of top-level {@code rope_theta}/{@code rope_scaling}, and
         * {@code "dtype"} instead of {@code "torch_dtype"}. With theta 500 and original context 256 the
         * wavelengths 6.3, 30, 140 and 664 again hit all three llama3 branches.
         */
        LLAMA_ROPE_PARAMETERS,
        /** Mistral with GQA and {@code sliding_window} 6, so sequences longer than 6 are windowed. */
        MISTRAL,
        /**
         * Qwen2 with GQA, q/k/v biases (not declared in the config), no o_proj bias, tied embeddings, and
         * {@code use_sliding_window: false} next to a {@code sliding_window} value that must be ignored.
         */
        QWEN2,
        /** GPT-2: Conv1D weights stored [in, out], learned positions, gelu_new, LM head tied to wte. */
        GPT2,
        /** {@link #LLAMA_GQA_TIED}'s layout, untied, written as three or more shards with an index. */
        LLAMA_SHARDED,
        /** {@link #LLAMA} stored in bfloat16. */
        LLAMA_BF16,
        /** {@link #LLAMA} stored in float16. */
        LLAMA_F16,
        /**
         * Qwen3 (last, so that the other variants keep their seeds and golden logits): GQA (4 query heads, 2 KV
         * heads), an explicit {@code head_dim} of 16 where hidden / heads is 8 (so q_proj is [64, 32] and o_proj
         * [32, 64]), per-head {@code q_norm}/{@code k_norm} weights [16], no q/k/v/o biases
         * ({@code attention_bias: false}), tied embeddings, and {@code use_sliding_window: false} next to a
         * {@code sliding_window} value that must be ignored.
         */
        QWEN3
    }

    static final int HIDDEN = 32;
    static final int HEADS = 4;
    static final int LAYERS = 2;
    static final int INTERMEDIATE = 64;
    static final int VOCAB = 96;
    /** Qwen3's explicit head_dim, twice hidden / heads. */
    static final int QWEN3_HEAD_DIM = 16;
    static final int BOS = 1;
    static final int EOS = 2;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .setDefaultPrettyPrinter(new DefaultPrettyPrinter()
                    .withSeparators(Separators.createDefaultInstance()
                            .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                    .withArrayIndenter(new DefaultIndenter("  ", "\n"))
                    .withObjectIndenter(new DefaultIndenter("  ", "\n")))
            .enable(SerializationFeature.INDENT_OUTPUT);

    private TinyCheckpoints() {
    }

    /**
     * Writes every variant with seed 1 into {@code args[0]/<VARIANT>}: the input of
     * {@code src/test/resources/io/llmops4j/core/testing/torch_reference.py}, which produces the torch golden
     * logits checked by {@code TorchGoldenTest}. QWEN3 is left out: torch_reference.py has no q/k norm, and without
     * torch here its goldens could not be produced or checked.
     */
    public static void main(String[] args) {
        for (Variant v : Variant.values()) {
            if (v == Variant.QWEN3) {
                continue;
            }
            write(Path.of(args[0]).resolve(v.name()), v, GOLDEN_SEED);
        }
    }

    /** The seed of the checkpoints behind the committed torch golden logits. */
    static final long GOLDEN_SEED = 1;

    /** Writes checkpoint {@code v} with weights drawn from {@code seed} into {@code dir} (created if needed). */
    public static TinyCheckpoint write(Path dir, Variant v, long seed) {
        Random rnd = new Random(seed * 1_000_003L + v.ordinal());
        DType dtype = switch (v) {
            case LLAMA_BF16 -> DType.BF16;
            case LLAMA_F16 -> DType.F16;
            default -> DType.F32;
        };
        Map<String, Object> config = v == Variant.GPT2 ? gpt2Config() : llamaFamilyConfig(v, dtype);
        Tensors t = new Tensors(rnd, dtype);
        if (v == Variant.GPT2) {
            gpt2Weights(t);
        } else {
            llamaFamilyWeights(t, v, config);
        }
        try {
            Files.createDirectories(dir);
            JSON.writeValue(dir.resolve("config.json").toFile(), config);
            Map<String, Object> gen = generationConfig(v);
            if (gen != null) {
                JSON.writeValue(dir.resolve("generation_config.json").toFile(), gen);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        long totalBytes = 0;
        for (Map.Entry<String, float[]> e : t.values.entrySet()) {
            w.add(e.getKey(), dtype, t.shapes.get(e.getKey()), e.getValue());
            totalBytes += (long) e.getValue().length * dtype.byteSize();
        }
        if (v == Variant.LLAMA_SHARDED) {
            w.writeSharded(dir, totalBytes / 3);
        } else {
            w.write(dir.resolve("model.safetensors"));
        }
        return new TinyCheckpoint(dir, ((List<?>) config.get("architectures")).get(0).toString(),
                Collections.unmodifiableMap(config), Collections.unmodifiableMap(t.values),
                Collections.unmodifiableMap(t.shapes));
    }

    /** Random tensors in insertion order, rounded to the storage dtype. */
    private static final class Tensors {
        final Random rnd;
        final DType dtype;
        final Map<String, float[]> values = new LinkedHashMap<>();
        final Map<String, long[]> shapes = new LinkedHashMap<>();

        Tensors(Random rnd, DType dtype) {
            this.rnd = rnd;
            this.dtype = dtype;
        }

        void gaussian(String name, double mean, double std, long... shape) {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            float[] v = new float[(int) n];
            for (int i = 0; i < v.length; i++) {
                float x = (float) (mean + std * rnd.nextGaussian());
                v[i] = switch (dtype) {
                    case BF16 -> HalfPrecision.bf16Round(x);
                    case F16 -> HalfPrecision.f16Round(x);
                    default -> x;
                };
            }
            values.put(name, v);
            shapes.put(name, shape.clone());
        }
    }

    private static Map<String, Object> llamaFamilyConfig(Variant v, DType dtype) {
        Map<String, Object> c = new TreeMap<>();
        int kvHeads = switch (v) {
            case LLAMA_GQA_TIED, LLAMA_SHARDED, MISTRAL, QWEN2, QWEN3 -> 2;
            default -> HEADS;
        };
        boolean tied = v == Variant.LLAMA_GQA_TIED || v == Variant.QWEN2 || v == Variant.QWEN3;
        c.put("architectures", List.of(switch (v) {
            case MISTRAL -> "MistralForCausalLM";
            case QWEN2 -> "Qwen2ForCausalLM";
            case QWEN3 -> "Qwen3ForCausalLM";
            default -> "LlamaForCausalLM";
        }));
        c.put("model_type", switch (v) {
            case MISTRAL -> "mistral";
            case QWEN2 -> "qwen2";
            case QWEN3 -> "qwen3";
            default -> "llama";
        });
        c.put("attention_dropout", 0.0);
        c.put("bos_token_id", BOS);
        c.put("eos_token_id", EOS);
        c.put("hidden_act", "silu");
        c.put("hidden_size", HIDDEN);
        c.put("initializer_range", 0.02);
        c.put("intermediate_size", INTERMEDIATE);
        c.put("max_position_embeddings", switch (v) {
            case LLAMA_ROPE_DYNAMIC -> 16;
            case LLAMA3_ROPE, LLAMA_ROPE_PARAMETERS -> 1024;
            default -> 128;
        });
        c.put("num_attention_heads", HEADS);
        c.put("num_hidden_layers", LAYERS);
        c.put("num_key_value_heads", kvHeads);
        c.put("rms_norm_eps", v == Variant.QWEN2 || v == Variant.QWEN3 ? 1e-6 : 1e-5);
        c.put("tie_word_embeddings", tied);
        c.put("transformers_version", v == Variant.LLAMA_ROPE_PARAMETERS ? "5.0.0" : "4.46.0");
        c.put("use_cache", true);
        c.put("vocab_size", VOCAB);
        String dtypeName = switch (dtype) {
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            default -> "float32";
        };
        c.put(v == Variant.LLAMA_ROPE_PARAMETERS ? "dtype" : "torch_dtype", dtypeName);
        switch (v) {
            case MISTRAL -> {
                c.put("head_dim", HIDDEN / HEADS);
                c.put("rope_theta", 10000.0);
                c.put("sliding_window", 6);
            }
            case QWEN2 -> {
                c.put("max_window_layers", LAYERS);
                c.put("rope_scaling", null);
                c.put("rope_theta", 1000000.0);
                c.put("sliding_window", 4);
                c.put("use_sliding_window", false);
            }
            case QWEN3 -> {
                c.put("attention_bias", false);
                c.put("head_dim", QWEN3_HEAD_DIM);
                c.put("max_window_layers", LAYERS);
                c.put("rope_scaling", null);
                c.put("rope_theta", 1000000.0);
                c.put("sliding_window", 4);
                c.put("use_sliding_window", false);
            }
            default -> {
                c.put("attention_bias", false);
                c.put("head_dim", HIDDEN / HEADS);
                c.put("mlp_bias", false);
                c.put("pretraining_tp", 1);
                Map<String, Object> scaling = switch (v) {
                    case LLAMA_ROPE_LINEAR -> ordered("rope_type", "linear", "factor", 2.0);
                    case LLAMA_ROPE_DYNAMIC -> ordered("rope_type", "dynamic", "factor", 2.0);
                    case LLAMA3_ROPE -> ordered("rope_type", "llama3", "factor", 8.0, "low_freq_factor", 1.0,
                            "high_freq_factor", 4.0, "original_max_position_embeddings", 128);
                    default -> null;
                };
                if (v == Variant.LLAMA_ROPE_PARAMETERS) {
                    c.put("rope_parameters", ordered("rope_type", "llama3", "rope_theta", 500.0, "factor", 8.0,
                            "low_freq_factor", 1.0, "high_freq_factor", 4.0, "original_max_position_embeddings", 256));
                } else {
                    c.put("rope_scaling", scaling);
                    c.put("rope_theta", 10000.0);
                }
            }
        }
        return c;
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }

    private static void llamaFamilyWeights(Tensors t, Variant v, Map<String, Object> config) {
        int headDim = config.get("head_dim") == null ? HIDDEN / HEADS : (Integer) config.get("head_dim");
        int qDim = HEADS * headDim;
        int kvDim = (Integer) config.get("num_key_value_heads") * headDim;
        boolean qkvBias = v == Variant.QWEN2;
        boolean qkNorm = v == Variant.QWEN3;
        t.gaussian("model.embed_tokens.weight", 0, 0.2, VOCAB, HIDDEN);
        for (int i = 0; i < LAYERS; i++) {
            String p = "model.layers." + i + ".";
            t.gaussian(p + "input_layernorm.weight", 1, 0.1, HIDDEN);
            t.gaussian(p + "self_attn.q_proj.weight", 0, 0.1, qDim, HIDDEN);
            if (qkvBias) {
                t.gaussian(p + "self_attn.q_proj.bias", 0, 0.1, qDim);
            }
            t.gaussian(p + "self_attn.k_proj.weight", 0, 0.1, kvDim, HIDDEN);
            if (qkvBias) {
                t.gaussian(p + "self_attn.k_proj.bias", 0, 0.1, kvDim);
            }
            t.gaussian(p + "self_attn.v_proj.weight", 0, 0.1, kvDim, HIDDEN);
            if (qkvBias) {
                t.gaussian(p + "self_attn.v_proj.bias", 0, 0.1, kvDim);
            }
            if (qkNorm) {
                t.gaussian(p + "self_attn.q_norm.weight", 1, 0.1, headDim);
                t.gaussian(p + "self_attn.k_norm.weight", 1, 0.1, headDim);
            }
            t.gaussian(p + "self_attn.o_proj.weight", 0, 0.1, HIDDEN, qDim);
            t.gaussian(p + "post_attention_layernorm.weight", 1, 0.1, HIDDEN);
            t.gaussian(p + "mlp.gate_proj.weight", 0, 0.1, INTERMEDIATE, HIDDEN);
            t.gaussian(p + "mlp.up_proj.weight", 0, 0.1, INTERMEDIATE, HIDDEN);
            t.gaussian(p + "mlp.down_proj.weight", 0, 0.1, HIDDEN, INTERMEDIATE);
        }
        t.gaussian("model.norm.weight", 1, 0.1, HIDDEN);
        if (!(Boolean) config.get("tie_word_embeddings")) {
            t.gaussian("lm_head.weight", 0, 0.2, VOCAB, HIDDEN);
        }
    }

    private static final int GPT2_POSITIONS = 64;

    private static Map<String, Object> gpt2Config() {
        Map<String, Object> c = new TreeMap<>();
        c.put("activation_function", "gelu_new");
        c.put("architectures", List.of("GPT2LMHeadModel"));
        c.put("attn_pdrop", 0.1);
        c.put("bos_token_id", BOS);
        c.put("embd_pdrop", 0.1);
        c.put("eos_token_id", EOS);
        c.put("initializer_range", 0.02);
        c.put("layer_norm_epsilon", 1e-5);
        c.put("model_type", "gpt2");
        c.put("n_ctx", GPT2_POSITIONS);
        c.put("n_embd", HIDDEN);
        c.put("n_head", HEADS);
        c.put("n_inner", null);
        c.put("n_layer", LAYERS);
        c.put("n_positions", GPT2_POSITIONS);
        c.put("reorder_and_upcast_attn", false);
        c.put("resid_pdrop", 0.1);
        c.put("scale_attn_by_inverse_layer_idx", false);
        c.put("scale_attn_weights", true);
        c.put("summary_activation", null);
        c.put("summary_first_dropout", 0.1);
        c.put("summary_proj_to_labels", true);
        c.put("summary_type", "cls_index");
        c.put("summary_use_proj", true);
        c.put("torch_dtype", "float32");
        c.put("transformers_version", "4.46.0");
        c.put("use_cache", true);
        c.put("vocab_size", VOCAB);
        return c;
    }

    private static void gpt2Weights(Tensors t) {
        int inner = 4 * HIDDEN;
        t.gaussian("transformer.wte.weight", 0, 0.2, VOCAB, HIDDEN);
        t.gaussian("transformer.wpe.weight", 0, 0.05, GPT2_POSITIONS, HIDDEN);
        for (int i = 0; i < LAYERS; i++) {
            String p = "transformer.h." + i + ".";
            t.gaussian(p + "ln_1.weight", 1, 0.1, HIDDEN);
            t.gaussian(p + "ln_1.bias", 0, 0.05, HIDDEN);
            t.gaussian(p + "attn.c_attn.weight", 0, 0.1, HIDDEN, 3 * HIDDEN);
            t.gaussian(p + "attn.c_attn.bias", 0, 0.1, 3 * HIDDEN);
            t.gaussian(p + "attn.c_proj.weight", 0, 0.1, HIDDEN, HIDDEN);
            t.gaussian(p + "attn.c_proj.bias", 0, 0.05, HIDDEN);
            t.gaussian(p + "ln_2.weight", 1, 0.1, HIDDEN);
            t.gaussian(p + "ln_2.bias", 0, 0.05, HIDDEN);
            t.gaussian(p + "mlp.c_fc.weight", 0, 0.1, HIDDEN, inner);
            t.gaussian(p + "mlp.c_fc.bias", 0, 0.1, inner);
            t.gaussian(p + "mlp.c_proj.weight", 0, 0.1, inner, HIDDEN);
            t.gaussian(p + "mlp.c_proj.bias", 0, 0.05, HIDDEN);
        }
        t.gaussian("transformer.ln_f.weight", 1, 0.1, HIDDEN);
        t.gaussian("transformer.ln_f.bias", 0, 0.05, HIDDEN);
    }

    private static Map<String, Object> generationConfig(Variant v) {
        return switch (v) {
            case GPT2 -> null;
            case LLAMA3_ROPE -> ordered("bos_token_id", BOS, "do_sample", true, "eos_token_id", List.of(EOS, 3),
                    "temperature", 0.6, "top_p", 0.9, "transformers_version", "4.46.0");
            default -> ordered("bos_token_id", BOS, "eos_token_id", EOS, "transformers_version", "4.46.0");
        };
    }
}
