package io.llmops4j.eval;

/** A run could not be stored, found or read from a {@link RunStore} directory. */
public class RunStoreException extends EvalException {
    private static final long serialVersionUID = 1L;

    public RunStoreException(String message) {
        super(message);
    }

    public RunStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
