package io.llmops4j.eval.run;

/**
 * A metric computed per example from the system's output and the example (its references, context...). The
 * run's aggregate is the mean over examples with a bootstrap confidence interval.
 */
public interface ExampleMetric {
    /** Column name of the metric, e.g. {@code bleu}. */
    String name();

    /** The score of one output. */
    double score(String output, Example example);
}
