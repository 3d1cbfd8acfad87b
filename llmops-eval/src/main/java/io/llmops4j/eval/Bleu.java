package io.llmops4j.eval;

import io.llmops4j.eval.text.Ngrams;
import io.llmops4j.eval.text.PythonText;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BLEU exactly as sacreBLEU 2.x computes it ({@code sacrebleu.metrics.BLEU}), on its 0-100 scale.
 *
 * <pre>{@code
 * BleuScore s = Bleu.corpus(hyps, List.of(refs), BleuOptions.defaults());
 * BleuScore one = Bleu.sentence("the cat sat", List.of("the cat sat down"),
 *         BleuOptions.builder().effectiveOrder(true).build());
 * }</pre>
 *
 * <p>Each hypothesis and reference is lowercased (if asked), right-stripped of Python whitespace, tokenized and
 * split on Python whitespace. Per segment the n-gram matches are clipped by the maximum count over the
 * segment's references and the closest reference length (shorter on ties) is taken; corpus statistics are
 * sums. An empty reference string is a real reference of length 0. Unlike sacreBLEU, streams of unequal
 * length are an error instead of being silently truncated.
 */
public final class Bleu {
    /** The sacreBLEU release whose algorithm and signature format are reproduced. */
    public static final String SACREBLEU_VERSION = "2.6.0";

    private static final double LOG_ZERO = -9999999999.0;

    private Bleu() {
    }

    /**
     * Corpus BLEU.
     *
     * @param hypotheses one string per segment
     * @param referenceStreams {@code referenceStreams.get(k).get(i)} is the k-th reference of segment i; every
     *     stream has one entry per segment; a {@code null} entry means "no k-th reference for this segment"
     * @param options the options
     */
    public static BleuScore corpus(List<String> hypotheses, List<List<String>> referenceStreams, BleuOptions options) {
        if (options == null) {
            throw new InvalidMetricInputException("BLEU options must not be null");
        }
        List<List<String>> refsPerSegment = MetricInputs.transpose(hypotheses, referenceStreams, "BLEU");
        int n = options.maxNgramOrder();
        long[] stats = new long[2 + 2 * n];
        for (int i = 0; i < hypotheses.size(); i++) {
            addSegment(stats, hypotheses.get(i), refsPerSegment.get(i), options);
        }
        return compute(stats, options, MetricInputs.nrefs(refsPerSegment));
    }

    /** Sentence BLEU: {@code corpus([hypothesis], [[r] for r in references])}. */
    public static BleuScore sentence(String hypothesis, List<String> references, BleuOptions options) {
        return corpus(Collections.singletonList(hypothesis), MetricInputs.sentenceStreams(references, "BLEU"), options);
    }

    /**
     * sacreBLEU's sufficient statistics of one segment, {@code [hyp_len, ref_len, correct_1..N, total_1..N]};
     * element-wise sums over segments give {@link #fromStatistics} the corpus score (useful for bootstrap
     * resampling without re-tokenizing).
     */
    public static long[] segmentStatistics(String hypothesis, List<String> references, BleuOptions options) {
        if (options == null) {
            throw new InvalidMetricInputException("BLEU options must not be null");
        }
        List<List<String>> refs = MetricInputs.transpose(Collections.singletonList(hypothesis),
                MetricInputs.sentenceStreams(references, "BLEU"), "BLEU");
        long[] stats = new long[2 + 2 * options.maxNgramOrder()];
        addSegment(stats, hypothesis, refs.get(0), options);
        return stats;
    }

    /**
     * BLEU from summed {@link #segmentStatistics} (sacreBLEU's {@code _compute_score_from_stats}).
     *
     * @param nrefs references per segment for the signature; 0 or less means "var"
     */
    public static BleuScore fromStatistics(long[] stats, BleuOptions options, int nrefs) {
        if (options == null || stats == null || stats.length != 2 + 2 * options.maxNgramOrder()) {
            throw new InvalidMetricInputException("BLEU statistics must have 2 + 2 * maxNgramOrder elements, found "
                    + (stats == null ? "null" : stats.length));
        }
        return compute(stats, options, nrefs > 0 ? String.valueOf(nrefs) : "var");
    }

    /** The tokens sacreBLEU scores for one string under these options. */
    static List<String> tokens(String s, BleuOptions options) {
        if (options.lowercase()) {
            s = PythonText.lower(s);
        }
        return PythonText.split(options.tokenize().apply(PythonText.rstrip(s)));
    }

    private static void addSegment(long[] stats, String hypothesis, List<String> references, BleuOptions options) {
        int n = options.maxNgramOrder();
        Map<String, Integer> maxRef = new HashMap<>();
        List<Integer> refLens = new ArrayList<>(references.size());
        for (String ref : references) {
            List<String> rt = tokens(ref, options);
            refLens.add(rt.size());
            for (int order = 1; order <= n; order++) {
                Ngrams.words(rt, order).forEach((g, c) -> maxRef.merge(g, c, Math::max));
            }
        }
        List<String> ht = tokens(hypothesis, options);
        int hypLen = ht.size();
        int closestDiff = -1;
        int closestLen = -1;
        for (int refLen : refLens) {
            int diff = Math.abs(hypLen - refLen);
            if (closestDiff == -1 || diff < closestDiff) {
                closestDiff = diff;
                closestLen = refLen;
            } else if (diff == closestDiff && refLen < closestLen) {
                closestLen = refLen;
            }
        }
        stats[0] += hypLen;
        stats[1] += closestLen;
        for (int order = 1; order <= n; order++) {
            Map<String, Integer> hyp = Ngrams.words(ht, order);
            int correct = 0;
            int total = 0;
            for (Map.Entry<String, Integer> e : hyp.entrySet()) {
                total += e.getValue();
                Integer r = maxRef.get(e.getKey());
                if (r != null) {
                    correct += Math.min(e.getValue(), r);
                }
            }
            stats[1 + order] += correct;
            stats[1 + n + order] += total;
        }
    }

    private static BleuScore compute(long[] stats, BleuOptions options, String nrefs) {
        int n = options.maxNgramOrder();
        int sysLen = Math.toIntExact(stats[0]);
        int refLen = Math.toIntExact(stats[1]);
        int[] counts = new int[n];
        int[] totals = new int[n];
        for (int i = 0; i < n; i++) {
            counts[i] = Math.toIntExact(stats[2 + i]);
            totals[i] = Math.toIntExact(stats[2 + n + i]);
        }
        String signature = signature(options, nrefs);
        double bp = 1.0;
        if (sysLen < refLen) {
            bp = sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0.0;
        }
        double ratio = refLen != 0 ? (double) sysLen / refLen : 0;
        double[] precisions = new double[n];
        boolean anyCorrect = false;
        for (int c : counts) {
            anyCorrect |= c != 0;
        }
        if (!anyCorrect) {
            return new BleuScore(0.0, precisions, bp, ratio, sysLen, refLen, counts, totals, signature);
        }
        Smoothing method = options.smoothing();
        double k = options.smoothValue();
        double smoothMteval = 1.0;
        int effOrder = n;
        for (int order = 1; order <= n; order++) {
            double correct = counts[order - 1];
            double total = totals[order - 1];
            if (method == Smoothing.ADD_K && order > 1) {
                correct += k;
                total += k;
            }
            if (total == 0) {
                break;
            }
            if (options.effectiveOrder()) {
                effOrder = order;
            }
            if (correct == 0) {
                if (method == Smoothing.EXP) {
                    smoothMteval *= 2;
                    precisions[order - 1] = 100. / (smoothMteval * total);
                } else if (method == Smoothing.FLOOR) {
                    precisions[order - 1] = 100. * k / total;
                }
            } else {
                precisions[order - 1] = 100. * correct / total;
            }
        }
        double logSum = 0.0;
        for (int i = 0; i < effOrder; i++) {
            logSum += precisions[i] == 0.0 ? LOG_ZERO : Math.log(precisions[i]);
        }
        double score = bp * Math.exp(logSum / effOrder);
        return new BleuScore(score, precisions, bp, ratio, sysLen, refLen, counts, totals, signature);
    }

    /** sacreBLEU's BLEU signature for these options and reference count ("var" when it varies). */
    static String signature(BleuOptions options, String nrefs) {
        String smooth = options.smoothing().signatureName();
        if (options.smoothing().takesValue()) {
            smooth += "[" + new BigDecimal(options.smoothValue()).setScale(2, RoundingMode.HALF_EVEN).toPlainString() + "]";
        }
        return "nrefs:" + nrefs + "|case:" + (options.lowercase() ? "lc" : "mixed") + "|eff:"
                + (options.effectiveOrder() ? "yes" : "no") + "|tok:" + options.tokenize().signatureName()
                + "|smooth:" + smooth + "|version:" + SACREBLEU_VERSION;
    }
}
