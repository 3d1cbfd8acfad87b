package io.llmops4j.eval;

import io.llmops4j.eval.text.NgramCounter;
import io.llmops4j.eval.text.PythonText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * chrF and chrF++ exactly as sacreBLEU 2.x ({@code sacrebleu.metrics.CHRF}), on its 0-100 scale.
 *
 * <p>Character n-grams are taken over code points of the text with all Python whitespace removed (unless
 * {@code whitespace}); chrF++ adds word n-grams over a split that detaches one leading or trailing ASCII
 * punctuation character. With several references, each segment keeps the statistics of the first reference
 * with the strictly best sentence-level score. The corpus score applies the F-beta formula once to the summed
 * statistics: precision and recall are averaged over the orders that have both hypothesis and reference
 * n-grams, then combined.
 */
public final class Chrf {
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static final double EPS = 1e-16;

    private Chrf() {
    }

    /** Sentence chrF: the corpus score of one segment. */
    public static ChrfScore sentence(String hypothesis, List<String> references, ChrfOptions options) {
        return corpus(Collections.singletonList(hypothesis), MetricInputs.sentenceStreams(references, "chrF"), options);
    }

    /**
     * Corpus chrF.
     *
     * @param referenceStreams {@code referenceStreams.get(k).get(i)} is the k-th reference of segment i
     */
    public static ChrfScore corpus(List<String> hypotheses, List<List<String>> referenceStreams, ChrfOptions options) {
        if (options == null) {
            throw new InvalidMetricInputException("chrF options must not be null");
        }
        List<List<String>> refsPerSegment = MetricInputs.transpose(hypotheses, referenceStreams, "chrF");
        int orders = options.charOrder() + options.wordOrder();
        long[] total = new long[3 * orders];
        for (int i = 0; i < hypotheses.size(); i++) {
            long[] seg = bestStatistics(hypotheses.get(i), refsPerSegment.get(i), options);
            for (int j = 0; j < total.length; j++) {
                total[j] += seg[j];
            }
        }
        return score(total, options, MetricInputs.nrefs(refsPerSegment));
    }

    private static ChrfScore score(long[] total, ChrfOptions options, String nrefs) {
        String name = "chrF" + options.beta() + "+".repeat(options.wordOrder());
        String signature = "nrefs:" + nrefs + "|case:" + (options.lowercase() ? "lc" : "mixed")
                + "|eff:" + (options.epsSmoothing() ? "no" : "yes") + "|nc:" + options.charOrder() + "|nw:"
                + options.wordOrder() + "|space:" + (options.whitespace() ? "yes" : "no") + "|version:"
                + Bleu.SACREBLEU_VERSION;
        return new ChrfScore(fScore(total, options), name, signature);
    }

    /** Per-order n-gram counters of one string: character orders first, then word orders. */
    private static List<NgramCounter> ngrams(String s, ChrfOptions options) {
        if (options.lowercase()) {
            s = PythonText.lower(s);
        }
        String chars = options.whitespace() ? s : String.join("", PythonText.split(s));
        int[] cps = chars.codePoints().toArray();
        List<NgramCounter> out = new ArrayList<>(options.charOrder() + options.wordOrder());
        for (int n = 1; n <= options.charOrder(); n++) {
            out.add(NgramCounter.chars(cps, n));
        }
        if (options.wordOrder() > 0) {
            List<String> words = removePunctuation(s);
            for (int n = 1; n <= options.wordOrder(); n++) {
                out.add(NgramCounter.words(words, n));
            }
        }
        return out;
    }

    /** sacreBLEU's {@code _remove_punctuation}: detaches one trailing, else one leading, ASCII punctuation mark. */
    static List<String> removePunctuation(String s) {
        List<String> out = new ArrayList<>();
        for (String w : PythonText.split(s)) {
            int len = PythonText.len(w);
            if (len == 1) {
                out.add(w);
                continue;
            }
            int last = w.codePointBefore(w.length());
            int first = w.codePointAt(0);
            if (last < 128 && PUNCTUATION.indexOf(last) >= 0) {
                out.add(w.substring(0, w.length() - 1));
                out.add(w.substring(w.length() - 1));
            } else if (first < 128 && PUNCTUATION.indexOf(first) >= 0) {
                out.add(w.substring(0, 1));
                out.add(w.substring(1));
            } else {
                out.add(w);
            }
        }
        return out;
    }

    /**
     * sacreBLEU's chrF statistics of one segment: {@code [hyp, ref, match]} per order (characters, then words),
     * taken from the first strictly best reference. Sums over segments give {@link #fromStatistics} the corpus
     * score.
     */
    public static long[] segmentStatistics(String hypothesis, List<String> references, ChrfOptions options) {
        if (options == null) {
            throw new InvalidMetricInputException("chrF options must not be null");
        }
        List<List<String>> refs = MetricInputs.transpose(Collections.singletonList(hypothesis),
                MetricInputs.sentenceStreams(references, "chrF"), "chrF");
        return bestStatistics(hypothesis, refs.get(0), options);
    }

    /**
     * chrF from summed {@link #segmentStatistics}.
     *
     * @param nrefs references per segment for the signature; 0 or less means "var"
     */
    public static ChrfScore fromStatistics(long[] stats, ChrfOptions options, int nrefs) {
        if (options == null || stats == null || stats.length != 3 * (options.charOrder() + options.wordOrder())) {
            throw new InvalidMetricInputException("chrF statistics must have 3 * (charOrder + wordOrder) elements, found "
                    + (stats == null ? "null" : stats.length));
        }
        return score(stats, options, nrefs > 0 ? String.valueOf(nrefs) : "var");
    }

    private static long[] bestStatistics(String hypothesis, List<String> references, ChrfOptions options) {
        List<NgramCounter> hyp = ngrams(hypothesis, options);
        long[] best = null;
        double bestF = -1.0;
        for (String reference : references) {
            List<NgramCounter> ref = ngrams(reference, options);
            long[] stats = new long[3 * hyp.size()];
            for (int o = 0; o < hyp.size(); o++) {
                NgramCounter h = hyp.get(o);
                NgramCounter r = ref.get(o);
                stats[3 * o] = r.isEmpty() ? 0 : h.total(); // no hits counted when the reference has no n-grams
                stats[3 * o + 1] = r.total();
                stats[3 * o + 2] = h.overlap(r);
            }
            double f = fScore(stats, options);
            if (f > bestF) {
                bestF = f;
                best = stats;
            }
        }
        return best;
    }

    /** sacreBLEU's {@code _compute_f_score}, in its operation order. */
    private static double fScore(long[] stats, ChrfOptions options) {
        int factor = options.beta() * options.beta();
        int orders = stats.length / 3;
        double score = 0.0;
        double avgPrec = 0.0;
        double avgRec = 0.0;
        int effectiveOrder = 0;
        for (int i = 0; i < orders; i++) {
            long nHyp = stats[3 * i];
            long nRef = stats[3 * i + 1];
            long nMatch = stats[3 * i + 2];
            double prec = nHyp > 0 ? (double) nMatch / nHyp : EPS;
            double rec = nRef > 0 ? (double) nMatch / nRef : EPS;
            double denom = factor * prec + rec;
            score += denom > 0 ? (1 + factor) * prec * rec / denom : EPS;
            if (nHyp > 0 && nRef > 0) {
                avgPrec += prec;
                avgRec += rec;
                effectiveOrder++;
            }
        }
        if (options.epsSmoothing()) {
            return 100 * score / orders;
        }
        if (effectiveOrder == 0) {
            avgPrec = 0.0;
            avgRec = 0.0;
        } else {
            avgPrec /= effectiveOrder;
            avgRec /= effectiveOrder;
        }
        if (avgPrec + avgRec != 0) {
            double s = (1 + factor) * avgPrec * avgRec;
            s /= (factor * avgPrec) + avgRec;
            return 100 * s;
        }
        return 0.0;
    }
}
