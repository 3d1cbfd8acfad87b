package io.llmops4j.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How two embeddings are compared, as sentence-transformers' {@code SimilarityFunction} (the
 * {@code similarity_fn_name} a model is trained and exported with): higher is more similar for every function, so
 * the distances are negated.
 */
public enum Similarity {
    /** Cosine of the angle between the vectors ({@code "cosine"}, the default). */
    COSINE("cosine"),
    /** Dot product ({@code "dot"}). */
    DOT("dot"),
    /** Euclidean distance, negated ({@code "euclidean"}). */
    EUCLIDEAN("euclidean"),
    /** Manhattan (L1) distance, negated ({@code "manhattan"}). */
    MANHATTAN("manhattan");

    private final String configName;

    Similarity(String configName) {
        this.configName = configName;
    }

    /** The name sentence-transformers writes for this function in {@code config_sentence_transformers.json}. */
    public String configName() {
        return configName;
    }

    /** The function named {@code name} in a sentence-transformers config, if it is one of the four. */
    public static Optional<Similarity> ofConfigName(String name) {
        return Arrays.stream(values()).filter(s -> s.configName.equals(name)).findFirst();
    }

    /**
     * The similarity of {@code a} and {@code b}, computed in double precision. A zero vector has cosine 0 with any
     * vector, as sentence-transformers' {@code cos_sim} gives (it divides by a norm of at least 1e-12).
     *
     * @throws InvalidRequestException if the vectors differ in length
     */
    public float score(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new InvalidRequestException(String.format(Locale.ROOT,
                    "vectors to compare must have the same length, found %d and %d", a.length, b.length));
        }
        double sum = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i];
            double y = b[i];
            switch (this) {
                case COSINE -> {
                    sum += x * y;
                    normA += x * x;
                    normB += y * y;
                }
                case DOT -> sum += x * y;
                case EUCLIDEAN -> sum += (x - y) * (x - y);
                case MANHATTAN -> sum += Math.abs(x - y);
            }
        }
        return (float) switch (this) {
            case COSINE -> sum / (Math.max(Math.sqrt(normA), 1e-12) * Math.max(Math.sqrt(normB), 1e-12));
            case DOT -> sum;
            case EUCLIDEAN -> -Math.sqrt(sum);
            case MANHATTAN -> -sum;
        };
    }
}
