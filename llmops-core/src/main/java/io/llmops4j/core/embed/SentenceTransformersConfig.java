package io.llmops4j.core.embed;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmops4j.core.ModelFormatException;
import io.llmops4j.core.Similarity;
import io.llmops4j.core.tokenizer.HfTokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads what a sentence-transformers export does after its transformer: {@code modules.json} (which modules run,
 * in order), the pooling module's {@code config.json} (usually {@code 1_Pooling/config.json}) and each Dense
 * module's directory ({@link DenseLayer}).
 *
 * <p>Supported pipelines are a transformer (the ONNX model stands in for it), one {@code Pooling} module, any
 * number of {@code Dense} modules after it (applied in order to the pooled vector) and an optional
 * {@code Normalize} module last. Any other module ({@code LayerNorm}, {@code WeightedLayerPooling}, ...) changes
 * the vectors in a way this embedder does not reproduce, so it is rejected rather than silently skipped.
 *
 * <p>Without {@code modules.json} the vectors are L2-normalised, and pooled as {@code 1_Pooling/config.json} says
 * when that file exists, else by mean: what {@link OnnxEmbedder} did before it read these files, and right for the
 * all-MiniLM family it was written for.
 */
final class SentenceTransformersConfig {
    static final String MODULES_FILE = "modules.json";
    static final String DEFAULT_POOLING_DIR = "1_Pooling";
    static final String POOLING_CONFIG_FILE = "config.json";
    static final String SENTENCE_BERT_CONFIG_FILE = "sentence_bert_config.json";
    static final String ST_CONFIG_FILE = "config_sentence_transformers.json";
    private static final String PROMPTS = "prompts";
    private static final String DEFAULT_PROMPT_NAME = "default_prompt_name";
    private static final String SIMILARITY_FN_NAME = "similarity_fn_name";
    private static final String MODEL_CONFIG_FILE = "config.json";
    private static final String TOKENIZER_CONFIG_FILE = "tokenizer_config.json";
    private static final String MAX_SEQ_LENGTH = "max_seq_length";
    private static final String DO_LOWER_CASE = "do_lower_case";
    private static final String MAX_POSITION_EMBEDDINGS = "max_position_embeddings";
    private static final String MODEL_MAX_LENGTH = "model_max_length";

    private static final String ST_MODELS = "sentence_transformers.models.";
    private static final String TRANSFORMER = ST_MODELS + "Transformer";
    private static final String POOLING = ST_MODELS + "Pooling";
    private static final String NORMALIZE = ST_MODELS + "Normalize";
    private static final String DENSE = ST_MODELS + "Dense";

    private static final String WORD_EMBEDDING_DIMENSION = "word_embedding_dimension";
    private static final String POOLING_MODE = "pooling_mode";
    private static final String INCLUDE_PROMPT = "include_prompt";

    /**
     * The post-transformer pipeline of an export.
     *
     * @param modes the pooling modes, concatenated in enum order
     * @param dense the Dense modules applied to the pooled vector, in order
     * @param normalize whether the vector is L2-normalised last
     * @param wordEmbeddingDimension the hidden size the pooling config declares, or null when it does not
     * @param includePrompt the pooling config's {@code include_prompt}
     * @param source the pooling config file, for messages
     */
    record Pipeline(Set<PoolingMode> modes, List<DenseLayer> dense, boolean normalize, Integer wordEmbeddingDimension,
                    boolean includePrompt, String source) {
        Pipeline {
            modes = Collections.unmodifiableSet(EnumSet.copyOf(modes));
            dense = List.copyOf(dense);
        }
    }

    /**
     * What sentence-transformers' Transformer module takes from an export besides the model.
     *
     * @param maxSequenceLength the longest input in tokens, or null when no file says
     * @param lowerCase whether texts are lowercased before tokenizing
     * @param source where the limit comes from, for messages
     */
    record Transformer(Integer maxSequenceLength, boolean lowerCase, String source) {
    }

    /**
     * The settings of an export's {@code config_sentence_transformers.json}.
     *
     * @param prompts prompt texts by name, in file order
     * @param defaultName the name of the prompt put before every text by default, or null
     * @param similarity the similarity function the model is meant to be compared with
     */
    record Settings(Map<String, String> prompts, String defaultName, Similarity similarity) {
        Settings {
            prompts = Collections.unmodifiableMap(new LinkedHashMap<>(prompts));
        }
    }

    private SentenceTransformersConfig() {
    }

    /**
     * The {@code prompts}, {@code default_prompt_name} and {@code similarity_fn_name} of
     * {@code config_sentence_transformers.json} in {@code dir} (no prompts and cosine without the file or the
     * fields). As in sentence-transformers, the default name must be one of the prompts and the function one of
     * {@code cosine}, {@code dot}, {@code euclidean}, {@code manhattan}; the file's versions are not read.
     */
    static Settings readSettings(Path dir) {
        Path file = dir.resolve(ST_CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            return new Settings(Map.of(), null, Similarity.COSINE);
        }
        JsonNode config = parse(file);
        if (!config.isObject()) {
            throw new ModelFormatException(file + ": expected a JSON object, found " + kind(config));
        }
        Similarity similarity = Similarity.COSINE;
        JsonNode function = config.path(SIMILARITY_FN_NAME);
        if (!function.isMissingNode() && !function.isNull()) {
            similarity = Similarity.ofConfigName(function.isTextual() ? function.asText() : null)
                    .orElseThrow(() -> new ModelFormatException(file + ": field '" + SIMILARITY_FN_NAME
                            + "': expected one of " + Arrays.stream(Similarity.values())
                            .map(Similarity::configName).toList() + ", found " + kind(function)));
        }
        Map<String, String> prompts = new LinkedHashMap<>();
        JsonNode node = config.path(PROMPTS);
        if (!node.isMissingNode() && !node.isNull()) {
            if (!node.isObject()) {
                throw new ModelFormatException(file + ": field '" + PROMPTS + "': expected an object of prompt "
                        + "texts by name, found " + kind(node));
            }
            for (Map.Entry<String, JsonNode> prompt : node.properties()) {
                if (!prompt.getValue().isTextual()) {
                    throw new ModelFormatException(file + ": field '" + PROMPTS + "." + prompt.getKey()
                            + "': expected the prompt's text as a string, found " + kind(prompt.getValue()));
                }
                prompts.put(prompt.getKey(), prompt.getValue().asText());
            }
        }
        JsonNode name = config.path(DEFAULT_PROMPT_NAME);
        if (name.isMissingNode() || name.isNull()) {
            return new Settings(prompts, null, similarity);
        }
        if (!name.isTextual() || !prompts.containsKey(name.asText())) {
            throw new ModelFormatException(file + ": field '" + DEFAULT_PROMPT_NAME + "': expected one of the "
                    + "prompt names " + prompts.keySet() + ", found " + kind(name));
        }
        return new Settings(prompts, name.asText(), similarity);
    }

    /**
     * The Transformer settings of the export in {@code dir}: {@code max_seq_length} and {@code do_lower_case} of
     * {@code sentence_bert_config.json}; without a {@code max_seq_length}, as sentence-transformers then does, the
     * smaller of {@code max_position_embeddings} in {@code config.json} and {@code model_max_length} in
     * {@code tokenizer_config.json} (either may be missing; a {@code model_max_length} beyond the int range, the
     * "no limit" tokenizers write, counts as missing).
     */
    static Transformer readTransformer(Path dir) {
        Path file = dir.resolve(SENTENCE_BERT_CONFIG_FILE);
        Integer max = null;
        boolean lowerCase = false;
        if (Files.isRegularFile(file)) {
            JsonNode config = parse(file);
            if (!config.isObject()) {
                throw new ModelFormatException(file + ": expected a JSON object, found " + kind(config));
            }
            JsonNode length = config.path(MAX_SEQ_LENGTH);
            if (!length.isMissingNode() && !length.isNull()) {
                if (!length.isIntegralNumber() || !length.canConvertToInt() || length.asInt() < 2) {
                    throw new ModelFormatException(file + ": field '" + MAX_SEQ_LENGTH + "': expected an integer of "
                            + "at least 2, found " + length);
                }
                max = length.asInt();
            }
            JsonNode lower = config.path(DO_LOWER_CASE);
            lowerCase = !lower.isMissingNode() && !lower.isNull() && bool(file, DO_LOWER_CASE, lower);
        }
        if (max != null) {
            return new Transformer(max, lowerCase, file + ": field '" + MAX_SEQ_LENGTH + "'");
        }
        Integer positions = positiveInt(dir.resolve(MODEL_CONFIG_FILE), MAX_POSITION_EMBEDDINGS);
        Integer tokenizerMax = positiveInt(dir.resolve(TOKENIZER_CONFIG_FILE), MODEL_MAX_LENGTH);
        if (positions == null && tokenizerMax == null) {
            return new Transformer(null, lowerCase, "no limit in " + dir);
        }
        boolean fromPositions = tokenizerMax == null || positions != null && positions <= tokenizerMax;
        return new Transformer(fromPositions ? positions : tokenizerMax, lowerCase, fromPositions
                ? dir.resolve(MODEL_CONFIG_FILE) + ": field '" + MAX_POSITION_EMBEDDINGS + "'"
                : dir.resolve(TOKENIZER_CONFIG_FILE) + ": field '" + MODEL_MAX_LENGTH + "'");
    }

    /** Field {@code field} of JSON file {@code file} if both exist and it is an int of at least 2, else null. */
    private static Integer positiveInt(Path file, String field) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode value = parse(file).path(field);
        return value.isIntegralNumber() && value.canConvertToInt() && value.asInt() >= 2 ? value.asInt() : null;
    }

    /** The pipeline of the export in {@code dir}. */
    static Pipeline read(Path dir) {
        Path modulesFile = dir.resolve(MODULES_FILE);
        Path poolingFile;
        boolean normalize;
        List<DenseLayer> dense = new ArrayList<>();
        if (Files.isRegularFile(modulesFile)) {
            JsonNode modules = parse(modulesFile);
            if (!modules.isArray()) {
                throw new ModelFormatException(modulesFile + ": expected a JSON array of modules, found "
                        + kind(modules));
            }
            Path poolingDir = null;
            normalize = false;
            List<String> types = new ArrayList<>();
            for (int i = 0; i < modules.size(); i++) {
                JsonNode module = modules.get(i);
                if (!module.isObject()) {
                    throw new ModelFormatException(modulesFile + ": module " + i + ": expected a JSON object, found "
                            + kind(module));
                }
                JsonNode typeNode = module.get("type");
                if (typeNode == null || !typeNode.isTextual()) {
                    throw new ModelFormatException(modulesFile + ": field 'type' of module " + i
                            + ": expected a string, found " + (typeNode == null ? "no such field" : kind(typeNode)));
                }
                String type = typeNode.asText();
                types.add(type);
                if (i == 0) {
                    // the ONNX model replaces the transformer, including custom wrappers such as custom_st.Transformer
                    if (!isTransformer(type)) {
                        throw new ModelFormatException(modulesFile + ": field 'type' of module 0: expected "
                                + TRANSFORMER + " (the transformer the ONNX model was exported from), found " + type);
                    }
                } else if (is(type, POOLING)) {
                    if (poolingDir != null) {
                        throw new ModelFormatException(modulesFile + ": field 'type' of module " + i
                                + ": expected one " + POOLING + " module, found a second one");
                    }
                    if (normalize) {
                        throw new ModelFormatException(modulesFile + ": field 'type' of module " + i + ": expected "
                                + POOLING + " before " + NORMALIZE + ", found it after");
                    }
                    poolingDir = moduleDir(dir, modulesFile, module, i);
                } else if (is(type, DENSE)) {
                    if (poolingDir == null) {
                        throw new ModelFormatException(modulesFile + ": field 'type' of module " + i + ": expected "
                                + DENSE + " after a " + POOLING + " module (this embedder applies Dense to the "
                                + "pooled vector), found it before");
                    }
                    if (normalize) {
                        throw new ModelFormatException(modulesFile + ": field 'type' of module " + i + ": expected "
                                + DENSE + " before " + NORMALIZE + ", found it after");
                    }
                    dense.add(DenseLayer.read(moduleDir(dir, modulesFile, module, i)));
                } else if (is(type, NORMALIZE)) {
                    if (poolingDir == null) {
                        throw new ModelFormatException(modulesFile + ": field 'type' of module " + i + ": expected "
                                + NORMALIZE + " after a " + POOLING + " module, found it before");
                    }
                    normalize = true;
                } else {
                    throw new ModelFormatException(modulesFile + ": field 'type' of module " + i + ": expected "
                            + POOLING + ", " + DENSE + " or " + NORMALIZE + " (the modules this embedder applies), "
                            + "found " + type);
                }
            }
            if (poolingDir == null) {
                throw new ModelFormatException(modulesFile + ": expected a " + POOLING + " module, found types "
                        + types);
            }
            poolingFile = poolingDir.resolve(POOLING_CONFIG_FILE);
            if (!Files.isRegularFile(poolingFile)) {
                throw new ModelFormatException(poolingFile + ": not found (" + modulesFile
                        + " names '" + dir.relativize(poolingDir) + "' as the pooling module's directory)");
            }
        } else {
            normalize = true;
            poolingFile = dir.resolve(DEFAULT_POOLING_DIR).resolve(POOLING_CONFIG_FILE);
            if (!Files.isRegularFile(poolingFile)) {
                return new Pipeline(EnumSet.of(PoolingMode.MEAN), List.of(), true, null, true,
                        "no " + MODULES_FILE + " or " + DEFAULT_POOLING_DIR + "/" + POOLING_CONFIG_FILE);
            }
        }
        return readPooling(poolingFile, dense, normalize);
    }

    /** The directory module {@code i} of {@code modules.json} names in its {@code path}: inside {@code dir}. */
    private static Path moduleDir(Path dir, Path modulesFile, JsonNode module, int i) {
        JsonNode path = module.get("path");
        if (path == null || !path.isTextual()) {
            throw new ModelFormatException(modulesFile + ": field 'path' of module " + i
                    + ": expected the module's directory as a string, found "
                    + (path == null ? "no such field" : kind(path)));
        }
        Path moduleDir = dir.resolve(path.asText()).normalize();
        if (!moduleDir.startsWith(dir.normalize())) {
            throw new ModelFormatException(modulesFile + ": field 'path' of module " + i + ": expected a "
                    + "directory inside " + dir + ", found '" + path.asText() + "'");
        }
        return moduleDir;
    }

    /**
     * Parses a pooling {@code config.json} the way sentence-transformers' {@code Pooling(**config)} reads it: a
     * missing {@code pooling_mode_mean_tokens} means true, every other missing mode false, and a
     * {@code pooling_mode} string, when present, overrides all the booleans. A field Pooling does not take is
     * rejected, as sentence-transformers rejects it.
     */
    static Pipeline readPooling(Path file, List<DenseLayer> dense, boolean normalize) {
        JsonNode config = parse(file);
        if (!config.isObject()) {
            throw new ModelFormatException(file + ": expected a JSON object, found " + kind(config));
        }
        Set<PoolingMode> on = EnumSet.of(PoolingMode.MEAN);
        Integer dimension = null;
        boolean includePrompt = true;
        PoolingMode named = null;
        for (Map.Entry<String, JsonNode> field : config.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            switch (name) {
                case WORD_EMBEDDING_DIMENSION -> {
                    if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1) {
                        throw new ModelFormatException(file + ": field '" + name + "': expected a positive integer, "
                                + "found " + value);
                    }
                    dimension = value.asInt();
                }
                case POOLING_MODE -> {
                    if (value.isNull()) {
                        continue;
                    }
                    named = value.isTextual() ? byName(value.asText().toLowerCase(Locale.ROOT)) : null;
                    if (named == null) {
                        throw new ModelFormatException(file + ": field '" + name + "': expected one of "
                                + Arrays.stream(PoolingMode.values()).map(PoolingMode::configName).toList()
                                + ", found " + value);
                    }
                }
                case INCLUDE_PROMPT -> includePrompt = bool(file, name, value);
                default -> {
                    PoolingMode mode = byField(name);
                    if (mode == null) {
                        throw new ModelFormatException(file + ": unknown field '" + name + "' (an unsupported "
                                + "pooling mode or setting): expected only " + knownFields() + ", found " + value);
                    }
                    if (bool(file, name, value)) {
                        on.add(mode);
                    } else {
                        on.remove(mode);
                    }
                }
            }
        }
        if (named != null) {
            on = EnumSet.of(named);
        }
        if (on.isEmpty()) {
            throw new ModelFormatException(file + ": no pooling mode is on: expected at least one of "
                    + Arrays.stream(PoolingMode.values()).map(PoolingMode::configField).toList()
                    + " to be true, found all false");
        }
        return new Pipeline(on, dense, normalize, dimension, includePrompt, file.toString());
    }

    private static boolean isTransformer(String type) {
        return is(type, TRANSFORMER) || type.endsWith(".Transformer");
    }

    /**
     * {@code type} names sentence-transformers' class {@code qualified}: as its module, module plus class, or the
     * class in another package of the library (where newer versions moved it).
     */
    private static boolean is(String type, String qualified) {
        String simple = qualified.substring(qualified.lastIndexOf('.') + 1);
        return type.equals(qualified) || type.startsWith("sentence_transformers.") && type.endsWith("." + simple);
    }

    private static PoolingMode byField(String field) {
        for (PoolingMode mode : PoolingMode.values()) {
            if (mode.configField().equals(field)) {
                return mode;
            }
        }
        return null;
    }

    private static PoolingMode byName(String name) {
        for (PoolingMode mode : PoolingMode.values()) {
            if (mode.configName().equals(name)) {
                return mode;
            }
        }
        return null;
    }

    private static List<String> knownFields() {
        List<String> fields = new ArrayList<>(List.of(WORD_EMBEDDING_DIMENSION, POOLING_MODE));
        for (PoolingMode mode : PoolingMode.values()) {
            fields.add(mode.configField());
        }
        fields.add(INCLUDE_PROMPT);
        return fields;
    }

    static boolean bool(Path file, String field, JsonNode value) {
        if (!value.isBoolean()) {
            throw new ModelFormatException(file + ": field '" + field + "': expected true or false, found " + value);
        }
        return value.asBoolean();
    }

    static JsonNode parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot be read: " + e.getMessage(), e);
        }
        return HfTokenizers.parseJson(text, file.toString());
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "the string " + node;
            default -> node.toString();
        };
    }
}
