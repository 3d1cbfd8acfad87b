package io.llmops4j.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmops4j.core.GenerationConfig;
import io.llmops4j.core.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The checkpoint's own generation defaults from {@code generation_config.json}: sampling settings and the
 * end-of-sequence ids ({@code eos_token_id} may be a single id or a list), read as transformers reads them:
 * greedy unless {@code do_sample} is true (then {@code temperature}, {@code top_p}, {@code min_p} and
 * {@code top_k}, which is 50 when absent and off when null or 0), {@code repetition_penalty} and
 * {@code max_new_tokens}. {@code max_length} (a limit on prompt plus generation) is not used: without
 * {@code max_new_tokens} the default of {@link GenerationConfig} applies, and the context length always bounds a
 * request. {@code do_sample} with {@code temperature} 0, which transformers refuses when generating, means greedy.
 *
 * @param config   the defaults as a {@link GenerationConfig} (greedy unless {@code do_sample} is true)
 * @param eosIds   ids that end a generation by default
 */
public record GenerationDefaults(GenerationConfig config, Set<Integer> eosIds) {

    /** Reads {@code dir/generation_config.json} if present; falls back to {@code cfg}'s EOS ids. */
    public static GenerationDefaults read(Path dir, ModelConfig cfg) {
        Set<Integer> eos = new LinkedHashSet<>(cfg.eosTokenIds());
        Path file = dir.resolve("generation_config.json");
        if (!Files.isRegularFile(file)) {
            return new GenerationDefaults(GenerationConfig.defaults(), Set.copyOf(eos));
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(file + ": expected a JSON object at the top level");
        }
        ModelConfig.Fields f = new ModelConfig.Fields(root, file.toString());
        List<Integer> ids = f.tokenIds("eos_token_id");
        if (!ids.isEmpty()) {
            eos = new LinkedHashSet<>(ids);
        }
        GenerationConfig.Builder b = GenerationConfig.builder();
        if (f.bool("do_sample", false)) {
            b.temperature(number(f, root, "temperature", 1.0));
            // transformers: top_k 50 when the file does not set it; an explicit null (or 0) turns top-k off
            b.topK(root.has("top_k") ? (int) number(f, root, "top_k", 0) : 50);
            b.topP(number(f, root, "top_p", 1.0));
            if (root.has("min_p") && !root.get("min_p").isNull()) {
                b.minP(number(f, root, "min_p", 0));
            }
        }
        if (root.has("repetition_penalty") && !root.get("repetition_penalty").isNull()) {
            b.repetitionPenalty(number(f, root, "repetition_penalty", 1.0));
        }
        if (root.has("max_new_tokens") && !root.get("max_new_tokens").isNull()) {
            b.maxNewTokens(f.positiveInt("max_new_tokens", null));
        }
        try {
            return new GenerationDefaults(b.build(), Set.copyOf(eos));
        } catch (RuntimeException e) {
            throw new ModelFormatException(file + ": " + e.getMessage(), e);
        }
    }

    private static double number(ModelConfig.Fields f, JsonNode root, String name, double defaultValue) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return defaultValue;
        }
        if (!n.isNumber()) {
            throw f.error(name, "a number", n);
        }
        return n.asDouble();
    }
}
