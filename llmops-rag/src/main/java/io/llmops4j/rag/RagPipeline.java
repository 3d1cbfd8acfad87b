package io.llmops4j.rag;

import io.llmops4j.core.Generation;
import io.llmops4j.core.GenerationConfig;
import io.llmops4j.core.LanguageModel;
import io.llmops4j.core.TokenUsage;
import io.llmops4j.rag.SearchRequest.Mode;
import io.llmops4j.rag.chunk.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Retrieval-augmented answering: search the index for the question, pack the best non-overlapping chunks into the
 * prompt as numbered sources within the model's context window (keeping room for the answer), generate, and return
 * the answer with its citations.
 *
 * <p>With a local {@link LanguageModel}, everything the packing needs comes from the model:
 * <pre>{@code
 * RagPipeline rag = RagPipeline.builder().index(index).model(languageModel)
 *         .promptTemplate("Sources:\n{context}\nQuestion: {question}").topK(4).mode(Mode.HYBRID).build();
 * Answer a = rag.ask("How do heat pumps work?");
 * }</pre>
 * The context window is the model's context length, tokens are counted with its tokenizer on the exact text it is
 * fed, decoding is greedy unless {@link Builder#model(LanguageModel, GenerationConfig)} says otherwise, and
 * {@link Answer#usage()} holds the prompt and generated token counts the model reports. When the checkpoint has a
 * chat template, the filled prompt template becomes a single user message rendered with it (generation prompt
 * included), and that rendering is encoded as {@link LanguageModel#chat} encodes it: without adding special
 * tokens, since the template writes BOS itself; the answer is the reply without the reasoning of a model that
 * thinks in {@code <think>} blocks ({@link LanguageModel#reply}).
 *
 * <p>Any other model, a remote one for example, is a generator function plus a token counter:
 * <pre>{@code
 * RagPipeline rag = RagPipeline.builder().index(index).generator(prompt -> callMyModel(prompt))
 *         .tokenCounter(TokenCounter.of(tokenizer)).contextWindow(4096).build();
 * }</pre>
 * Its chat template, if any, is applied through {@link Builder#chatFormatter}, and the token budget is measured on
 * the formatted prompt.
 */
public final class RagPipeline {
    /** Default prompt: numbered sources, then the question. */
    public static final String DEFAULT_TEMPLATE = """
            Answer the question using only the numbered sources below. Cite the sources you use as [1], [2] and so on. \
            If the sources do not contain the answer, say that you do not know.

            Sources:
            {context}
            Question: {question}
            Answer:""";
    private static final Pattern SLOT = Pattern.compile("\\{(question|context)}");

    /** Produces the answer for a prompt, generating at most {@code maxNewTokens} tokens. */
    @FunctionalInterface
    public interface Generator {
        String generate(String prompt, int maxNewTokens);
    }

    /** The answer to a final prompt and the tokens it took. */
    private record Completion(String text, TokenUsage usage) {
    }

    /** Generates the answer to a final prompt (template filled and chat-formatted). */
    @FunctionalInterface
    private interface Completer {
        Completion complete(String prompt, int maxNewTokens);
    }

    private final VectorIndex index;
    private final Completer completer;
    private final TokenCounter counter;
    private final int contextWindow;
    private final int maxAnswerTokens;
    private final String template;
    private final UnaryOperator<String> chatFormatter;
    private final int topK;
    private final int candidates;
    private final Mode mode;
    private final Filter filter;

    private RagPipeline(Builder b, Completer completer, TokenCounter counter, UnaryOperator<String> chatFormatter,
                        int contextWindow, int maxAnswerTokens) {
        this.index = b.index;
        this.completer = completer;
        this.counter = counter;
        this.contextWindow = contextWindow;
        this.maxAnswerTokens = maxAnswerTokens;
        this.template = b.template;
        this.chatFormatter = chatFormatter;
        this.topK = b.topK;
        this.candidates = b.candidates == 0 ? Math.max(3 * b.topK, 10) : b.candidates;
        this.mode = b.mode;
        this.filter = b.filter;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Retrieves, packs, generates. */
    public Answer ask(String question) {
        if (question == null || question.isBlank()) {
            throw new RagConfigException("question must not be blank");
        }
        int promptBudget = contextWindow - maxAnswerTokens;
        String bare = prompt(question, "");
        int bareTokens = counter.count(bare);
        if (bareTokens > promptBudget) {
            throw new ContextWindowException("the prompt without context already has " + bareTokens
                    + " tokens, but contextWindow " + contextWindow + " - maxAnswerTokens " + maxAnswerTokens + " = "
                    + promptBudget + " are available");
        }
        SearchRequest.Builder req = SearchRequest.builder().text(question).mode(mode).topK(candidates)
                .efSearch(Math.max(candidates, SearchRequest.DEFAULT_CANDIDATES));
        if (filter != null) {
            req.filter(filter);
        }
        List<SearchHit> retrieved = index.search(req.build());

        List<SearchHit> packed = new ArrayList<>();
        List<Citation> citations = new ArrayList<>();
        StringBuilder context = new StringBuilder();
        String finalPrompt = bare;
        for (SearchHit hit : retrieved) {
            if (packed.size() == topK) {
                break;
            }
            if (overlapsPacked(hit, packed)) {
                continue;
            }
            Citation c = Citation.of(packed.size() + 1, hit);
            String block = "[" + c.number() + "] " + c.label() + "\n" + hit.text().strip() + "\n\n";
            String candidate = prompt(question, context + block);
            if (counter.count(candidate) > promptBudget) {
                continue; // a shorter, less relevant chunk may still fit
            }
            context.append(block);
            packed.add(hit);
            citations.add(c);
            finalPrompt = candidate;
        }
        Completion answer = completer.complete(finalPrompt, maxAnswerTokens);
        return new Answer(answer.text(), citations, retrieved, packed, finalPrompt, answer.usage());
    }

    /** A generator function, with token usage counted by {@code counter}. */
    private static Completer counting(Generator generator, TokenCounter counter) {
        return (prompt, maxNewTokens) -> {
            String text = generator.generate(prompt, maxNewTokens);
            if (text == null) {
                throw new RagException("the generator returned null for a prompt of " + counter.count(prompt) + " tokens");
            }
            return new Completion(text, new TokenUsage(counter.count(prompt), counter.count(text)));
        };
    }

    /**
     * A {@link LanguageModel} as the pipeline's chat formatter ({@link LanguageModel#formatPrompt}), token counter and
     * generator. Counting uses {@link LanguageModel#encodePrompt}, which gives the very tokens
     * {@link LanguageModel#reply} feeds, so the budget is measured on exactly the tokens fed. The answer budget
     * covers a thinking model's reasoning too: one that runs out while reasoning answers with empty text.
     */
    private static final class ModelCompleter implements Completer {
        private final LanguageModel model;
        private final GenerationConfig config;

        ModelCompleter(LanguageModel model, GenerationConfig config) {
            if (!model.hasTokenizer()) {
                throw new RagConfigException("model has no tokenizer.json; RagPipeline needs a model that reads and "
                        + "writes text");
            }
            this.model = model;
            this.config = config;
        }

        @Override
        public Completion complete(String prompt, int maxNewTokens) {
            // the answer without the reasoning of a model that thinks in <think> blocks
            Generation g = model.reply(prompt, config.toBuilder().maxNewTokens(maxNewTokens).build());
            return new Completion(g.text(), g.usage());
        }
    }

    private static boolean overlapsPacked(SearchHit hit, List<SearchHit> packed) {
        for (SearchHit p : packed) {
            if (p.id().equals(hit.id()) || (p.documentId().equals(hit.documentId()) && p.offsets().overlaps(hit.offsets()))) {
                return true;
            }
        }
        return false;
    }

    private String prompt(String question, String context) {
        Matcher m = SLOT.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1).equals("question") ? question : context));
        }
        m.appendTail(sb);
        return chatFormatter.apply(sb.toString());
    }

    /** Configuration of a {@link RagPipeline}; validated in {@link #build()}. */
    public static final class Builder {
        private VectorIndex index;
        private LanguageModel model;
        private GenerationConfig generationConfig = GenerationConfig.defaults();
        private Generator generator;
        private TokenCounter tokenCounter;
        private Integer contextWindow;
        private Integer maxAnswerTokens;
        private String template = DEFAULT_TEMPLATE;
        private UnaryOperator<String> chatFormatter;
        private int topK = 4;
        private int candidates;
        private Mode mode = Mode.HYBRID;
        private Filter filter;

        private Builder() {
        }

        /** The index to retrieve from (required). */
        public Builder index(VectorIndex index) {
            this.index = index;
            return this;
        }

        /**
         * A local model, decoding greedily: sets the generator, the token counter (the model's tokenizer), the chat
         * formatting (the checkpoint's chat template, if any) and the default context window (the model's context
         * length). Exclusive with {@link #generator}, {@link #tokenCounter} and {@link #chatFormatter}.
         */
        public Builder model(LanguageModel model) {
            return model(model, GenerationConfig.defaults());
        }

        /**
         * A local model generating with {@code config} (sampling, penalties, stops); {@link #maxAnswerTokens}
         * defaults to its {@code maxNewTokens} and, when set, replaces it.
         */
        public Builder model(LanguageModel model, GenerationConfig config) {
            this.model = model;
            this.generationConfig = config;
            return this;
        }

        /** The model: prompt and answer budget in, answer out (this, {@link #generator(Function)} or {@link #model}). */
        public Builder generator(Generator generator) {
            this.generator = generator;
            return this;
        }

        /** Any prompt-to-answer function, e.g. a remote model call. */
        public Builder generator(Function<String, String> generator) {
            this.generator = generator == null ? null : (prompt, max) -> generator.apply(prompt);
            return this;
        }

        /** Counts tokens as the model's tokenizer does (required with a generator). */
        public Builder tokenCounter(TokenCounter tokenCounter) {
            this.tokenCounter = tokenCounter;
            return this;
        }

        /**
         * The model's context window in tokens, 16..10,000,000 (default 2048); with {@link #model}, at most and by
         * default the model's context length.
         */
        public Builder contextWindow(int contextWindow) {
            this.contextWindow = contextWindow;
            return this;
        }

        /** Tokens reserved for the answer, 1..contextWindow-1 (default: the generation config's maxNewTokens, 256). */
        public Builder maxAnswerTokens(int maxAnswerTokens) {
            this.maxAnswerTokens = maxAnswerTokens;
            return this;
        }

        /** Plain-text template with the slots {@code {question}} and {@code {context}}, each exactly once. */
        public Builder promptTemplate(String template) {
            this.template = template;
            return this;
        }

        /** Wraps the filled template for a chat model (its chat template, as a user turn); default: unchanged. */
        public Builder chatFormatter(UnaryOperator<String> chatFormatter) {
            this.chatFormatter = chatFormatter;
            return this;
        }

        /** Most sources put in the prompt, 1..100 (default 4). */
        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        /** Hits retrieved before de-duplication and packing, topK..10000 (default max(3 topK, 10)). */
        public Builder candidates(int candidates) {
            this.candidates = candidates;
            return this;
        }

        /** Search mode (default HYBRID). */
        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        /** Restricts retrieval to chunks matching the filter. */
        public Builder filter(Filter filter) {
            this.filter = filter;
            return this;
        }

        public RagPipeline build() {
            RagConfigException.requireNonNull("index", index);
            RagConfigException.requireNonNull("mode", mode);
            RagConfigException.requireNonNull("generationConfig", generationConfig);
            int maxContext = 10_000_000;
            Completer completer;
            TokenCounter counter;
            UnaryOperator<String> formatter;
            if (model != null) {
                if (generator != null || tokenCounter != null || chatFormatter != null) {
                    throw new RagConfigException("model sets the generator, tokenCounter and chatFormatter; "
                            + "set either model or those, not both");
                }
                completer = new ModelCompleter(model, generationConfig);
                counter = text -> model.encodePrompt(text).length;
                formatter = model::formatPrompt;
                maxContext = model.config().contextLength();
            } else {
                if (generator == null) {
                    throw new RagConfigException("set a model or a generator");
                }
                RagConfigException.requireNonNull("tokenCounter", tokenCounter);
                completer = counting(generator, tokenCounter);
                counter = tokenCounter;
                formatter = chatFormatter == null ? UnaryOperator.identity() : chatFormatter;
            }
            int window = contextWindow != null ? contextWindow : model != null ? maxContext : 2048;
            RagConfigException.requireRange("contextWindow", window, 16, maxContext);
            int answerTokens = maxAnswerTokens != null ? maxAnswerTokens : generationConfig.maxNewTokens();
            RagConfigException.requireRange("maxAnswerTokens", answerTokens, 1, window - 1);
            RagConfigException.requireRange("topK", topK, 1, 100);
            if (candidates != 0) {
                RagConfigException.requireRange("candidates", candidates, topK, 10_000);
            }
            RagConfigException.requireNonNull("promptTemplate", template);
            for (String slot : List.of("{question}", "{context}")) {
                int first = template.indexOf(slot);
                if (first < 0 || template.indexOf(slot, first + 1) >= 0) {
                    throw new RagConfigException("promptTemplate must contain " + slot + " exactly once");
                }
            }
            return new RagPipeline(this, completer, counter, formatter, window, answerTokens);
        }
    }
}
