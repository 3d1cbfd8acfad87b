package io.llmops4j.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmops4j.core.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The architecture hyper-parameters read from a Hugging Face {@code config.json}, normalised across the
 * supported families so that one transformer implementation serves them all.
 *
 * @param architecture      the family
 * @param hiddenSize        model width
 * @param intermediateSize  MLP width
 * @param numLayers         decoder layers
 * @param numHeads          query heads
 * @param numKvHeads        key/value heads (fewer than {@code numHeads} for grouped-query attention)
 * @param headDim           width of one head
 * @param vocabSize         vocabulary size
 * @param maxPositions      context length ({@code max_position_embeddings} / {@code n_positions})
 * @param normEps           epsilon of RMSNorm / LayerNorm
 * @param activation        MLP activation ({@code silu}, {@code gelu}, {@code gelu_new}, {@code relu}, ...)
 * @param qkvBias           q/k/v projections have biases
 * @param outputBias        the attention output projection has a bias
 * @param mlpBias           MLP projections have biases
 * @param qkNorm            queries and keys are RMS-normalised per head before RoPE (Qwen3's {@code q_norm} and
 *                          {@code k_norm}, each a {@code [head_dim]} scale, with {@code rms_norm_eps})
 * @param tieWordEmbeddings the output head reuses the input embedding matrix
 * @param slidingWindows    per layer, its attention window in tokens, 0 for full causal attention
 * @param rope              rotary embedding settings, {@code null} for learned positions (GPT-2)
 * @param bosTokenId        BOS id or -1
 * @param eosTokenIds       EOS ids (may be empty)
 */
public record ModelConfig(Architecture architecture, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                          int numKvHeads, int headDim, int vocabSize, int maxPositions, double normEps,
                          String activation, boolean qkvBias, boolean outputBias, boolean mlpBias,
                          boolean qkNorm, boolean tieWordEmbeddings, List<Integer> slidingWindows, RopeConfig rope,
                          int bosTokenId, List<Integer> eosTokenIds) {

    public ModelConfig {
        slidingWindows = List.copyOf(slidingWindows);
        eosTokenIds = List.copyOf(eosTokenIds);
        if (slidingWindows.size() != numLayers) {
            throw new IllegalArgumentException("one sliding window per layer: " + numLayers + " layers, "
                    + slidingWindows.size() + " windows");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads and validates {@code dir/config.json}. */
    public static ModelConfig read(Path dir) {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file + ": file not found (a Hugging Face checkpoint directory needs config.json)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(file + ": expected a JSON object at the top level");
        }
        return parse(root, file.toString());
    }

    /** Parses an already-read config object; {@code source} names it in error messages. */
    public static ModelConfig parse(JsonNode root, String source) {
        Fields f = new Fields(root, source);
        Architecture arch = Architecture.fromConfig(root, source);
        return switch (arch) {
            case GPT2 -> gpt2(f, arch);
            case LLAMA, MISTRAL, QWEN2, QWEN3 -> llamaFamily(f, arch);
        };
    }

    private static ModelConfig llamaFamily(Fields f, Architecture arch) {
        int hidden = f.positiveInt("hidden_size", null);
        int heads = f.positiveInt("num_attention_heads", null);
        int kvHeads = f.positiveInt("num_key_value_heads", heads);
        if (heads % kvHeads != 0) {
            throw f.error("num_key_value_heads", "a divisor of num_attention_heads (" + heads + ")", kvHeads);
        }
        int headDim = f.has("head_dim") ? f.positiveInt("head_dim", null) : defaultHeadDim(arch, hidden, heads);
        if (!f.has("head_dim") && arch != Architecture.QWEN3 && hidden % heads != 0) {
            throw f.error("hidden_size", "a multiple of num_attention_heads (" + heads + ")", hidden);
        }
        if (headDim % 2 != 0) {
            throw f.error("head_dim", "an even number (rotary embeddings rotate pairs)", headDim);
        }
        int maxPos = f.positiveInt("max_position_embeddings", 2048);
        boolean attentionBias = f.bool("attention_bias", false);
        // Qwen2: q/k/v biases always, never o_proj's; the others (Qwen3 too): all four only with attention_bias
        boolean qkvBias = arch == Architecture.QWEN2 || attentionBias;
        boolean outputBias = arch != Architecture.QWEN2 && attentionBias;
        boolean qkNorm = arch == Architecture.QWEN3;
        int layers = f.positiveInt("num_hidden_layers", null);
        return new ModelConfig(arch, hidden, f.positiveInt("intermediate_size", null), layers, heads, kvHeads, headDim,
                f.positiveInt("vocab_size", null), maxPos, f.positiveDouble("rms_norm_eps", 1e-6),
                f.activation("hidden_act", "silu"), qkvBias, outputBias, f.bool("mlp_bias", false), qkNorm,
                f.bool("tie_word_embeddings", false), slidingWindows(f, arch, layers), RopeConfig.parse(f, headDim, maxPos),
                f.tokenId("bos_token_id"), f.tokenIds("eos_token_id"));
    }

    /**
     * The head width when config.json gives none: {@code Qwen3Config}'s default {@code head_dim} of 128 (it is not
     * derived from the width there), else {@code hidden_size / num_attention_heads}.
     */
    private static int defaultHeadDim(Architecture arch, int hidden, int heads) {
        return arch == Architecture.QWEN3 ? 128 : hidden / heads;
    }

    /** Whether the family windows attention as Qwen2 does: only with {@code use_sliding_window}, per layer. */
    private static boolean qwenWindows(Architecture arch) {
        return arch == Architecture.QWEN2 || arch == Architecture.QWEN3;
    }

    /**
     * The attention window of each layer, as transformers sets it: Mistral windows every layer by
     * {@code sliding_window}; Qwen2 and Qwen3 only with {@code use_sliding_window}, and then the layers that
     * {@code layer_types} marks {@code sliding_attention}, or without that list the layers from
     * {@code max_window_layers} (default 28) on. 0 means full causal attention.
     */
    private static List<Integer> slidingWindows(Fields f, Architecture arch, int layers) {
        int window = 0;
        if (arch == Architecture.MISTRAL || qwenWindows(arch) && f.bool("use_sliding_window", false)) {
            window = f.nonNegativeInt("sliding_window", 0);
        }
        Integer[] windows = new Integer[layers];
        java.util.Arrays.fill(windows, window);
        if (qwenWindows(arch) && window > 0) {
            if (f.has("layer_types")) {
                JsonNode types = f.node("layer_types");
                if (!types.isArray() || types.size() != layers) {
                    throw f.error("layer_types", "a list of " + layers + " layer types (num_hidden_layers)", types);
                }
                for (int i = 0; i < layers; i++) {
                    String type = types.get(i).asText();
                    if (!type.equals("sliding_attention") && !type.equals("full_attention")) {
                        throw f.error("layer_types", "entries \"full_attention\" or \"sliding_attention\"",
                                types.get(i));
                    }
                    windows[i] = type.equals("sliding_attention") ? window : 0;
                }
            } else {
                int from = f.nonNegativeInt("max_window_layers", 28);
                for (int i = 0; i < Math.min(from, layers); i++) {
                    windows[i] = 0;
                }
            }
        }
        return List.of(windows);
    }

    /** Layer {@code layer}'s attention window in tokens, 0 for full causal attention. */
    public int slidingWindow(int layer) {
        return slidingWindows.get(layer);
    }

    private static ModelConfig gpt2(Fields f, Architecture arch) {
        int hidden = f.positiveInt("n_embd", 768);
        int heads = f.positiveInt("n_head", 12);
        if (hidden % heads != 0) {
            throw f.error("n_embd", "a multiple of n_head (" + heads + ")", hidden);
        }
        int inner = f.has("n_inner") ? f.positiveInt("n_inner", null) : 4 * hidden;
        if (f.bool("scale_attn_by_inverse_layer_idx", false) || f.bool("reorder_and_upcast_attn", false)) {
            throw new ModelFormatException(f.source + ": scale_attn_by_inverse_layer_idx / reorder_and_upcast_attn "
                    + "are not supported (expected false)");
        }
        int layers = f.positiveInt("n_layer", 12);
        return new ModelConfig(arch, hidden, inner, layers, heads, heads, hidden / heads,
                f.positiveInt("vocab_size", 50257), f.positiveInt("n_positions", 1024),
                f.positiveDouble("layer_norm_epsilon", 1e-5), f.activation("activation_function", "gelu_new"),
                true, true, true, false, f.bool("tie_word_embeddings", true), java.util.Collections.nCopies(layers, 0), null,
                f.tokenId("bos_token_id"), f.tokenIds("eos_token_id"));
    }

    /**
     * The longest sequence the model accepts: {@code max_position_embeddings}, or for dynamic NTK RoPE (which
     * exists to extrapolate past its trained context) that times the scaling factor.
     */
    public int contextLength() {
        if (rope != null && rope.type().equals("dynamic")) {
            return (int) Math.min(Integer.MAX_VALUE, (long) Math.floor(maxPositions * rope.factor()));
        }
        return maxPositions;
    }

    /** Number of parameters of the model (embeddings counted once when tied). */
    public long parameterCount() {
        long h = hiddenSize;
        long q = (long) numHeads * headDim;
        long kv = (long) numKvHeads * headDim;
        long attn = h * q + 2 * h * kv + q * h + (qkvBias ? q + 2 * kv : 0) + (outputBias ? h : 0);
        boolean gated = architecture != Architecture.GPT2;
        long mlp = (gated ? 3 : 2) * h * intermediateSize + (mlpBias ? (gated ? 2 : 1) * intermediateSize + h : 0);
        long norms = (architecture == Architecture.GPT2 ? 4 * h : 2 * h) + (qkNorm ? 2L * headDim : 0);
        long perLayer = attn + mlp + norms;
        long embed = (long) vocabSize * h + (architecture == Architecture.GPT2 ? (long) maxPositions * h : 0);
        long head = tieWordEmbeddings ? 0 : (long) vocabSize * h;
        long finalNorm = architecture == Architecture.GPT2 ? 2 * h : h;
        return numLayers * perLayer + embed + head + finalNorm;
    }

    /** Typed access to config fields with messages that name the file, the field and what was expected. */
    static final class Fields {
        private final JsonNode root;
        final String source;

        Fields(JsonNode root, String source) {
            this.root = root;
            this.source = source;
        }

        /** Whether the field is given: present and not JSON null (transformers reads null as "use the default"). */
        boolean has(String name) {
            return root.hasNonNull(name);
        }

        JsonNode node(String name) {
            return root.get(name);
        }

        ModelFormatException error(String field, String expected, Object found) {
            return new ModelFormatException(source + ": field '" + field + "' must be " + expected + ", found " + found);
        }

        int positiveInt(String name, Integer defaultValue) {
            JsonNode n = root.get(name);
            if (n == null || n.isNull()) {
                if (defaultValue == null) {
                    throw new ModelFormatException(source + ": required field '" + name + "' is missing");
                }
                return defaultValue;
            }
            if (!n.canConvertToExactIntegral() || !n.canConvertToInt() || n.asInt() <= 0) {
                throw error(name, "a positive integer", n);
            }
            return n.asInt();
        }

        int nonNegativeInt(String name, int defaultValue) {
            JsonNode n = root.get(name);
            if (n == null || n.isNull()) {
                return defaultValue;
            }
            if (!n.canConvertToExactIntegral() || !n.canConvertToInt() || n.asInt() < 0) {
                throw error(name, "a non-negative integer or null", n);
            }
            return n.asInt();
        }

        double positiveDouble(String name, double defaultValue) {
            JsonNode n = root.get(name);
            if (n == null || n.isNull()) {
                return defaultValue;
            }
            if (!n.isNumber() || !(n.asDouble() > 0)) {
                throw error(name, "a positive number", n);
            }
            return n.asDouble();
        }

        boolean bool(String name, boolean defaultValue) {
            JsonNode n = root.get(name);
            if (n == null || n.isNull()) {
                return defaultValue;
            }
            if (!n.isBoolean()) {
                throw error(name, "true or false", n);
            }
            return n.asBoolean();
        }

        String activation(String name, String defaultValue) {
            JsonNode n = root.get(name);
            String act = n == null || n.isNull() ? defaultValue : n.asText().toLowerCase(Locale.ROOT);
            if (!Activation.isSupported(act)) {
                throw error(name, "one of " + Activation.SUPPORTED, "'" + act + "'");
            }
            return act;
        }

        int tokenId(String name) {
            List<Integer> ids = tokenIds(name);
            return ids.isEmpty() ? -1 : ids.get(0);
        }

        List<Integer> tokenIds(String name) {
            JsonNode n = root.get(name);
            List<Integer> ids = new ArrayList<>();
            if (n == null || n.isNull()) {
                return ids;
            }
            if (n.isArray()) {
                for (JsonNode e : n) {
                    ids.add(checkedId(name, e));
                }
            } else {
                ids.add(checkedId(name, n));
            }
            return List.copyOf(ids);
        }

        private int checkedId(String name, JsonNode n) {
            if (!n.canConvertToExactIntegral() || !n.canConvertToInt() || n.asInt() < 0) {
                throw error(name, "a token id (non-negative integer) or a list of them", n);
            }
            return n.asInt();
        }
    }
}
