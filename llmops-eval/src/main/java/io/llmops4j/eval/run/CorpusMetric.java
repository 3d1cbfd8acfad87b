package io.llmops4j.eval.run;

/**
 * A metric computed once over the whole run from summed per-example sufficient statistics, such as corpus BLEU
 * or corpus chrF (which are not means of sentence scores). Its interval resamples examples and re-sums their
 * statistics.
 */
public interface CorpusMetric {
    /** Column name, e.g. {@code corpus_bleu}. */
    String name();

    /** The sufficient statistics of one output (all arrays of one metric have the same length). */
    long[] statistics(String output, Example example);

    /** The corpus score of element-wise summed statistics. */
    double score(long[] summed);
}
