package io.llmops4j.rag;

/** A prompt cannot fit the model's context window even without retrieved context; the message gives the counts. */
public class ContextWindowException extends RagException {
    private static final long serialVersionUID = 1L;

    public ContextWindowException(String message) {
        super(message);
    }
}
