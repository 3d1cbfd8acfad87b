package io.llmops4j.rag;

import io.llmops4j.core.LlmOpsException;

/**
 * Root of the unchecked exceptions thrown by llmops-rag. Subclasses say which concern failed: configuration
 * ({@link RagConfigException}), the index ({@link IndexException}, {@link EmbedderMismatchException},
 * {@link VersionNotFoundException}) or ingestion ({@link IngestException}).
 */
public class RagException extends LlmOpsException {
    private static final long serialVersionUID = 1L;

    public RagException(String message) {
        super(message);
    }

    public RagException(String message, Throwable cause) {
        super(message, cause);
    }
}
