package io.llmops4j.eval;

/**
 * A judge gave no valid score: its reply held no score in the required form, the score was outside the scale or
 * not an integer, or the judge call itself failed. The {@link Evaluator} records it on the example (the example
 * gets no score for that metric) instead of failing the run.
 */
public class JudgeException extends EvalException {
    private static final long serialVersionUID = 1L;

    private final String reply;

    public JudgeException(String message, String reply) {
        super(message);
        this.reply = reply;
    }

    public JudgeException(String message, Throwable cause) {
        super(message, cause);
        this.reply = null;
    }

    /** The judge's reply, or {@code null} if the call failed before replying. */
    public String reply() {
        return reply;
    }
}
