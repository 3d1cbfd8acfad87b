package io.llmops4j.core.chat;

import io.llmops4j.core.LlmOpsException;

/**
 * A chat template could not be compiled or rendered: a syntax error, a {@code raise_exception(...)} call of the
 * template itself (the message is the template's), a forbidden operation (file access, Java method calls), or a
 * sandbox limit (output size, render time). The message names the problem and, where known, the template line.
 */
public class ChatTemplateException extends LlmOpsException {
    private static final long serialVersionUID = 1L;

    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
