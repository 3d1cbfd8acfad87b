/**
 * Evaluation: text metrics that agree with sacreBLEU, rouge-score and NLTK (BLEU, chrF, ROUGE, METEOR),
 * model-based and task metrics, and the {@code Evaluator} that records experiment runs and reports them.
 */
package io.llmops4j.eval;
