package io.llmops4j.rag;

import io.llmops4j.core.Embedder;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Deterministic test embedder: a signed hashed bag of lower-cased words, L2-normalised. Texts sharing words have
 * positive cosine; it needs no model files.
 */
public final class HashEmbedder implements Embedder {
    private final int dimension;
    private final String id;

    public HashEmbedder(int dimension, String id) {
        this.dimension = dimension;
        this.id = id;
    }

    public HashEmbedder() {
        this(64, "test-hash-64");
    }

    @Override
    public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            out[i] = embedOne(texts.get(i));
        }
        return out;
    }

    private float[] embedOne(String text) {
        double[] acc = new double[dimension];
        for (String w : words(text)) {
            long h = w.hashCode() * 0x9E3779B97F4A7C15L;
            h ^= h >>> 29;
            int bucket = (int) Math.floorMod(h, (long) dimension);
            acc[bucket] += ((h >>> 40) & 1) == 0 ? 1 : -1;
        }
        double n2 = 0;
        for (double x : acc) {
            n2 += x * x;
        }
        float[] v = new float[dimension];
        if (n2 == 0) {
            v[0] = 1;
            return v;
        }
        double n = Math.sqrt(n2);
        for (int j = 0; j < dimension; j++) {
            v[j] = (float) (acc[j] / n);
        }
        return v;
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
        return 512;
    }

    /** One token per word, the units this embedder hashes. */
    @Override
    public int countTokens(String text) {
        return words(text).size();
    }

    /** The lower-cased alphanumeric words of a text: what this embedder hashes and counts. */
    private static List<String> words(String text) {
        return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")).filter(w -> !w.isEmpty()).toList();
    }

    @Override
    public void close() {
    }
}
