package io.llmops4j.eval;

/**
 * A judge's validated score.
 *
 * @param score the rating mapped to 0..1: {@code (rating - min) / (max - min)}
 * @param rating the integer the judge gave, within the scale
 * @param reply the judge's full reply
 */
public record JudgeScore(double score, int rating, String reply) {
}
