package io.llmops4j.core.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmops4j.core.InvalidRequestException;
import io.llmops4j.core.ModelFormatException;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tokenizer of a Hugging Face checkpoint: {@code tokenizer.json} run by the Hugging Face {@code tokenizers}
 * library (through DJL), plus what {@code tokenizer_config.json} and {@code special_tokens_map.json} say about
 * special tokens, the BOS/EOS policy and the chat template.
 *
 * <p>BOS/EOS: when {@code tokenizer_config.json} sets {@code add_bos_token} (or {@code add_eos_token}), the token
 * is added by {@link #encode(String)} exactly once, whether or not the {@code post_processor} of
 * {@code tokenizer.json} already adds it; when it is set to {@code false}, a token added by the post-processor is
 * removed (as transformers' Llama tokenizer does). Without the key the post-processor decides alone.
 *
 * <p>Nothing is truncated or padded here; that is the caller's business. Encoding and decoding are safe for
 * concurrent use. Holds a native handle: close it; closing twice is harmless.
 */
public final class Tokenizer implements AutoCloseable {
    static final String TOKENIZER_JSON = "tokenizer.json";
    static final String TOKENIZER_CONFIG_JSON = "tokenizer_config.json";
    static final String SPECIAL_TOKENS_MAP_JSON = "special_tokens_map.json";
    static final String CHAT_TEMPLATE_JINJA = "chat_template.jinja";

    private final HuggingFaceTokenizer hf;
    private final String[] idToToken;
    private final Map<String, Integer> tokenToId;
    private final Set<Integer> specialTokenIds;
    private final SpecialToken bos;
    private final SpecialToken eos;
    private final Optional<String> unkToken;
    private final Optional<String> padToken;
    private final Optional<String> chatTemplate;
    private final OptionalInt modelMaxLength;
    private final EdgePolicy bosPolicy;
    private final EdgePolicy eosPolicy;

    /** What {@link #encode(String)} does to the post-processor's output at one end of the sequence. */
    private enum EdgePolicy { KEEP, ADD, REMOVE }

    /** A special token by its text and id, either both present or both absent. */
    private record SpecialToken(Optional<String> text, OptionalInt id) {
        static final SpecialToken NONE = new SpecialToken(Optional.empty(), OptionalInt.empty());
    }

    private Tokenizer(HuggingFaceTokenizer nativeTokenizer, Vocabulary vocabulary, Config config) {
        this.hf = nativeTokenizer;
        this.idToToken = vocabulary.idToToken;
        this.tokenToId = vocabulary.tokenToId;
        this.specialTokenIds = vocabulary.specialIds;
        this.bos = config.bos;
        this.eos = config.eos;
        this.unkToken = config.unk;
        this.padToken = config.pad;
        this.chatTemplate = config.chatTemplate;
        this.modelMaxLength = config.modelMaxLength;
        int[] probeWith = nativeEncode("a", true);
        int[] probeWithout = nativeEncode("a", false);
        boolean postProcessorAddsBos = startsWith(probeWith, bos.id) && !startsWith(probeWithout, bos.id);
        boolean postProcessorAddsEos = endsWith(probeWith, eos.id) && !endsWith(probeWithout, eos.id);
        this.bosPolicy = edgePolicy(config.addBos, bos.id, postProcessorAddsBos);
        this.eosPolicy = edgePolicy(config.addEos, eos.id, postProcessorAddsEos);
    }

    /**
     * Loads the tokenizer files of a checkpoint directory: {@code tokenizer.json} (required) and, when present,
     * {@code tokenizer_config.json}, {@code special_tokens_map.json} and {@code chat_template.jinja}.
     *
     * @param dir the checkpoint directory
     * @return the tokenizer
     * @throws ModelFormatException if a file is missing, malformed or inconsistent; the message names the file
     */
    public static Tokenizer load(Path dir) {
        Objects.requireNonNull(dir, "dir");
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException("tokenizer directory " + dir + " does not exist or is not a directory");
        }
        Path tokenizerFile = dir.resolve(TOKENIZER_JSON);
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new ModelFormatException(
                    tokenizerFile + ": file not found (a tokenizer needs " + TOKENIZER_JSON + ")");
        }
        String tokenizerText = readText(tokenizerFile);
        Vocabulary vocabulary = Vocabulary.of(HfTokenizers.parseJson(tokenizerText, tokenizerFile.toString()),
                tokenizerFile.toString());
        Config config = Config.read(dir, vocabulary);
        Map<String, String> options = Map.of(
                "addSpecialTokens", "true", "truncation", "false", "padding", "false");
        HuggingFaceTokenizer nativeTokenizer = HfTokenizers.open(tokenizerText, tokenizerFile.toString(), options);
        try {
            return new Tokenizer(nativeTokenizer, vocabulary, config);
        } catch (RuntimeException e) {
            nativeTokenizer.close();
            throw e;
        }
    }

    /** Encodes text, adding special tokens (BOS, EOS, ...) as the checkpoint prescribes. */
    public int[] encode(String text) {
        return encode(text, true);
    }

    /**
     * Encodes text.
     *
     * @param text the text
     * @param addSpecialTokens whether to add the special tokens the checkpoint prescribes (BOS, EOS, ...)
     * @return the token ids
     */
    public int[] encode(String text, boolean addSpecialTokens) {
        Objects.requireNonNull(text, "text");
        int[] ids = nativeEncode(text, addSpecialTokens);
        if (!addSpecialTokens) {
            return ids;
        }
        int from = 0;
        int to = ids.length;
        if (bosPolicy == EdgePolicy.REMOVE && startsWith(ids, bos.id)) {
            from = 1;
        }
        if (eosPolicy == EdgePolicy.REMOVE && to > from && endsWith(ids, eos.id)) {
            to--;
        }
        boolean addBos = bosPolicy == EdgePolicy.ADD;
        boolean addEos = eosPolicy == EdgePolicy.ADD;
        int[] out = new int[(to - from) + (addBos ? 1 : 0) + (addEos ? 1 : 0)];
        int pos = 0;
        if (addBos) {
            out[pos++] = bos.id.getAsInt();
        }
        System.arraycopy(ids, from, out, pos, to - from);
        pos += to - from;
        if (addEos) {
            out[pos] = eos.id.getAsInt();
        }
        return out;
    }

    /** Decodes ids to text, leaving out special tokens. */
    public String decode(int[] ids) {
        return decode(ids, true);
    }

    /**
     * Decodes ids to text.
     *
     * @param ids token ids, each in {@code [0, vocabSize())}
     * @param skipSpecialTokens whether to leave special tokens out of the text
     * @return the text
     * @throws InvalidRequestException if an id is outside the vocabulary
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        Objects.requireNonNull(ids, "ids");
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            checkId(ids[i]);
            wide[i] = ids[i];
        }
        return hf.decode(wide, skipSpecialTokens);
    }

    /**
     * Starts incremental decoding of a stream of generated ids: each {@link StreamDecoder#push(int)} returns the
     * text completed by that id. One decoder per stream; decoders are not shared between threads.
     */
    public StreamDecoder streamDecoder() {
        return new StreamDecoder(this);
    }

    /** Number of token ids, including added tokens: one more than the largest id. */
    public int vocabSize() {
        return idToToken.length;
    }

    /** Id of the beginning-of-sequence token, if the checkpoint defines one. */
    public OptionalInt bosTokenId() {
        return bos.id;
    }

    /** Id of the end-of-sequence token, if the checkpoint defines one. */
    public OptionalInt eosTokenId() {
        return eos.id;
    }

    /** Text of the beginning-of-sequence token (for chat templates), if the checkpoint defines one. */
    public Optional<String> bosToken() {
        return bos.text;
    }

    /** Text of the end-of-sequence token (for chat templates), if the checkpoint defines one. */
    public Optional<String> eosToken() {
        return eos.text;
    }

    /** Text of the unknown-token token, if the checkpoint defines one. */
    public Optional<String> unkToken() {
        return unkToken;
    }

    /** Text of the padding token, if the checkpoint defines one. */
    public Optional<String> padToken() {
        return padToken;
    }

    /**
     * The Jinja chat template: {@code chat_template} of {@code tokenizer_config.json} (for a list of named
     * templates, the one named {@code default}), else {@code chat_template.jinja}.
     */
    public Optional<String> chatTemplate() {
        return chatTemplate;
    }

    /** {@code model_max_length} of {@code tokenizer_config.json}, unless absent or the "no limit" sentinel. */
    public OptionalInt modelMaxLength() {
        return modelMaxLength;
    }

    /** Id of a token given by its vocabulary string (for example {@code "▁the"} or {@code "<|im_end|>"}). */
    public OptionalInt tokenToId(String token) {
        Integer id = tokenToId.get(Objects.requireNonNull(token, "token"));
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /**
     * The vocabulary string of an id.
     *
     * @throws InvalidRequestException if the id is outside the vocabulary or unassigned
     */
    public String idToToken(int id) {
        checkId(id);
        String token = idToToken[id];
        if (token == null) {
            throw new InvalidRequestException("token id " + id + " is not assigned to any token in this vocabulary");
        }
        return token;
    }

    /** Ids of the added tokens marked special in {@code tokenizer.json}; unmodifiable. */
    public Set<Integer> specialTokenIds() {
        return specialTokenIds;
    }

    @Override
    public void close() {
        hf.close();
    }

    void checkId(int id) {
        if (id < 0 || id >= idToToken.length) {
            throw new InvalidRequestException(
                    "token id " + id + " is outside the vocabulary: expected 0.." + (idToToken.length - 1));
        }
    }

    private int[] nativeEncode(String text, boolean addSpecialTokens) {
        long[] ids = hf.encode(text, addSpecialTokens, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    private static EdgePolicy edgePolicy(Optional<Boolean> configured, OptionalInt id, boolean postProcessorAdds) {
        if (configured.isEmpty() || id.isEmpty()) {
            return EdgePolicy.KEEP;
        }
        if (configured.get()) {
            return postProcessorAdds ? EdgePolicy.KEEP : EdgePolicy.ADD;
        }
        return postProcessorAdds ? EdgePolicy.REMOVE : EdgePolicy.KEEP;
    }

    private static boolean startsWith(int[] ids, OptionalInt id) {
        return id.isPresent() && ids.length > 0 && ids[0] == id.getAsInt();
    }

    private static boolean endsWith(int[] ids, OptionalInt id) {
        return id.isPresent() && ids.length > 0 && ids[ids.length - 1] == id.getAsInt();
    }

    static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new ModelFormatException(file + ": not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** The id/string tables of {@code tokenizer.json}: the model's vocabulary plus the added tokens. */
    private record Vocabulary(String[] idToToken, Map<String, Integer> tokenToId, Set<Integer> specialIds) {

        static Vocabulary of(JsonNode root, String source) {
            if (!root.isObject()) {
                throw new ModelFormatException(source + ": expected a JSON object at the top level, found "
                        + root.getNodeType());
            }
            JsonNode model = root.get("model");
            if (model == null || !model.isObject()) {
                throw new ModelFormatException(source + ": missing object field 'model'");
            }
            Map<String, Integer> tokenToId = new HashMap<>();
            JsonNode vocab = model.get("vocab");
            if (vocab != null && vocab.isObject()) {
                // BPE, WordPiece, WordLevel: {"token": id, ...}
                for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                        throw new ModelFormatException(source + ": model.vocab['" + e.getKey()
                                + "'] must be a non-negative integer id, found " + e.getValue());
                    }
                    tokenToId.put(e.getKey(), e.getValue().asInt());
                }
            } else if (vocab != null && vocab.isArray()) {
                // Unigram: [["piece", score], ...], the id is the position
                for (int i = 0; i < vocab.size(); i++) {
                    JsonNode entry = vocab.get(i);
                    if (!entry.isArray() || entry.isEmpty() || !entry.get(0).isTextual()) {
                        throw new ModelFormatException(source + ": model.vocab[" + i
                                + "] must be [piece, score], found " + entry);
                    }
                    tokenToId.put(entry.get(0).asText(), i);
                }
            } else {
                throw new ModelFormatException(source + ": model.vocab must be an object or an array, found "
                        + (vocab == null ? "nothing" : vocab.getNodeType()));
            }
            Set<Integer> special = new TreeSet<>();
            JsonNode added = root.get("added_tokens");
            if (added != null && !added.isNull()) {
                if (!added.isArray()) {
                    throw new ModelFormatException(source + ": added_tokens must be an array, found "
                            + added.getNodeType());
                }
                for (int i = 0; i < added.size(); i++) {
                    JsonNode token = added.get(i);
                    JsonNode id = token.get("id");
                    JsonNode content = token.get("content");
                    if (id == null || !id.canConvertToInt() || id.asInt() < 0 || content == null
                            || !content.isTextual()) {
                        throw new ModelFormatException(source + ": added_tokens[" + i
                                + "] needs a non-negative integer 'id' and a string 'content', found " + token);
                    }
                    tokenToId.put(content.asText(), id.asInt());
                    if (token.path("special").asBoolean(false)) {
                        special.add(id.asInt());
                    }
                }
            }
            int size = tokenToId.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
            String[] idToToken = new String[size];
            for (Map.Entry<String, Integer> e : tokenToId.entrySet()) {
                idToToken[e.getValue()] = e.getKey();
            }
            return new Vocabulary(idToToken, Map.copyOf(tokenToId), Collections.unmodifiableSet(special));
        }
    }

    /** What {@code tokenizer_config.json}, {@code special_tokens_map.json} and {@code chat_template.jinja} say. */
    private record Config(SpecialToken bos, SpecialToken eos, Optional<String> unk, Optional<String> pad,
                          Optional<Boolean> addBos, Optional<Boolean> addEos, Optional<String> chatTemplate,
                          OptionalInt modelMaxLength) {

        static Config read(Path dir, Vocabulary vocabulary) {
            Path configFile = dir.resolve(TOKENIZER_CONFIG_JSON);
            Path mapFile = dir.resolve(SPECIAL_TOKENS_MAP_JSON);
            JsonNode config = readOptionalObject(configFile);
            JsonNode map = readOptionalObject(mapFile);
            Optional<String> bosText = tokenText(config, configFile, map, mapFile, "bos_token");
            Optional<String> eosText = tokenText(config, configFile, map, mapFile, "eos_token");
            SpecialToken bos = resolve(bosText, "bos_token", vocabulary, dir);
            SpecialToken eos = resolve(eosText, "eos_token", vocabulary, dir);
            Optional<Boolean> addBos = bool(config, configFile, "add_bos_token");
            Optional<Boolean> addEos = bool(config, configFile, "add_eos_token");
            if (addBos.orElse(false) && bos.id.isEmpty()) {
                throw new ModelFormatException(configFile + ": add_bos_token is true but no bos_token is defined");
            }
            if (addEos.orElse(false) && eos.id.isEmpty()) {
                throw new ModelFormatException(configFile + ": add_eos_token is true but no eos_token is defined");
            }
            Optional<String> template = chatTemplate(config, configFile);
            Path jinja = dir.resolve(CHAT_TEMPLATE_JINJA);
            if (template.isEmpty() && Files.isRegularFile(jinja)) {
                template = Optional.of(readText(jinja));
            }
            return new Config(bos, eos,
                    tokenText(config, configFile, map, mapFile, "unk_token"),
                    tokenText(config, configFile, map, mapFile, "pad_token"),
                    addBos, addEos, template, maxLength(config, configFile));
        }

        private static JsonNode readOptionalObject(Path file) {
            if (!Files.exists(file)) {
                return null;
            }
            JsonNode node = HfTokenizers.parseJson(readText(file), file.toString());
            if (!node.isObject()) {
                throw new ModelFormatException(file + ": expected a JSON object at the top level, found "
                        + node.getNodeType());
            }
            return node;
        }

        /** A special token's text from the config, else from the special tokens map. */
        private static Optional<String> tokenText(JsonNode config, Path configFile, JsonNode map, Path mapFile,
                                                  String field) {
            if (config != null && config.has(field)) {
                return tokenValue(config.get(field), configFile, field);
            }
            if (map != null && map.has(field)) {
                return tokenValue(map.get(field), mapFile, field);
            }
            return Optional.empty();
        }

        /** A token is written as a string or as an AddedToken object {@code {"content": "..."}}. */
        private static Optional<String> tokenValue(JsonNode value, Path file, String field) {
            if (value.isNull()) {
                return Optional.empty();
            }
            if (value.isTextual()) {
                return Optional.of(value.asText());
            }
            if (value.isObject() && value.path("content").isTextual()) {
                return Optional.of(value.get("content").asText());
            }
            throw new ModelFormatException(file + ": field '" + field
                    + "' must be a string or an object with a string 'content', found " + value);
        }

        private static SpecialToken resolve(Optional<String> text, String field, Vocabulary vocabulary, Path dir) {
            if (text.isEmpty()) {
                return SpecialToken.NONE;
            }
            Integer id = vocabulary.tokenToId.get(text.get());
            if (id == null) {
                throw new ModelFormatException(dir.resolve(TOKENIZER_JSON) + ": " + field + " '" + text.get()
                        + "' (from " + TOKENIZER_CONFIG_JSON + " or " + SPECIAL_TOKENS_MAP_JSON
                        + ") is not in the vocabulary");
            }
            return new SpecialToken(text, OptionalInt.of(id));
        }

        private static Optional<Boolean> bool(JsonNode config, Path file, String field) {
            if (config == null || !config.has(field) || config.get(field).isNull()) {
                return Optional.empty();
            }
            JsonNode value = config.get(field);
            if (!value.isBoolean()) {
                throw new ModelFormatException(file + ": field '" + field + "' must be true or false, found " + value);
            }
            return Optional.of(value.asBoolean());
        }

        private static Optional<String> chatTemplate(JsonNode config, Path file) {
            if (config == null || !config.has("chat_template") || config.get("chat_template").isNull()) {
                return Optional.empty();
            }
            JsonNode value = config.get("chat_template");
            if (value.isTextual()) {
                return Optional.of(value.asText());
            }
            if (value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    JsonNode entry = value.get(i);
                    if (!entry.path("name").isTextual() || !entry.path("template").isTextual()) {
                        throw new ModelFormatException(file + ": chat_template[" + i
                                + "] must be an object with string fields 'name' and 'template', found " + entry);
                    }
                    if (entry.get("name").asText().equals("default")) {
                        return Optional.of(entry.get("template").asText());
                    }
                }
                return Optional.empty();
            }
            throw new ModelFormatException(file + ": field 'chat_template' must be a string or a list of "
                    + "{name, template} objects, found " + value.getNodeType());
        }

        private static OptionalInt maxLength(JsonNode config, Path file) {
            if (config == null || !config.has("model_max_length") || config.get("model_max_length").isNull()) {
                return OptionalInt.empty();
            }
            JsonNode value = config.get("model_max_length");
            if (!value.isNumber()) {
                throw new ModelFormatException(file + ": field 'model_max_length' must be a number, found " + value);
            }
            double length = value.asDouble();
            if (length < 1) {
                throw new ModelFormatException(file + ": field 'model_max_length' must be at least 1, found " + value);
            }
            if (length > Integer.MAX_VALUE) {
                // transformers writes a huge sentinel (1e30) for "no limit"
                return OptionalInt.empty();
            }
            return OptionalInt.of((int) length);
        }
    }
}
