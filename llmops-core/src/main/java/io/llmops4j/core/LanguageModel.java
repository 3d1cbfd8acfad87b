package io.llmops4j.core;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import io.llmops4j.core.chat.ChatTemplate;
import io.llmops4j.core.chat.ThinkBlocks;
import io.llmops4j.core.chat.ToolCallFormat;
import io.llmops4j.core.generate.Sampler;
import io.llmops4j.core.generate.StopSequences;
import io.llmops4j.core.model.Djl;
import io.llmops4j.core.model.GenerationDefaults;
import io.llmops4j.core.model.KvCache;
import io.llmops4j.core.model.ModelConfig;
import io.llmops4j.core.model.Transformer;
import io.llmops4j.core.model.WeightLoader;
import io.llmops4j.core.safetensors.SafetensorsCheckpoint;
import io.llmops4j.core.tokenizer.StreamDecoder;
import io.llmops4j.core.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A causal language model loaded from a Hugging Face checkpoint directory ({@code config.json},
 * {@code model.safetensors} or a sharded index, and optionally {@code tokenizer.json},
 * {@code tokenizer_config.json}, {@code generation_config.json}), running on DJL's PyTorch engine.
 *
 * <pre>{@code
 * try (LanguageModel lm = LanguageModel.load(Path.of("models/stories260K"))) {
 *     Generation g = lm.generate("Once upon a time", GenerationConfig.builder().maxNewTokens(50).build());
 *     System.out.println(g.text());
 * }
 * }</pre>
 *
 * <p>Generation calls are serialised per model (one sequence at a time); the serving module batches many
 * sequences over the same weights. Close the model to release its native memory; closing twice is harmless.
 */
public final class LanguageModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LanguageModel.class);

    private final Path dir;
    private final ModelConfig config;
    private final Transformer transformer;
    private final NDManager manager;
    private final Tokenizer tokenizer;
    private final GenerationDefaults defaults;
    private final Object lock = new Object();
    private volatile ChatTemplate chatTemplate;
    private volatile boolean closed;

    private LanguageModel(Builder b) {
        this.dir = b.path;
        this.config = ModelConfig.read(dir);
        this.defaults = GenerationDefaults.read(dir, config);
        if (b.threads > 0) {
            // intra-op parallelism is a process-wide PyTorch setting; the engine must be loaded first
            Djl.pytorch();
            ai.djl.pytorch.jni.JniUtils.setNumThreads(b.threads);
        }
        Device device = resolveDevice(b.device);
        DataType dtype = resolveDtype(b.precision, device);
        NDManager mgr = NDManager.newBaseManager(device, "PyTorch");
        mgr.setName("llmops-model");
        Tokenizer tok = null;
        Transformer t = new Transformer(config);
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            WeightLoader.load(t, ckpt, mgr, dtype);
            t.prepare(device.isGpu() ? 1 : ai.djl.pytorch.jni.JniUtils.getNumThreads(), b.fusedDecode,
                    b.fusedPromptLimit);
            if (Files.isRegularFile(dir.resolve("tokenizer.json"))) {
                tok = Tokenizer.load(dir);
            }
            this.transformer = t;
        } catch (RuntimeException e) {
            t.close(); // the decode kernel's threads, started by prepare
            mgr.close();
            throw e;
        }
        this.manager = mgr;
        this.tokenizer = tok;
        LOG.info("loaded {} ({} layers, {} parameters) from {} on {} as {}", config.architecture().hfName(),
                config.numLayers(), config.parameterCount(), dir, device, dtype);
    }

    /** Loads the checkpoint in {@code dir} with the defaults: best device, float32. */
    public static LanguageModel load(Path dir) {
        return builder().path(dir).build();
    }

    /** A builder for a model with non-default device or precision. */
    public static Builder builder() {
        return new Builder();
    }

    private static Device resolveDevice(DeviceType type) {
        int gpus = Djl.pytorch().getGpuCount();
        return switch (type) {
            case AUTO -> gpus > 0 ? Device.gpu() : Device.cpu();
            case CPU -> Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw new InvalidRequestException("device GPU was requested but the PyTorch engine reports no GPU "
                            + "(this build ships the CPU natives ai.djl.pytorch:pytorch-native-cpu; use a CUDA native "
                            + "artifact for GPUs)");
                }
                yield Device.gpu();
            }
        };
    }

    /** See {@link Precision} for why bfloat16, and float16 on the CPU, compute in float32. */
    private static DataType resolveDtype(Precision p, Device device) {
        DataType dtype = p == Precision.FLOAT16 && device.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
        if (p != Precision.FLOAT32 && dtype == DataType.FLOAT32) {
            LOG.info("{} requested on {}: weights are widened to float32 and computed in float32", p, device);
        }
        return dtype;
    }

    /** The architecture hyper-parameters from {@code config.json}. */
    public ModelConfig config() {
        return config;
    }

    /**
     * The block tree (for adapters and inspection). Its parameters' arrays, and any view of them, belong to this model
     * and must not be used after {@link #close()}: float32 CPU weights live in memory that closing unmaps.
     */
    public Transformer transformer() {
        return transformer;
    }

    /** The checkpoint's own generation defaults ({@code generation_config.json}). */
    public GenerationConfig generationDefaults() {
        return defaults.config();
    }

    /** Ids that end a generation when the request sets no {@code stopTokenIds}. */
    public Set<Integer> eosTokenIds() {
        if (defaults.eosIds().isEmpty() && tokenizer != null && tokenizer.eosTokenId().isPresent()) {
            return Set.of(tokenizer.eosTokenId().getAsInt());
        }
        return defaults.eosIds();
    }

    /** Whether the checkpoint has a tokenizer. */
    public boolean hasTokenizer() {
        return tokenizer != null;
    }

    /**
     * The checkpoint's tokenizer.
     *
     * @throws InvalidRequestException if the directory has no {@code tokenizer.json}
     */
    public Tokenizer tokenizer() {
        if (tokenizer == null) {
            throw new InvalidRequestException("the checkpoint " + dir + " has no tokenizer.json: text methods are "
                    + "unavailable, use the token-id methods (logits(int[]), generate(int[], ...))");
        }
        return tokenizer;
    }

    /** Logits for every position of {@code tokenIds}: {@code [positions][vocab]}. */
    public float[][] logits(int[] tokenIds) {
        checkTokens(tokenIds, "tokenIds");
        if (tokenIds.length > config.contextLength()) {
            throw new InvalidRequestException("tokenIds has " + tokenIds.length + " tokens, more than the context length "
                    + config.contextLength());
        }
        synchronized (lock) {
            ensureOpen();
            try (KvCache cache = transformer.newCache(manager, tokenIds.length);
                 NDScope scope = new NDScope()) {
                NDArray logits = transformer.forward(tokenIds, 0, cache, false);
                float[] flat = logits.toFloatArray();
                float[][] out = new float[tokenIds.length][config.vocabSize()];
                for (int i = 0; i < tokenIds.length; i++) {
                    System.arraycopy(flat, i * config.vocabSize(), out[i], 0, config.vocabSize());
                }
                scope.suppressNotUsedWarning();
                return out;
            }
        }
    }

    /** Generates a continuation of {@code prompt} (encoded with the checkpoint's special tokens). */
    public Generation generate(String prompt, GenerationConfig cfg) {
        return stream(prompt, cfg, t -> { }, null);
    }

    /** Generates with the checkpoint's defaults. */
    public Generation generate(String prompt) {
        return generate(prompt, generationDefaults());
    }

    /** Generates a continuation of {@code promptIds}; {@link Generation#text()} is empty without a tokenizer. */
    public Generation generate(int[] promptIds, GenerationConfig cfg) {
        return run(promptIds, cfg, t -> { }, null);
    }

    /**
     * Generates and hands each token to {@code onToken} as soon as it is chosen. The tokens' text pieces add up to
     * the returned {@link Generation#text()}: text held back while it might start a stop sequence or is an
     * incomplete character comes with a later token, at the latest the last one.
     */
    public Generation stream(String prompt, GenerationConfig cfg, Consumer<GeneratedToken> onToken) {
        return stream(prompt, cfg, onToken, null);
    }

    /**
     * Generates and hands each token to {@code onToken}; stops with {@link FinishReason#CANCELLED} once
     * {@code cancel} is cancelled or the calling thread is interrupted (checked before each token; text still held
     * back then is dropped, so the pieces streamed still add up to the returned text).
     */
    public Generation stream(String prompt, GenerationConfig cfg, Consumer<GeneratedToken> onToken,
                             CancellationToken cancel) {
        Objects.requireNonNull(prompt, "prompt");
        return run(tokenizer().encode(prompt), cfg, onToken, cancel);
    }

    /** Token-id form of {@link #stream(String, GenerationConfig, Consumer, CancellationToken)}. */
    public Generation stream(int[] promptIds, GenerationConfig cfg, Consumer<GeneratedToken> onToken,
                             CancellationToken cancel) {
        return run(promptIds, cfg, onToken, cancel);
    }

    /** Renders {@code messages} with the checkpoint's chat template and generates the assistant's reply. */
    public Generation chat(List<ChatMessage> messages, GenerationConfig cfg) {
        return chat(messages, null, cfg, t -> { }, null);
    }

    /** Streaming form of {@link #chat(List, GenerationConfig)}. */
    public Generation chat(List<ChatMessage> messages, GenerationConfig cfg, Consumer<GeneratedToken> onToken,
                           CancellationToken cancel) {
        return chat(messages, null, cfg, onToken, cancel);
    }

    /**
     * Renders {@code messages} and the functions the model may call with the checkpoint's chat template, and
     * generates the assistant's reply. When the template's tool-call format is known ({@link ToolCallFormat#detect})
     * and the model ends a reply that calls functions, the calls are read out of it: {@link Generation#toolCalls()},
     * {@link FinishReason#TOOL_CALLS}, and {@link Generation#text()} holds only the text before the first call,
     * without special tokens (streamed pieces still carry the reply as written). Pass the calls back as
     * {@link ChatMessage#assistantToolCalls} and each result as {@link ChatMessage#tool}. A reply cut short (length,
     * a matched stop sequence, cancellation; a stop token in {@code stopTokenIds} ends a reply normally), a
     * malformed call or an unknown format leave the reply as text. Each call gets a fresh id of nine letters and
     * digits, drawn from the seed when one is set.
     *
     * <pre>{@code
     * String weather = "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\","
     *         + " \"description\": \"Current weather in a city\", \"parameters\": {\"type\": \"object\","
     *         + " \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}";
     * Generation g = lm.chat(List.of(ChatMessage.user("Weather in Paris?")), List.of(weather), cfg);
     * }</pre>
     *
     * @param tools the template's {@code tools}: JSON schema function descriptions, each a {@code Map} or the JSON
     *              text of an object, as Hugging Face's {@code apply_chat_template(tools=...)} takes them; null for
     *              none (the template sees none, as without this argument)
     * @throws InvalidRequestException if a tool is not a JSON object
     */
    public Generation chat(List<ChatMessage> messages, List<?> tools, GenerationConfig cfg) {
        return chat(messages, tools, cfg, t -> { }, null);
    }

    /** Streaming form of {@link #chat(List, List, GenerationConfig)}. */
    public Generation chat(List<ChatMessage> messages, List<?> tools, GenerationConfig cfg,
                           Consumer<GeneratedToken> onToken, CancellationToken cancel) {
        return chat(messages, tools, Map.of(), cfg, onToken, cancel);
    }

    /**
     * {@link #chat(List, List, GenerationConfig)} with extra variables for the chat template, as Hugging Face's
     * {@code apply_chat_template(messages, tools=..., **kwargs)} passes its keyword arguments: e.g.
     * {@code Map.of("enable_thinking", false)} for Qwen3, {@code documents} for templates that ground replies in
     * them.
     *
     * @param templateVariables plain data; not {@code messages}, {@code add_generation_prompt} or {@code tools}
     *                          (the {@code tools} argument sets that one); null for none
     * @throws InvalidRequestException if a variable is reserved or not plain data
     */
    public Generation chat(List<ChatMessage> messages, List<?> tools, Map<String, ?> templateVariables,
                           GenerationConfig cfg) {
        return chat(messages, tools, templateVariables, cfg, t -> { }, null);
    }

    /**
     * Streaming form of {@link #chat(List, List, Map, GenerationConfig)}, and the one every {@code chat} comes to.
     * When the template is one for models that reason in think blocks ({@link ThinkBlocks#usedBy}), the reasoning
     * is split from the reply into {@link Generation#reasoning()} and {@link Generation#text()} keeps the answer
     * (a reply cut off while reasoning has an empty answer); tool calls are then read from the answer only. The
     * pieces given to {@code onToken} carry the reply as written. To split them as they come, as this method splits
     * the whole reply: when {@code ThinkBlocks.usedBy(chatTemplate().source())}, pass their text to a
     * {@code new ThinkBlocks.Splitter(ThinkBlocks.opensBlock(prompt))}, where {@code prompt} is
     * {@code chatTemplate().render(messages, true, variables)} with {@code tools} among the variables when given.
     */
    public Generation chat(List<ChatMessage> messages, List<?> tools, Map<String, ?> templateVariables,
                           GenerationConfig cfg, Consumer<GeneratedToken> onToken, CancellationToken cancel) {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(cfg, "cfg");
        Map<String, Object> variables = templateVariables == null ? new HashMap<>() : new HashMap<>(templateVariables);
        if (variables.containsKey("tools")) {
            throw new InvalidRequestException("template variable 'tools' is set by the tools argument of chat()");
        }
        ChatTemplate template = chatTemplate();
        if (tools != null) {
            variables.put("tools", tools);
        }
        return replyTo(template, template.render(messages, true, variables), tools, cfg, onToken, cancel);
    }

    /**
     * The reply to a prompt that {@link #formatPrompt} made, as {@link #chat} gives it for that single user
     * message: with the reasoning of a think-block template split off ({@link Generation#reasoning()}). Without a
     * chat template it is {@link #generate(int[], GenerationConfig)} of the prompt's {@link #encodePrompt} ids.
     */
    public Generation reply(String formatted, GenerationConfig cfg) {
        Objects.requireNonNull(formatted, "formatted");
        Objects.requireNonNull(cfg, "cfg");
        if (tokenizer().chatTemplate().isEmpty()) {
            return generate(encodePrompt(formatted), cfg);
        }
        return replyTo(chatTemplate(), formatted, null, cfg, t -> { }, null);
    }

    /** Generates the reply to a rendered chat prompt and reads its reasoning and (with tools) its calls out. */
    private Generation replyTo(ChatTemplate template, String rendered, List<?> tools, GenerationConfig cfg,
                               Consumer<GeneratedToken> onToken, CancellationToken cancel) {
        // the template writes BOS itself where the model wants it
        int[] prompt = tokenizer().encode(rendered, false);
        Generation reply = run(prompt, cfg, onToken, cancel);
        boolean thinks = ThinkBlocks.usedBy(template.source());
        boolean opened = thinks && ThinkBlocks.opensBlock(rendered);
        ThinkBlocks.Split split = thinks ? ThinkBlocks.split(reply.text(), opened) : new ThinkBlocks.Split("", "");
        Generation answer = !thinks ? reply : new Generation(split.content(), reply.tokenIds(), reply.finishReason(),
                reply.promptTokens(), reply.generatedTokens(), reply.logprobs(), List.of(), split.reasoning());
        if (tools == null || tools.isEmpty() || reply.finishReason() != FinishReason.STOP) {
            return answer;
        }
        String written = tokenizer().decode(withoutLast(reply.tokenIds()), false);
        String calls = thinks ? ThinkBlocks.split(written, opened).content() : written;
        // seeded ids repeat with the whole exchange, and differ between the turns of a conversation
        RandomGenerator ids = cfg.seed().isEmpty() ? ThreadLocalRandom.current() : new SplittableRandom(
                cfg.seed().getAsLong() * 31 + 17L * Arrays.hashCode(prompt) + Arrays.hashCode(reply.tokenIds()));
        return ToolCallFormat.detect(template.source())
                .flatMap(format -> format.parse(calls, ids))
                .map(parsed -> new Generation(withoutSpecialTokens(parsed.content()), reply.tokenIds(),
                        FinishReason.TOOL_CALLS, reply.promptTokens(), reply.generatedTokens(), reply.logprobs(),
                        parsed.toolCalls(), split.reasoning()))
                .orElse(answer);
    }

    /** {@code text} without the special tokens spelled out in it, as decoding leaves them out. */
    private String withoutSpecialTokens(String text) {
        for (int id : tokenizer().specialTokenIds()) {
            text = text.replace(tokenizer().idToToken(id), "");
        }
        return text.strip();
    }

    /** Token ids without the last one (the stop token that ended a reply). */
    private static int[] withoutLast(int[] ids) {
        return Arrays.copyOf(ids, ids.length - 1);
    }

    /**
     * A plain-text prompt as this model takes it: one user message rendered through the checkpoint's chat template
     * (generation prompt added) when it has one, else the text unchanged. {@link #reply} generates the answer to it
     * as {@link #chat} does for that single user message (or as {@link #generate(String, GenerationConfig)} without
     * a template); {@link #encodePrompt} gives its token ids, from which {@link #generate(int[], GenerationConfig)}
     * gives the reply as written, reasoning included.
     */
    public String formatPrompt(String prompt) {
        Objects.requireNonNull(prompt, "prompt");
        return tokenizer().chatTemplate().isPresent()
                ? chatTemplate().render(List.of(ChatMessage.user(prompt)), true) : prompt;
    }

    /**
     * Token ids of a prompt returned by {@link #formatPrompt}: a chat rendering as written (its template places BOS
     * and the other special tokens), plain text with the tokenizer's special tokens added.
     */
    public int[] encodePrompt(String formatted) {
        Objects.requireNonNull(formatted, "formatted");
        return tokenizer().encode(formatted, tokenizer().chatTemplate().isEmpty());
    }

    /** The checkpoint's chat template, compiled once. */
    public ChatTemplate chatTemplate() {
        ChatTemplate t = chatTemplate;
        if (t == null) {
            Tokenizer tok = tokenizer();
            String source = tok.chatTemplate().orElseThrow(() -> new InvalidRequestException("the checkpoint " + dir
                    + " has no chat_template in tokenizer_config.json; use generate() with a prompt instead"));
            Map<String, Object> special = new HashMap<>();
            tok.bosToken().ifPresent(s -> special.put("bos_token", s));
            tok.eosToken().ifPresent(s -> special.put("eos_token", s));
            tok.unkToken().ifPresent(s -> special.put("unk_token", s));
            tok.padToken().ifPresent(s -> special.put("pad_token", s));
            t = ChatTemplate.compile(source, special);
            chatTemplate = t;
        }
        return t;
    }

    private Generation run(int[] prompt, GenerationConfig cfg, Consumer<GeneratedToken> onToken, CancellationToken cancel) {
        Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(onToken, "onToken");
        checkTokens(prompt, "prompt");
        if (prompt.length == 0) {
            throw new InvalidRequestException("the prompt must contain at least one token, found none");
        }
        long total = (long) prompt.length + cfg.maxNewTokens();
        if (total > config.contextLength()) {
            throw new InvalidRequestException("prompt (" + prompt.length + " tokens) + maxNewTokens (" + cfg.maxNewTokens()
                    + ") = " + total + " exceeds the context length " + config.contextLength()
                    + "; maxNewTokens must be at most " + Math.max(0, config.contextLength() - prompt.length));
        }
        if (!cfg.stopSequences().isEmpty() && tokenizer == null) {
            throw new InvalidRequestException("stopSequences need a tokenizer, and the checkpoint " + dir + " has none");
        }
        Set<Integer> stopIds = cfg.stopTokenIds().isEmpty() ? eosTokenIds() : cfg.stopTokenIds();
        synchronized (lock) {
            ensureOpen();
            return decodeLoop(prompt, cfg, stopIds, onToken, cancel);
        }
    }

    /**
     * The decoding loop. Each token's text piece is what the tokenizer and the stop-sequence matcher release at that
     * token; the last token's piece also carries what they were still holding (a partial stop-sequence match, an
     * incomplete character), so that the streamed pieces always add up to {@link Generation#text()}. On
     * cancellation, which is noticed between tokens, the held-back text is dropped from both.
     */
    private Generation decodeLoop(int[] prompt, GenerationConfig cfg, Set<Integer> stopIds,
                                  Consumer<GeneratedToken> onToken, CancellationToken cancel) {
        Sampler sampler = new Sampler(cfg, prompt, config.vocabSize());
        StreamDecoder decoder = tokenizer == null ? null : tokenizer.streamDecoder();
        StopSequences stops = new StopSequences(cfg.stopSequences());
        int[] generated = new int[cfg.maxNewTokens()];
        float[] logprobs = cfg.logprobs() ? new float[cfg.maxNewTokens()] : null;
        StringBuilder text = new StringBuilder();
        FinishReason reason = null;
        int n = 0;
        try (KvCache cache = transformer.newCache(manager, prompt.length + cfg.maxNewTokens())) {
            float[] logits = transformer.nextLogits(prompt, 0, cache, new float[config.vocabSize()]);
            int[] step = new int[1];
            while (reason == null) {
                if ((cancel != null && cancel.isCancelled()) || Thread.currentThread().isInterrupted()) {
                    reason = FinishReason.CANCELLED;
                    break;
                }
                Sampler.Choice choice = sampler.next(logits);
                int id = choice.tokenId();
                generated[n] = id;
                if (logprobs != null) {
                    logprobs[n] = choice.logprob();
                }
                n++;
                boolean eos = stopIds.contains(id);
                if (eos) {
                    reason = FinishReason.STOP;
                } else if (n == cfg.maxNewTokens()) {
                    reason = FinishReason.LENGTH;
                }
                String piece = "";
                if (decoder != null) {
                    StopSequences.Result r = stops.push(eos ? "" : decoder.push(id)); // EOS adds no text
                    piece = r.text();
                    if (!r.stopped() && reason != null) {
                        r = stops.push(decoder.flush());
                        piece = r.stopped() ? piece + r.text() : piece + r.text() + stops.flush();
                    }
                    if (r.stopped()) {
                        reason = FinishReason.STOP_SEQUENCE;
                    }
                    text.append(piece);
                }
                onToken.accept(new GeneratedToken(id, piece, choice.logprob()));
                if (reason == null) {
                    step[0] = id;
                    transformer.nextLogits(step, prompt.length + n - 1, cache, logits); // the sampler has copied them
                }
            }
        }
        return new Generation(text.toString(), Arrays.copyOf(generated, n), reason, prompt.length, n,
                logprobs == null ? null : Arrays.copyOf(logprobs, n), List.of(), "");
    }

    private void checkTokens(int[] ids, String field) {
        Objects.requireNonNull(ids, field);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= config.vocabSize()) {
                throw new InvalidRequestException(field + "[" + i + "] = " + ids[i] + " is not a token id: must be in [0, "
                        + config.vocabSize() + ")");
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the model " + dir + " is closed");
        }
    }

    /** Number of native arrays held by the model itself (weights); a generation must leave it unchanged. */
    public int nativeArrayCount() {
        return manager.getManagedArrays().size();
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            transformer.close();
            manager.close();
            if (tokenizer != null) {
                tokenizer.close();
            }
        }
    }

    /** Options for {@link LanguageModel}. */
    public static final class Builder {
        private Path path;
        private DeviceType device = DeviceType.AUTO;
        private Precision precision = Precision.FLOAT32;
        private int threads;
        private boolean fusedDecode = true;
        private int fusedPromptLimit; // 0: the default for this CPU

        private Builder() {
        }

        /**
         * Whether decoding steps and prompts (up to {@link #fusedPromptLimit} tokens, in passes of up to 128) on the CPU run as fused Java Vector API code over
         * the model's weight memory instead of PyTorch operations (default {@code true}; measured 2.2x faster at 2
         * threads, see docs/BENCHMARKS.md). It needs Java 22+ started with {@code --add-modules jdk.incubator.vector}; without
         * them, or with {@code false}, decoding stays on PyTorch. Both paths give the same logits within float32
         * rounding.
         */
        public Builder fusedDecode(boolean fusedDecode) {
            this.fusedDecode = fusedDecode;
            return this;
        }

        /**
         * The longest prompt, in tokens, that runs on the fused kernel (see {@link #fusedDecode}); longer prompts run
         * on PyTorch (in passes of 512), whose matrix products overtake the kernel once a prompt has enough positions.
         * Single decoding steps always run on the kernel. Default: 32 where Linux's {@code /proc/cpuinfo} names an
         * Intel processor, unlimited elsewhere. The figure comes from one Intel Xeon VM (AVX-512, 2 threads, the
         * 110M benchmark model), where PyTorch matched the kernel at 32 positions and was 1.8x faster at 128; on
         * AMD EPYC VMs the kernel was faster at every length measured, up to 1024 (docs/BENCHMARKS.md). Other CPUs,
         * thread counts and model sizes may cross over elsewhere: measure and set it.
         *
         * @throws InvalidRequestException if {@code positions < 1}
         */
        public Builder fusedPromptLimit(int positions) {
            if (positions < 1) {
                throw new InvalidRequestException("fusedPromptLimit must be >= 1, was " + positions);
            }
            this.fusedPromptLimit = positions;
            return this;
        }

        /**
         * Threads for CPU inference (default: PyTorch's, one per core): PyTorch's intra-op threads, a process-wide
         * setting where the last model built with it wins, and the workers of this model's fused decode kernel
         * (see {@link #fusedDecode}), both taken when the model loads. Both spin briefly between operations, so when
         * other work shares the cores they stall each other: prefer 1 thread there (measured up to 10x faster than
         * 2 on a busy 2-core machine with PyTorch steps).
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new InvalidRequestException("threads must be >= 1, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** The checkpoint directory (required). */
        public Builder path(Path path) {
            this.path = path;
            return this;
        }

        /** Where to run; {@link DeviceType#AUTO} by default. */
        public Builder device(DeviceType device) {
            this.device = Objects.requireNonNull(device, "device");
            return this;
        }

        /** {@code "auto"}, {@code "cpu"} or {@code "gpu"}. */
        public Builder device(String device) {
            return device(parse(DeviceType.class, "device", device));
        }

        /** Weight and compute precision; {@link Precision#FLOAT32} by default. */
        public Builder dtype(Precision precision) {
            this.precision = Objects.requireNonNull(precision, "dtype");
            return this;
        }

        /** {@code "float32"}, {@code "bfloat16"} or {@code "float16"}. */
        public Builder dtype(String precision) {
            return dtype(parse(Precision.class, "dtype", precision));
        }

        private static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
            Objects.requireNonNull(value, field);
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(value.trim())) {
                    return e;
                }
            }
            throw new InvalidRequestException(field + " must be one of " + Arrays.toString(type.getEnumConstants())
                    + " (any case), was '" + value + "'");
        }

        /** Loads the model. */
        public LanguageModel build() {
            if (path == null) {
                throw new InvalidRequestException("path must be set to a Hugging Face checkpoint directory");
            }
            if (!Files.isDirectory(path)) {
                throw new ModelFormatException(path + ": not a directory (expected a Hugging Face checkpoint directory)");
            }
            return new LanguageModel(this);
        }
    }
}
