package io.llmops4j.eval;

import io.llmops4j.eval.text.RougeTokenizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * RAG quality without a language model, by lexical support. Text is split into sentences (at {@code .}, {@code !}
 * or {@code ?} followed by whitespace, and at line breaks) and into content tokens (rouge-score's tokenizer
 * with Porter stemming, minus a fixed list of English function words). Then:
 * <ul>
 *   <li>{@link #groundedness}: the share of answer sentences whose content tokens are covered by the retrieved
 *       context to at least {@code supportThreshold};</li>
 *   <li>{@link #answerRelevance}: the share of the question's content tokens the answer contains;</li>
 *   <li>{@link #contextRelevance}: the share of context sentences that cover at least
 *       {@code relevanceThreshold} of the question's content tokens.</li>
 * </ul>
 * Sentences without content tokens are not counted; when nothing can be counted the score is 0. These are
 * cheap lexical proxies: paraphrases are not recognised (embedding- or judge-based variants need a model).
 * Thread-safe.
 */
public final class RagMetrics {
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+|\\R");
    private static final Set<String> FUNCTION_WORDS = Set.of("a", "an", "the", "and", "or", "but", "if", "of", "to", "in",
            "on", "at", "by", "for", "with", "from", "as", "is", "are", "was", "were", "be", "been", "it", "its", "this", "that",
            "these", "those", "there", "what", "which", "who", "whom", "how", "when", "where", "why", "do", "does", "did", "not",
            "no", "so", "than", "then", "i", "you", "he", "she", "we", "they", "me", "him", "her", "us", "them", "my", "your",
            "his", "our", "their");

    private final double supportThreshold;
    private final double relevanceThreshold;

    private RagMetrics(double supportThreshold, double relevanceThreshold) {
        this.supportThreshold = supportThreshold;
        this.relevanceThreshold = relevanceThreshold;
    }

    /** A builder: support threshold 0.5, relevance threshold 0.3. */
    public static Builder builder() {
        return new Builder();
    }

    /** Share of answer sentences supported by the union of the contexts. */
    public double groundedness(String answer, List<String> contexts) {
        Set<String> context = new HashSet<>();
        for (String c : nonNull(contexts, "contexts")) {
            context.addAll(contentTokens(nonNull(c, "context")));
        }
        int counted = 0;
        int supported = 0;
        for (String sentence : sentences(nonNull(answer, "answer"))) {
            List<String> tokens = contentTokens(sentence);
            if (tokens.isEmpty()) {
                continue;
            }
            counted++;
            supported += coverage(tokens, context) >= supportThreshold ? 1 : 0;
        }
        return counted == 0 ? 0.0 : (double) supported / counted;
    }

    /** Share of the question's distinct content tokens that occur in the answer. */
    public double answerRelevance(String question, String answer) {
        List<String> q = distinct(contentTokens(nonNull(question, "question")));
        return q.isEmpty() ? 0.0 : coverage(q, new HashSet<>(contentTokens(nonNull(answer, "answer"))));
    }

    /** Share of context sentences that cover at least the relevance threshold of the question's content tokens. */
    public double contextRelevance(String question, List<String> contexts) {
        List<String> q = distinct(contentTokens(nonNull(question, "question")));
        if (q.isEmpty()) {
            return 0.0;
        }
        int counted = 0;
        int relevant = 0;
        for (String c : nonNull(contexts, "contexts")) {
            for (String sentence : sentences(nonNull(c, "context"))) {
                Set<String> tokens = new HashSet<>(contentTokens(sentence));
                if (tokens.isEmpty()) {
                    continue;
                }
                counted++;
                relevant += coverage(q, tokens) >= relevanceThreshold ? 1 : 0;
            }
        }
        return counted == 0 ? 0.0 : (double) relevant / counted;
    }

    static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        for (String s : SENTENCE_END.split(text)) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    static List<String> contentTokens(String text) {
        List<String> out = new ArrayList<>();
        for (String t : RougeTokenizer.tokenize(text, false)) {
            if (!FUNCTION_WORDS.contains(t)) {
                out.add(t.length() > 3 ? io.llmops4j.eval.text.PorterStemmer.INSTANCE.stem(t) : t);
            }
        }
        return out;
    }

    private static List<String> distinct(List<String> tokens) {
        return List.copyOf(new java.util.LinkedHashSet<>(tokens));
    }

    private static double coverage(List<String> tokens, Set<String> in) {
        int hit = 0;
        for (String t : tokens) {
            hit += in.contains(t) ? 1 : 0;
        }
        return (double) hit / tokens.size();
    }

    private static <T> T nonNull(T value, String what) {
        return MetricInputs.nonNull(value, "RAG metrics", what);
    }

    /** Builder of {@link RagMetrics}. */
    public static final class Builder {
        private double supportThreshold = 0.5;
        private double relevanceThreshold = 0.3;

        private Builder() {
        }

        /** Minimum share of a sentence's content tokens found in the context, in (0, 1]. */
        public Builder supportThreshold(double t) {
            this.supportThreshold = t;
            return this;
        }

        /** Minimum share of the question's content tokens a context sentence must cover, in (0, 1]. */
        public Builder relevanceThreshold(double t) {
            this.relevanceThreshold = t;
            return this;
        }

        /** Validates and builds. */
        public RagMetrics build() {
            if (!(supportThreshold > 0 && supportThreshold <= 1)) {
                throw new InvalidMetricInputException("RagMetrics.supportThreshold must be in (0, 1], found " + supportThreshold);
            }
            if (!(relevanceThreshold > 0 && relevanceThreshold <= 1)) {
                throw new InvalidMetricInputException("RagMetrics.relevanceThreshold must be in (0, 1], found " + relevanceThreshold);
            }
            return new RagMetrics(supportThreshold, relevanceThreshold);
        }
    }
}
