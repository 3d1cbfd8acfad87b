package io.llmops4j.eval;

/**
 * Perplexity of a language model over a dataset.
 *
 * @param perplexity {@code exp(meanNll)}
 * @param tokens number of tokens scored (predicted from at least one earlier token)
 * @param meanNll token-weighted mean negative log-likelihood of the scored tokens, in nats
 */
public record PerplexityResult(double perplexity, long tokens, double meanNll) {
}
