/**
 * Benchmarks of llmops-eval's metrics on a synthetic, seeded corpus ({@link io.llmops4j.bench.eval.SyntheticText}):
 * corpus BLEU and chrF / chrF++ on 10,000 segment pairs, ROUGE-L and ROUGE-Lsum on long documents (quadratic LCS
 * cost) and sentence METEOR ({@link io.llmops4j.bench.eval.TextMetricsBenchmark}).
 */
package io.llmops4j.bench.eval;
