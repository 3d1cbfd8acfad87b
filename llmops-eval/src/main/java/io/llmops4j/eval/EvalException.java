package io.llmops4j.eval;

import io.llmops4j.core.LlmOpsException;

/**
 * Root of the unchecked exceptions thrown by llmops-eval. Subclasses say which input was wrong: the message
 * names the argument, file, line or field, and what was expected versus what was found.
 */
public class EvalException extends LlmOpsException {
    private static final long serialVersionUID = 1L;

    public EvalException(String message) {
        super(message);
    }

    public EvalException(String message, Throwable cause) {
        super(message, cause);
    }
}
