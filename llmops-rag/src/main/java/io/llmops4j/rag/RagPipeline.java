package io.llmops4j.rag;

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
 * <pre>{@code
 * RagPipeline rag = RagPipeline.builder().index(index).generator(prompt -> callMyModel(prompt))
 *         .tokenCounter(t -> tokenizer.encode(t).length).contextWindow(4096).build();
 * Answer a = rag.ask("How do heat pumps work?");
 * }</pre>
 *
 * The generator is any function from prompt to text, so remote models work too. A chat model's template is applied
 * through {@link Builder#chatFormatter}, and the token budget is measured on the formatted prompt.
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

    private final VectorIndex index;
    private final Generator generator;
    private final TokenCounter counter;
    private final int contextWindow;
    private final int maxAnswerTokens;
    private final String template;
    private final UnaryOperator<String> chatFormatter;
    private final int topK;
    private final int candidates;
    private final Mode mode;
    private final Filter filter;

    private RagPipeline(Builder b) {
        this.index = b.index;
        this.generator = b.generator;
        this.counter = b.tokenCounter;
        this.contextWindow = b.contextWindow;
        this.maxAnswerTokens = b.maxAnswerTokens;
        this.template = b.template;
        this.chatFormatter = b.chatFormatter;
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
        String text = generator.generate(finalPrompt, maxAnswerTokens);
        if (text == null) {
            throw new RagException("the generator returned null for a prompt of " + counter.count(finalPrompt) + " tokens");
        }
        return new Answer(text, citations, retrieved, packed, finalPrompt,
                new TokenUsage(counter.count(finalPrompt), counter.count(text)));
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
        private Generator generator;
        private TokenCounter tokenCounter;
        private int contextWindow = 2048;
        private int maxAnswerTokens = 256;
        private String template = DEFAULT_TEMPLATE;
        private UnaryOperator<String> chatFormatter = UnaryOperator.identity();
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

        /** The model: prompt and answer budget in, answer out (required, or {@link #generator(Function)}). */
        public Builder generator(Generator generator) {
            this.generator = generator;
            return this;
        }

        /** Any prompt-to-answer function, e.g. a remote model call. */
        public Builder generator(Function<String, String> generator) {
            this.generator = generator == null ? null : (prompt, max) -> generator.apply(prompt);
            return this;
        }

        /** Counts tokens as the model's tokenizer does (required). */
        public Builder tokenCounter(TokenCounter tokenCounter) {
            this.tokenCounter = tokenCounter;
            return this;
        }

        /** The model's context window in tokens, 16..10,000,000 (default 2048). */
        public Builder contextWindow(int contextWindow) {
            this.contextWindow = contextWindow;
            return this;
        }

        /** Tokens reserved for the answer, 1..contextWindow-1 (default 256). */
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
            RagConfigException.requireNonNull("generator", generator);
            RagConfigException.requireNonNull("tokenCounter", tokenCounter);
            RagConfigException.requireNonNull("chatFormatter", chatFormatter);
            RagConfigException.requireNonNull("mode", mode);
            RagConfigException.requireRange("contextWindow", contextWindow, 16, 10_000_000);
            RagConfigException.requireRange("maxAnswerTokens", maxAnswerTokens, 1, contextWindow - 1);
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
            return new RagPipeline(this);
        }
    }
}
