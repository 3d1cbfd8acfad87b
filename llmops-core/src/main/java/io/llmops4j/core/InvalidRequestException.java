package io.llmops4j.core;

/**
 * A request or a configuration is invalid: a field is outside its allowed range, or a request does not fit the
 * model (for example prompt plus {@code maxNewTokens} over the context length). The message names the field,
 * the allowed range and the value found.
 */
public class InvalidRequestException extends LlmOpsException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message);
    }
}
