package io.llmops4j.eval;

import io.llmops4j.eval.run.Bootstrap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * rouge-score's {@code scoring.BootstrapAggregator}: collects per-example ROUGE scores and reports, per type, the
 * low / mid / high percentiles (2.5 / 50 / 97.5 for a 95% interval) of the bootstrap distribution of the mean
 * precision, recall and F-measure. Percentiles use numpy's default linear interpolation. The resampling uses a
 * seeded {@link SplittableRandom}, so results are reproducible for a seed but are not numpy's random draws.
 * Not thread-safe.
 */
public final class BootstrapAggregator {
    /** low / mid / high percentiles of one ROUGE type. */
    public record AggregateScore(RougeScore low, RougeScore mid, RougeScore high) {
    }

    private final double confidenceInterval;
    private final int samples;
    private final long seed;
    private final Map<String, List<RougeScore>> scores = new LinkedHashMap<>();

    /**
     * @param confidenceInterval in (0, 1), rouge-score's default 0.95
     * @param samples number of bootstrap resamples, >= 1 (rouge-score's default 1000)
     * @param seed random seed
     */
    public BootstrapAggregator(double confidenceInterval, int samples, long seed) {
        if (!(confidenceInterval > 0 && confidenceInterval < 1)) {
            throw new InvalidMetricInputException("BootstrapAggregator.confidenceInterval must be in (0, 1), found "
                    + confidenceInterval);
        }
        if (samples < 1) {
            throw new InvalidMetricInputException("BootstrapAggregator.samples must be >= 1, found " + samples);
        }
        this.confidenceInterval = confidenceInterval;
        this.samples = samples;
        this.seed = seed;
    }

    /** rouge-score's defaults (95%, 1000 samples) with a seed. */
    public BootstrapAggregator(long seed) {
        this(0.95, 1000, seed);
    }

    /** Adds the scores of one example (the map returned by {@link Rouge#score}). */
    public void addScores(Map<String, RougeScore> example) {
        if (example == null) {
            throw new InvalidMetricInputException("BootstrapAggregator.addScores: scores must not be null");
        }
        example.forEach((type, s) -> scores.computeIfAbsent(type, k -> new ArrayList<>()).add(s));
    }

    /** The intervals per type, in the order types were first added. */
    public Map<String, AggregateScore> aggregate() {
        if (scores.isEmpty()) {
            throw new InvalidMetricInputException("BootstrapAggregator.aggregate: no scores were added");
        }
        Map<String, AggregateScore> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<RougeScore>> e : scores.entrySet()) {
            List<RougeScore> list = e.getValue();
            int n = list.size();
            double[][] matrix = new double[n][];
            for (int i = 0; i < n; i++) {
                RougeScore s = list.get(i);
                matrix[i] = new double[] {s.precision(), s.recall(), s.fmeasure()};
            }
            SplittableRandom random = new SplittableRandom(seed);
            double[][] means = new double[3][samples];
            for (int b = 0; b < samples; b++) {
                double[] sum = new double[3];
                for (int i = 0; i < n; i++) {
                    double[] row = matrix[random.nextInt(n)];
                    sum[0] += row[0];
                    sum[1] += row[1];
                    sum[2] += row[2];
                }
                for (int c = 0; c < 3; c++) {
                    means[c][b] = sum[c] / n;
                }
            }
            double delta = (1 - confidenceInterval) / 2;
            double[] q = {delta, 0.5, 1 - delta};
            double[][] pct = new double[3][3]; // [quantile][column]
            for (int c = 0; c < 3; c++) {
                Arrays.sort(means[c]);
                for (int k = 0; k < 3; k++) {
                    pct[k][c] = Bootstrap.percentile(means[c], q[k]);
                }
            }
            out.put(e.getKey(), new AggregateScore(new RougeScore(pct[0][0], pct[0][1], pct[0][2]),
                    new RougeScore(pct[1][0], pct[1][1], pct[1][2]), new RougeScore(pct[2][0], pct[2][1], pct[2][2])));
        }
        return Collections.unmodifiableMap(out);
    }
}
