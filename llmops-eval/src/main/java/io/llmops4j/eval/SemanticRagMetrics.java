package io.llmops4j.eval;

import io.llmops4j.core.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * RAG relevance by embedding similarity, the semantic counterpart of {@link RagMetrics}' lexical scores: paraphrases
 * count, at the cost of running an {@link Embedder}. Similarity is the cosine of the two texts' embeddings.
 * <ul>
 *   <li>{@link #answerRelevance}: the cosine of the question and the answer (in -1..1; in practice 0..1);</li>
 *   <li>{@link #contextRelevance}: the share of context sentences (split as in {@link RagMetrics}) whose cosine
 *       with the question is at least {@code similarityThreshold}; 0 when there is no sentence.</li>
 * </ul>
 * The embedder belongs to the caller, who closes it. Thread-safe if the embedder is (the default one is).
 */
public final class SemanticRagMetrics {
    private final Embedder embedder;
    private final double similarityThreshold;

    private SemanticRagMetrics(Embedder embedder, double similarityThreshold) {
        this.embedder = embedder;
        this.similarityThreshold = similarityThreshold;
    }

    /** A builder: similarity threshold 0.5; an embedder is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Cosine similarity of the question's and the answer's embeddings. */
    public double answerRelevance(String question, String answer) {
        float[][] v = embedder.embed(List.of(nonNull(question, "question"), nonNull(answer, "answer")));
        return cosine(v[0], v[1]);
    }

    /** Share of context sentences whose cosine with the question reaches the similarity threshold. */
    public double contextRelevance(String question, List<String> contexts) {
        nonNull(question, "question");
        List<String> texts = new ArrayList<>(List.of(question));
        for (String c : nonNull(contexts, "contexts")) {
            texts.addAll(RagMetrics.sentences(nonNull(c, "context")));
        }
        if (texts.size() == 1) {
            return 0.0;
        }
        float[][] v = embedder.embed(texts);
        int relevant = 0;
        for (int i = 1; i < v.length; i++) {
            relevant += cosine(v[0], v[i]) >= similarityThreshold ? 1 : 0;
        }
        return (double) relevant / (v.length - 1);
    }

    private static double cosine(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int d = 0; d < a.length; d++) {
            ab += (double) a[d] * b[d];
            aa += (double) a[d] * a[d];
            bb += (double) b[d] * b[d];
        }
        return aa == 0 || bb == 0 ? 0.0 : ab / Math.sqrt(aa * bb);
    }

    private static <T> T nonNull(T value, String what) {
        return MetricInputs.nonNull(value, "semantic RAG metrics", what);
    }

    /** Builder of {@link SemanticRagMetrics}. */
    public static final class Builder {
        private Embedder embedder;
        private double similarityThreshold = 0.5;

        private Builder() {
        }

        /** The sentence embedder, e.g. {@code Embedder.defaultModel()}; not closed by the metrics. */
        public Builder embedder(Embedder embedder) {
            this.embedder = Objects.requireNonNull(embedder, "embedder");
            return this;
        }

        /** Minimum cosine for a context sentence to count as relevant, in (-1, 1]. */
        public Builder similarityThreshold(double t) {
            this.similarityThreshold = t;
            return this;
        }

        /** Validates and builds. */
        public SemanticRagMetrics build() {
            if (embedder == null) {
                throw new InvalidMetricInputException("SemanticRagMetrics.embedder is required");
            }
            if (!(similarityThreshold > -1 && similarityThreshold <= 1)) {
                throw new InvalidMetricInputException("SemanticRagMetrics.similarityThreshold must be in (-1, 1], found "
                        + similarityThreshold);
            }
            return new SemanticRagMetrics(embedder, similarityThreshold);
        }
    }
}
