package io.llmops4j.rag;

/**
 * An index was opened with an embedder (or vector dimension) different from the one that built it. Vectors from
 * two models are not comparable, so searching would return garbage; the message names both.
 */
public class EmbedderMismatchException extends IndexException {
    private static final long serialVersionUID = 1L;

    public EmbedderMismatchException(String message) {
        super(message);
    }
}
