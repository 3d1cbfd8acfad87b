package io.llmops4j.eval;

/**
 * A metric was called with arguments it cannot score: a null list or string, reference streams whose length
 * differs from the number of hypotheses, no references at all, or an option outside its allowed range.
 */
public class InvalidMetricInputException extends EvalException {
    private static final long serialVersionUID = 1L;

    public InvalidMetricInputException(String message) {
        super(message);
    }
}
