package io.llmops4j.eval;

import io.llmops4j.eval.text.PythonText;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * A BLEU score on sacreBLEU's 0-100 scale with its sufficient statistics.
 *
 * @param score the BLEU score, 0..100
 * @param precisions the (smoothed) n-gram precisions, 0..100, one per order
 * @param bp the brevity penalty
 * @param ratio hypothesis length / reference length (0 when the reference length is 0)
 * @param sysLen total hypothesis tokens
 * @param refLen total closest-reference tokens
 * @param counts matching n-grams per order, before smoothing (sacreBLEU's {@code counts} also adds the add-k
 *     value to orders above 1; here the raw integer statistics are kept)
 * @param totals hypothesis n-grams per order, before smoothing
 * @param signature sacreBLEU's reproducibility signature, e.g.
 *     {@code nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0}
 */
public record BleuScore(double score, double[] precisions, double bp, double ratio, int sysLen, int refLen,
                        int[] counts, int[] totals, String signature) {

    /** Copies the arrays so the record stays immutable. */
    public BleuScore {
        precisions = precisions.clone();
        counts = counts.clone();
        totals = totals.clone();
    }

    @Override
    public double[] precisions() {
        return precisions.clone();
    }

    @Override
    public int[] counts() {
        return counts.clone();
    }

    @Override
    public int[] totals() {
        return totals.clone();
    }

    /**
     * sacreBLEU's text output line, e.g.
     * {@code BLEU|nrefs:1|...|version:2.6.0 = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)}.
     *
     * @param width decimals of the score
     */
    public String format(int width) {
        return "BLEU|" + signature + " = " + PythonText.fixed(score, width) + " " + verbose();
    }

    /** sacreBLEU's verbose part, e.g. {@code 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)}. */
    public String verbose() {
        StringJoiner prec = new StringJoiner("/");
        for (double p : precisions) {
            prec.add(PythonText.fixed(p, 1));
        }
        return prec + " (BP = " + PythonText.fixed(bp, 3) + " ratio = " + PythonText.fixed(ratio, 3) + " hyp_len = " + sysLen
                + " ref_len = " + refLen + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BleuScore b && Double.compare(score, b.score) == 0 && Arrays.equals(precisions, b.precisions)
                && Double.compare(bp, b.bp) == 0 && Double.compare(ratio, b.ratio) == 0 && sysLen == b.sysLen
                && refLen == b.refLen && Arrays.equals(counts, b.counts) && Arrays.equals(totals, b.totals)
                && signature.equals(b.signature);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(score) * 31 + signature.hashCode();
    }

    @Override
    public String toString() {
        return format(2);
    }
}
