package io.llmops4j.core;

/**
 * A checkpoint, config or tokenizer file is not what it must be. The message names the file, the field or
 * tensor, and what was expected versus what was found.
 */
public class ModelFormatException extends LlmOpsException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
