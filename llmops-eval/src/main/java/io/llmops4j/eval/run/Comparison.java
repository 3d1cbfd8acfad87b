package io.llmops4j.eval.run;

import io.llmops4j.eval.InvalidMetricInputException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Run B compared with run A on the examples both scored: per-metric deltas with paired-bootstrap 95% intervals
 * and p-values, and the examples whose score changed most.
 *
 * @param runA id of the baseline run
 * @param runB id of the candidate run
 * @param deltas one entry per per-example metric the two runs share (corpus-level metrics have no per-example
 *     scores to pair and are left out)
 * @param changes per metric, the examples with the largest |delta| (largest first)
 */
public record Comparison(String runA, String runB, List<MetricDelta> deltas, List<ExampleChange> changes) {

    /** B minus A for one metric. */
    public record MetricDelta(String metric, double meanA, double meanB, double delta, double low, double high,
                              double pValue, int n) {
        /** Whether the 95% interval excludes 0. */
        public boolean significant() {
            return low > 0 || high < 0;
        }
    }

    /** One example's score change. */
    public record ExampleChange(String metric, String id, double scoreA, double scoreB, String outputA, String outputB) {
        public double delta() {
            return scoreB - scoreA;
        }
    }

    /**
     * Compares two runs.
     *
     * @param topChanges how many changed examples to keep per metric
     */
    public static Comparison of(Run a, Run b, int samples, long seed, int topChanges) {
        if (samples < 1) {
            throw new InvalidMetricInputException("compare: samples must be >= 1, found " + samples);
        }
        Map<String, ExampleResult> byIdB = b.examples().stream().collect(Collectors.toMap(ExampleResult::id, Function.identity()));
        Set<String> metrics = new LinkedHashSet<>(a.info().metrics().keySet());
        metrics.retainAll(b.info().metrics().keySet());
        if (metrics.isEmpty()) {
            throw new InvalidMetricInputException("compare: runs " + a.id() + " and " + b.id() + " share no metric");
        }
        List<MetricDelta> deltas = new ArrayList<>();
        List<ExampleChange> changes = new ArrayList<>();
        for (String metric : metrics) {
            List<double[]> pairs = new ArrayList<>();
            List<ExampleChange> metricChanges = new ArrayList<>();
            for (ExampleResult ea : a.examples()) {
                ExampleResult eb = byIdB.get(ea.id());
                if (eb == null || !ea.scores().containsKey(metric) || !eb.scores().containsKey(metric)) {
                    continue;
                }
                double sa = ea.scores().get(metric);
                double sb = eb.scores().get(metric);
                pairs.add(new double[] {sa, sb});
                metricChanges.add(new ExampleChange(metric, ea.id(), sa, sb, ea.output(), eb.output()));
            }
            if (pairs.isEmpty()) {
                continue; // a corpus-level metric, or no example scored by both runs
            }
            double[] xa = pairs.stream().mapToDouble(p -> p[0]).toArray();
            double[] xb = pairs.stream().mapToDouble(p -> p[1]).toArray();
            double[] r = Bootstrap.paired(xa, xb, samples, seed);
            deltas.add(new MetricDelta(metric, Bootstrap.mean(xa), Bootstrap.mean(xb), r[0], r[1], r[2], r[3], pairs.size()));
            metricChanges.sort(Comparator.comparingDouble((ExampleChange c) -> -Math.abs(c.delta())).thenComparing(ExampleChange::id));
            metricChanges.stream().filter(c -> c.delta() != 0).limit(topChanges).forEach(changes::add);
        }
        if (deltas.isEmpty()) {
            throw new InvalidMetricInputException("compare: runs " + a.id() + " and " + b.id()
                    + " have no per-example metric scored on the same examples");
        }
        return new Comparison(a.id(), b.id(), List.copyOf(deltas), List.copyOf(changes));
    }
}
