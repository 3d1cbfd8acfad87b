package io.llmops4j.core;

import java.nio.file.Path;
import java.util.List;

/**
 * Turns sentences into L2-normalised vectors. Implementations hold native memory and must be closed;
 * closing twice is harmless. Instances are safe for concurrent use.
 */
public interface Embedder extends AutoCloseable {

    /** Embeds each text; row {@code i} is the unit-length vector of {@code texts.get(i)}. */
    float[][] embed(List<String> texts);

    /** Embeds one text. */
    default float[] embed(String text) {
        return embed(List.of(text))[0];
    }

    /** Length of every vector this embedder returns. */
    int dimension();

    /** A stable identifier of the model (name and a hash of its weights), recorded by indexes built with it. */
    String id();

    /** Longest input in tokens; longer inputs are truncated. */
    int maxSequenceLength();

    /**
     * Tokens the model's tokenizer makes of {@code text} before truncation, special tokens included, so that a
     * chunker can keep texts within {@link #maxSequenceLength()}.
     */
    int countTokens(String text);

    @Override
    void close();

    /** The embedded default: all-MiniLM-L6-v2 (384 dimensions, 256 word pieces), loaded from the classpath. */
    static Embedder defaultModel() {
        return io.llmops4j.core.embed.OnnxEmbedder.defaultModel();
    }

    /**
     * Loads a sentence-transformers ONNX export: {@code model.onnx} or {@code onnx/model.onnx}, its
     * {@code tokenizer.json}, and the export's module configs (pooling, Dense, Normalize); see
     * {@link io.llmops4j.core.embed.OnnxEmbedder#load(Path, String)}.
     */
    static Embedder load(Path dir) {
        return io.llmops4j.core.embed.OnnxEmbedder.load(dir);
    }
}
