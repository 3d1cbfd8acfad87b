package io.llmops4j.eval;

/**
 * One ROUGE score, 0..1, as rouge-score's {@code Score} tuple.
 *
 * @param precision overlap / prediction size
 * @param recall overlap / target size
 * @param fmeasure {@code 2PR/(P+R)}, 0 when {@code P+R == 0}
 */
public record RougeScore(double precision, double recall, double fmeasure) {

    /** rouge-score's {@code scoring.fmeasure} and the Score built from precision and recall. */
    static RougeScore of(double precision, double recall) {
        double f = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
        return new RougeScore(precision, recall, f);
    }

    static final RougeScore ZERO = new RougeScore(0, 0, 0);
}
