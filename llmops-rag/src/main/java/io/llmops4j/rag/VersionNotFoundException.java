package io.llmops4j.rag;

/** A version id passed to {@code openVersion} or {@code rollback} is not among the retained commits. */
public class VersionNotFoundException extends IndexException {
    private static final long serialVersionUID = 1L;

    public VersionNotFoundException(String message) {
        super(message);
    }
}
