package io.llmops4j.eval.report;

import io.llmops4j.eval.InvalidMetricInputException;
import io.llmops4j.eval.run.Comparison;
import io.llmops4j.eval.run.MetricSummary;
import io.llmops4j.eval.run.RunInfo;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Markdown and CSV summaries of runs and comparisons. */
public final class Reports {
    private Reports() {
    }

    /**
     * A Markdown table: one row per metric, one column per run, cells {@code mean [low, high]} (with
     * {@code (n=k of N)} when only k of the run's N examples have a score for the metric, e.g. after judge
     * errors); then the number of examples and failures, and the token usage when a run has it.
     */
    public static String markdown(List<RunInfo> runs) {
        requireRuns(runs);
        StringBuilder sb = new StringBuilder("| metric |");
        for (RunInfo r : runs) {
            sb.append(' ').append(md(r.name())).append(" (`").append(r.id()).append("`) |");
        }
        sb.append("\n|---|").append("---|".repeat(runs.size())).append('\n');
        for (String metric : metrics(runs)) {
            sb.append("| ").append(md(metric)).append(" |");
            for (RunInfo r : runs) {
                MetricSummary s = r.metrics().get(metric);
                sb.append(' ').append(s == null ? "–" : num(s.mean()) + " [" + num(s.low()) + ", " + num(s.high()) + "]"
                        + (s.n() < r.examples() ? " (n=" + s.n() + " of " + r.examples() + ")" : "")).append(" |");
            }
            sb.append('\n');
        }
        sb.append("| examples (failed) |");
        for (RunInfo r : runs) {
            sb.append(' ').append(r.examples()).append(" (").append(r.failures()).append(") |");
        }
        if (runs.stream().anyMatch(r -> r.tokens() != null)) {
            sb.append("\n| tokens (prompt + generated) |");
            for (RunInfo r : runs) {
                sb.append(' ').append(r.tokens() == null ? "–" : r.tokens().promptTokens() + " + " + r.tokens().generatedTokens())
                        .append(" |");
            }
        }
        return sb.append('\n').toString();
    }

    /** A Markdown table of a comparison: deltas with 95% intervals and p-values, then the largest changes. */
    public static String markdown(Comparison c) {
        StringBuilder sb = new StringBuilder("Run `" + c.runB() + "` vs baseline `" + c.runA() + "`\n\n");
        sb.append("| metric | baseline | candidate | delta | 95% CI | p | n |\n|---|---|---|---|---|---|---|\n");
        for (Comparison.MetricDelta d : c.deltas()) {
            sb.append("| ").append(md(d.metric())).append(" | ").append(num(d.meanA())).append(" | ").append(num(d.meanB()))
                    .append(" | ").append(signed(d.delta())).append(d.significant() ? " *" : "").append(" | [")
                    .append(signed(d.low())).append(", ").append(signed(d.high())).append("] | ")
                    .append(String.format(Locale.ROOT, "%.3f", d.pValue())).append(" | ").append(d.n()).append(" |\n");
        }
        if (!c.changes().isEmpty()) {
            sb.append("\nLargest changes:\n\n| metric | example | baseline | candidate | delta |\n|---|---|---|---|---|\n");
            for (Comparison.ExampleChange ch : c.changes()) {
                sb.append("| ").append(md(ch.metric())).append(" | ").append(md(ch.id())).append(" | ").append(num(ch.scoreA()))
                        .append(" | ").append(num(ch.scoreB())).append(" | ").append(signed(ch.delta())).append(" |\n");
            }
        }
        return sb.toString();
    }

    /** CSV ({@code run_id,run_name,metric,mean,ci_low,ci_high,n}), RFC 4180 quoting. */
    public static String csv(List<RunInfo> runs) {
        requireRuns(runs);
        StringBuilder sb = new StringBuilder("run_id,run_name,metric,mean,ci_low,ci_high,n\r\n");
        for (RunInfo r : runs) {
            r.metrics().forEach((m, s) -> sb.append(csvField(r.id())).append(',').append(csvField(r.name())).append(',')
                    .append(csvField(m)).append(',').append(s.mean()).append(',').append(s.low()).append(',').append(s.high())
                    .append(',').append(s.n()).append("\r\n"));
        }
        return sb.toString();
    }

    static Set<String> metrics(List<RunInfo> runs) {
        Set<String> all = new LinkedHashSet<>();
        runs.forEach(r -> all.addAll(r.metrics().keySet()));
        return all;
    }

    static String num(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String signed(double v) {
        return String.format(Locale.ROOT, "%+.4f", v);
    }

    private static String md(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static void requireRuns(List<?> runs) {
        if (runs == null || runs.isEmpty()) {
            throw new InvalidMetricInputException("report: at least one run is required");
        }
    }
}
