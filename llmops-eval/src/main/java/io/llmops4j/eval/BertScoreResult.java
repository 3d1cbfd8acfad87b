package io.llmops4j.eval;

/**
 * One BERTScore: precision, recall and F1 of greedy token matching (roughly 0..1 without baseline rescaling,
 * possibly negative with it).
 *
 * @param precision idf-weighted mean, over the candidate's tokens, of the best cosine with a reference token
 * @param recall idf-weighted mean, over the reference's tokens, of the best cosine with a candidate token
 * @param f1 {@code 2PR/(P+R)}, 0 when undefined
 */
public record BertScoreResult(double precision, double recall, double f1) {
}
