package io.llmops4j.rag;

/**
 * A file could not be ingested: unreadable, binary, empty, oversized or malformed. Ingestion of a batch catches it
 * per file and records it in the report; loaders used directly throw it.
 */
public class IngestException extends RagException {
    private static final long serialVersionUID = 1L;

    public IngestException(String message) {
        super(message);
    }

    public IngestException(String message, Throwable cause) {
        super(message, cause);
    }
}
