/**
 * Experiment runs: the dataset format (JSONL examples), per-example metrics, the recorded {@link
 * io.llmops4j.eval.run.Run} with bootstrap confidence intervals, and paired-bootstrap comparison of two runs.
 */
package io.llmops4j.eval.run;
