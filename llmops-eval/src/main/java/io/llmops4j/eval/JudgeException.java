package io.llmops4j.eval;

/**
 * A judge gave no valid score: it replied nothing, or its reply held no score in the required form, or the score
 * was outside the scale or not an integer. The {@link Evaluator} records it on the example (the example gets no
 * score for that metric) instead of failing the run. A judge call that fails (an exception from the judge) is not
 * a JudgeException: it propagates and ends the evaluation.
 */
public class JudgeException extends EvalException {
    private static final long serialVersionUID = 1L;

    private final String reply;

    public JudgeException(String message, String reply) {
        super(message);
        this.reply = reply;
    }

    /** The judge's reply, or {@code null} if it returned none. */
    public String reply() {
        return reply;
    }
}
