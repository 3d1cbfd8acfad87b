package io.llmops4j.eval.run;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap over examples: confidence intervals of a mean and paired-bootstrap significance of a
 * difference of means (Koehn 2004, Efron and Tibshirani 1993). Resampling uses a seeded {@link SplittableRandom}.
 */
public final class Bootstrap {
    private Bootstrap() {
    }

    /** Mean of the values with the 2.5 / 97.5 percentiles of {@code samples} bootstrap means. */
    public static MetricSummary meanInterval(double[] values, int samples, long seed) {
        if (values.length == 0) {
            return new MetricSummary(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double[] means = resampleMeans(values, samples, seed);
        return new MetricSummary(mean(values), percentile(means, 0.025), percentile(means, 0.975), values.length);
    }

    /**
     * A corpus score of summed per-example statistics with the 2.5 / 97.5 percentiles of the score over
     * {@code samples} resamples of the examples.
     */
    public static MetricSummary corpusInterval(java.util.List<long[]> statistics, java.util.function.ToDoubleFunction<long[]> score,
                                               int samples, long seed) {
        int n = statistics.size();
        if (n == 0) {
            return new MetricSummary(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        int width = statistics.get(0).length;
        long[] total = new long[width];
        statistics.forEach(s -> add(total, s));
        SplittableRandom random = new SplittableRandom(seed);
        double[] scores = new double[samples];
        for (int b = 0; b < samples; b++) {
            long[] sum = new long[width];
            for (int i = 0; i < n; i++) {
                add(sum, statistics.get(random.nextInt(n)));
            }
            scores[b] = score.applyAsDouble(sum);
        }
        Arrays.sort(scores);
        return new MetricSummary(score.applyAsDouble(total), percentile(scores, 0.025), percentile(scores, 0.975), n);
    }

    private static void add(long[] into, long[] s) {
        for (int j = 0; j < into.length; j++) {
            into[j] += s[j];
        }
    }

    /**
     * Paired bootstrap of {@code mean(b) - mean(a)} over the same examples.
     *
     * @return {delta, low, high, p} where p is the two-sided bootstrap p-value of "no difference":
     *     {@code min(1, 2 min(P*(d <= 0), P*(d >= 0)))} over the resampled differences
     */
    public static double[] paired(double[] a, double[] b, int samples, long seed) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = b[i] - a[i];
        }
        double[] means = resampleMeans(d, samples, seed);
        int le = 0;
        int ge = 0;
        for (double m : means) {
            le += m <= 0 ? 1 : 0;
            ge += m >= 0 ? 1 : 0;
        }
        double p = Math.min(1.0, 2.0 * Math.min(le, ge) / samples);
        return new double[] {mean(b) - mean(a), percentile(means, 0.025), percentile(means, 0.975), p};
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double[] resampleMeans(double[] values, int samples, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = values.length;
        double[] means = new double[samples];
        for (int b = 0; b < samples; b++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += values[random.nextInt(n)];
            }
            means[b] = s / n;
        }
        Arrays.sort(means);
        return means;
    }

    /**
     * numpy's default ("linear") quantile of sorted data, {@code q} in [0, 1], including numpy's interpolation
     * form ({@code a + (b-a) t}, or {@code b - (b-a)(1-t)} when {@code t >= 0.5}).
     */
    public static double percentile(double[] sorted, double q) {
        int n = sorted.length;
        double virtualIndex = (n - 1) * q;
        int lower = (int) Math.floor(virtualIndex);
        if (lower >= n - 1) {
            return sorted[n - 1];
        }
        double t = virtualIndex - lower;
        double a = sorted[lower];
        double b = sorted[lower + 1];
        double diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }
}
