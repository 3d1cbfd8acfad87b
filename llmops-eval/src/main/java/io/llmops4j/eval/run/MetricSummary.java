package io.llmops4j.eval.run;

/**
 * A metric's mean over a run's examples with its percentile-bootstrap 95% confidence interval.
 *
 * @param mean the mean
 * @param low 2.5th percentile of the bootstrap means
 * @param high 97.5th percentile of the bootstrap means
 * @param n number of scored examples
 */
public record MetricSummary(double mean, double low, double high, int n) {
}
