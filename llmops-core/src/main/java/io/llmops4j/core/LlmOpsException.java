package io.llmops4j.core;

/** Root of the unchecked exceptions thrown by llmops4j. */
public class LlmOpsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LlmOpsException(String message) {
        super(message);
    }

    public LlmOpsException(String message, Throwable cause) {
        super(message, cause);
    }
}
