package io.llmops4j.rag;

/** The index could not be read or written (I/O failure, corrupt or missing files, write to a read-only version). */
public class IndexException extends RagException {
    private static final long serialVersionUID = 1L;

    public IndexException(String message) {
        super(message);
    }

    public IndexException(String message, Throwable cause) {
        super(message, cause);
    }
}
