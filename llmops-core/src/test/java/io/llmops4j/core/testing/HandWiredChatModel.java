package io.llmops4j.core.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmops4j.core.safetensors.DType;
import io.llmops4j.core.safetensors.SafetensorsWriter;
import io.llmops4j.core.testing.TinyCheckpoints.Variant;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tiny Llama checkpoint whose weights are set by hand so that it writes a known reply: attention and MLP outputs
 * are zero, so each position's logits depend on its own token alone; the embedding puts token t on its own axis and
 * the output head maps that axis to the token that follows t. With a word-level tokenizer over {@code vocab} and a
 * chat template, greedy decoding from a prompt's last token then follows the given edges. Token 2 is the EOS that
 * TinyCheckpoints' generation config stops on.
 */
public final class HandWiredChatModel {
    /** One tool, {@code get_weather(city)}, in the OpenAI form chat templates take. */
    public static final List<Object> WEATHER_TOOLS = List.of("{\"type\": \"function\", \"function\": {\"name\": "
            + "\"get_weather\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": "
            + "\"string\"}}}}}");

    /** Greedy decoding of at most {@code maxNewTokens}: the replies these hand-wired models give. */
    public static io.llmops4j.core.GenerationConfig greedy(int maxNewTokens) {
        return io.llmops4j.core.GenerationConfig.builder().temperature(0).maxNewTokens(maxNewTokens).build();
    }

    private HandWiredChatModel() {
    }

    /**
     * Writes the checkpoint into {@code dir}.
     *
     * @param vocab    the tokenizer's words, id = index
     * @param next     edges {@code {a, b}}: after token a the model writes token b
     * @param added    ids of the tokenizer's added tokens
     * @param special  which of those are special (left out when decoding skips special tokens)
     * @param template the chat template
     */
    public static Path write(Path dir, String[] vocab, int[][] next, Set<Integer> added, Set<Integer> special,
                             String template) throws IOException {
        TinyCheckpoint ckpt = TinyCheckpoints.write(dir, Variant.LLAMA, 1);
        int hidden = ((Number) ckpt.config().get("hidden_size")).intValue();
        int vocabSize = ((Number) ckpt.config().get("vocab_size")).intValue();
        if (vocab.length > hidden || vocab.length > vocabSize) {
            throw new IllegalArgumentException(vocab.length + " words do not fit " + hidden + " axes");
        }
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        ckpt.shapes().forEach((name, shape) -> {
            float[] v = new float[ckpt.weights().get(name).length];
            if (name.endsWith("norm.weight")) {
                Arrays.fill(v, 1f);
            } else if (name.equals("model.embed_tokens.weight")) {
                for (int t = 0; t < vocab.length; t++) {
                    v[t * hidden + t] = 1f; // token t on axis t
                }
            } else if (name.equals("lm_head.weight")) {
                for (int[] edge : next) {
                    v[edge[1] * hidden + edge[0]] = 1f; // axis of token a -> logit of token b
                }
            }
            w.add(name, DType.F32, shape, v);
        });
        w.write(ckpt.dir().resolve("model.safetensors"));
        ObjectMapper json = new ObjectMapper();
        Map<String, Integer> ids = new LinkedHashMap<>();
        List<Map<String, Object>> addedTokens = new ArrayList<>();
        for (int t = 0; t < vocab.length; t++) {
            ids.put(vocab[t], t);
            if (added.contains(t)) {
                addedTokens.add(Map.of("id", t, "content", vocab[t], "single_word", false, "lstrip", false,
                        "rstrip", false, "normalized", false, "special", special.contains(t)));
            }
        }
        Map<String, Object> tokenizer = new LinkedHashMap<>();
        tokenizer.put("version", "1.0");
        tokenizer.put("added_tokens", addedTokens);
        tokenizer.put("pre_tokenizer", Map.of("type", "WhitespaceSplit"));
        tokenizer.put("model", Map.of("type", "WordLevel", "vocab", ids, "unk_token", vocab[0]));
        json.writeValue(ckpt.dir().resolve("tokenizer.json").toFile(), tokenizer);
        json.writeValue(ckpt.dir().resolve("tokenizer_config.json").toFile(),
                Map.of("chat_template", template, "eos_token", vocab[2], "bos_token", vocab[1]));
        return ckpt.dir();
    }
}
