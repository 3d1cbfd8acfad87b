package io.llmops4j.core.embed;

import io.llmops4j.core.Embedder;
import java.nio.file.Path;

/** Placeholder until the ONNX Runtime embedder lands (being written in this session). */
public final class OnnxEmbedder {
    private OnnxEmbedder() {
    }

    public static Embedder defaultModel() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public static Embedder load(Path dir) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
