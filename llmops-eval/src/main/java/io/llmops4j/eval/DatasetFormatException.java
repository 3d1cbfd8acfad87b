package io.llmops4j.eval;

/** A dataset, run or WordNet file is malformed; the message names the file and the line (1-based). */
public class DatasetFormatException extends EvalException {
    private static final long serialVersionUID = 1L;

    public DatasetFormatException(String message) {
        super(message);
    }

    public DatasetFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
