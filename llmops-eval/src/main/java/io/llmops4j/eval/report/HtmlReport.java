package io.llmops4j.eval.report;

import io.llmops4j.eval.run.Comparison;
import io.llmops4j.eval.run.ExampleResult;
import io.llmops4j.eval.run.MetricSummary;
import io.llmops4j.eval.run.Run;
import io.llmops4j.eval.run.RunInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML report of one or more runs: no scripts and no external resources. It has a run table,
 * one inline SVG bar chart per metric (mean per run with its 95% interval as a whisker), the comparison of each
 * run with the first (the baseline) and a per-example table of outputs and scores of the first metric, where
 * examples that got worse than the baseline are highlighted.
 */
public final class HtmlReport {
    private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1"};

    private HtmlReport() {
    }

    /** Renders the report; the first run is the baseline of the comparisons. */
    public static String render(String title, List<Run> runs) {
        Reports.requireRuns(runs);
        List<RunInfo> infos = runs.stream().map(Run::info).toList();
        StringBuilder sb = new StringBuilder(16_384);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;font-size:13px}th{background:#f3f3f3}")
                .append("tr.regression td{background:#fde2e2}tr.improvement td{background:#e3f5e1}.num{text-align:right;font-family:monospace}")
                .append(".charts{display:flex;flex-wrap:wrap;gap:16px}.sig{font-weight:bold}pre{white-space:pre-wrap;margin:0;max-width:360px}")
                .append("\n</style></head><body>\n<h1>").append(esc(title)).append("</h1>\n");
        runTable(sb, infos);
        sb.append("<h2>Metrics (mean, 95% bootstrap interval)</h2>\n<div class=\"charts\">\n");
        for (String metric : Reports.metrics(infos)) {
            chart(sb, metric, infos);
        }
        sb.append("</div>\n");
        coverage(sb, runs);
        if (runs.size() > 1) {
            sb.append("<h2>Compared with baseline ").append(esc(infos.get(0).name())).append("</h2>\n");
            for (Run r : runs.subList(1, runs.size())) {
                comparison(sb, Comparison.of(runs.get(0), r, 1000, 12345, 5), r.info().name());
            }
        }
        examples(sb, runs);
        return sb.append("</body></html>\n").toString();
    }

    private static void runTable(StringBuilder sb, List<RunInfo> infos) {
        sb.append("<h2>Runs</h2>\n<table><tr><th>run</th><th>id</th><th>created</th><th>parameters</th><th>tags</th>")
                .append("<th>examples</th><th>failed</th><th>mean latency ms</th>");
        boolean tokens = infos.stream().anyMatch(r -> r.tokens() != null);
        if (tokens) {
            sb.append("<th>tokens (prompt + generated)</th>");
        }
        sb.append("</tr>\n");
        for (int i = 0; i < infos.size(); i++) {
            RunInfo r = infos.get(i);
            StringBuilder params = new StringBuilder();
            r.params().forEach((k, v) -> params.append(esc(k)).append('=').append(esc(v)).append("<br>"));
            sb.append("<tr><td><span style=\"color:").append(COLORS[i % COLORS.length]).append("\">&#9632;</span> ")
                    .append(esc(r.name())).append("</td><td>").append(esc(r.id())).append("</td><td>").append(esc(r.createdAt()))
                    .append("</td><td>").append(params).append("</td><td>").append(esc(String.join(", ", r.tags())))
                    .append("</td><td class=\"num\">").append(r.examples()).append("</td><td class=\"num\">").append(r.failures())
                    .append("</td><td class=\"num\">").append(String.format(Locale.ROOT, "%.1f", r.meanLatencyMillis())).append("</td>");
            if (tokens) {
                sb.append("<td class=\"num\">").append(r.tokens() == null ? "&ndash;"
                        : r.tokens().promptTokens() + " + " + r.tokens().generatedTokens()).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
    }

    /**
     * Metrics that scored fewer examples than a run has (its examples failed, or the metric could not score some,
     * e.g. invalid judge replies): scored count, metric errors, and the first error message. Omitted when every
     * metric scored every example.
     */
    private static void coverage(StringBuilder sb, List<Run> runs) {
        List<RunInfo> infos = runs.stream().map(Run::info).toList();
        boolean partial = Reports.metrics(infos).stream().anyMatch(m -> infos.stream()
                .anyMatch(r -> r.metrics().containsKey(m) && r.metrics().get(m).n() < r.examples()));
        if (!partial) {
            return;
        }
        sb.append("<h2>Coverage (examples scored of the run's examples)</h2>\n<table class=\"coverage\"><tr><th>metric</th>");
        for (RunInfo r : infos) {
            sb.append("<th>").append(esc(r.name())).append("</th>");
        }
        sb.append("</tr>\n");
        for (String metric : Reports.metrics(infos)) {
            sb.append("<tr><td>").append(esc(metric)).append("</td>");
            for (Run run : runs) {
                MetricSummary m = run.info().metrics().get(metric);
                List<String> errors = run.examples().stream().map(e -> e.metricErrors().get(metric))
                        .filter(java.util.Objects::nonNull).toList();
                sb.append("<td>").append(m == null ? 0 : m.n()).append(" of ").append(run.info().examples());
                if (!errors.isEmpty()) {
                    sb.append("; ").append(errors.size()).append(errors.size() == 1 ? " metric error" : " metric errors")
                            .append(", first: ").append(esc(shorten(errors.get(0), 200)));
                }
                sb.append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
    }

    private static void chart(StringBuilder sb, String metric, List<RunInfo> infos) {
        int barW = 48;
        int gap = 24;
        int plotH = 160;
        int left = 48;
        int top = 24;
        int width = left + infos.size() * (barW + gap) + gap;
        int height = top + plotH + 40;
        double max = 0;
        for (RunInfo r : infos) {
            MetricSummary s = r.metrics().get(metric);
            if (s != null && !Double.isNaN(s.high())) {
                max = Math.max(max, Math.max(s.high(), s.mean()));
            }
        }
        max = max <= 0 ? 1 : max * 1.1;
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\"><title>").append(esc(metric))
                .append("</title>\n<text x=\"").append(width / 2).append("\" y=\"16\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">")
                .append(esc(metric)).append("</text>\n");
        int base = top + plotH;
        sb.append(line(left, top, left, base, "#999")).append(line(left, base, width - 8, base, "#999"));
        for (int t = 0; t <= 4; t++) {
            double v = max * t / 4;
            int y = (int) Math.round(base - plotH * (v / max));
            sb.append("<text x=\"").append(left - 4).append("\" y=\"").append(y + 4).append("\" text-anchor=\"end\" font-size=\"10\">")
                    .append(String.format(Locale.ROOT, max >= 10 ? "%.1f" : "%.3f", v)).append("</text>\n");
        }
        for (int i = 0; i < infos.size(); i++) {
            MetricSummary s = infos.get(i).metrics().get(metric);
            int x = left + gap + i * (barW + gap);
            if (s == null || Double.isNaN(s.mean())) {
                continue;
            }
            double h = plotH * (s.mean() / max);
            sb.append("<rect x=\"").append(x).append("\" y=\"").append(fmt(base - h)).append("\" width=\"").append(barW)
                    .append("\" height=\"").append(fmt(h)).append("\" fill=\"").append(COLORS[i % COLORS.length]).append("\"><title>")
                    .append(esc(infos.get(i).name())).append(": ").append(Reports.num(s.mean())).append(" [").append(Reports.num(s.low()))
                    .append(", ").append(Reports.num(s.high())).append("]</title></rect>\n");
            double yLow = base - plotH * (s.low() / max);
            double yHigh = base - plotH * (s.high() / max);
            int cx = x + barW / 2;
            sb.append(line(cx, yLow, cx, yHigh, "#222")).append(line(cx - 8, yLow, cx + 8, yLow, "#222"))
                    .append(line(cx - 8, yHigh, cx + 8, yHigh, "#222"));
            sb.append("<text x=\"").append(cx).append("\" y=\"").append(base + 14).append("\" text-anchor=\"middle\" font-size=\"11\">")
                    .append(esc(shorten(infos.get(i).name(), 10))).append("</text>\n<text x=\"").append(cx).append("\" y=\"").append(base + 28)
                    .append("\" text-anchor=\"middle\" font-size=\"10\">").append(Reports.num(s.mean())).append("</text>\n");
        }
        sb.append("</svg>\n");
    }

    private static void comparison(StringBuilder sb, Comparison c, String name) {
        sb.append("<h3>").append(esc(name)).append("</h3>\n<table><tr><th>metric</th><th>baseline</th><th>candidate</th><th>delta</th>")
                .append("<th>95% CI</th><th>p</th><th>n</th></tr>\n");
        for (Comparison.MetricDelta d : c.deltas()) {
            String cls = d.significant() ? (d.delta() < 0 ? "regression" : "improvement") : "";
            sb.append("<tr class=\"").append(cls).append("\"><td>").append(esc(d.metric())).append("</td><td class=\"num\">")
                    .append(Reports.num(d.meanA())).append("</td><td class=\"num\">").append(Reports.num(d.meanB()))
                    .append("</td><td class=\"num").append(d.significant() ? " sig" : "").append("\">").append(Reports.signed(d.delta()))
                    .append("</td><td class=\"num\">[").append(Reports.signed(d.low())).append(", ").append(Reports.signed(d.high()))
                    .append("]</td><td class=\"num\">").append(String.format(Locale.ROOT, "%.3f", d.pValue())).append("</td><td class=\"num\">")
                    .append(d.n()).append("</td></tr>\n");
        }
        sb.append("</table>\n");
    }

    private static void examples(StringBuilder sb, List<Run> runs) {
        String metric = runs.get(0).info().metrics().keySet().stream().findFirst().orElse(null);
        sb.append("<h2>Examples").append(metric == null ? "" : " (score: " + esc(metric) + ")").append("</h2>\n<table><tr><th>id</th>")
                .append("<th>input</th><th>reference</th>");
        for (Run r : runs) {
            sb.append("<th>").append(esc(r.info().name())).append("</th><th>score</th>");
        }
        if (runs.size() > 1) {
            sb.append("<th>&Delta; last vs baseline</th>");
        }
        sb.append("</tr>\n");
        List<Map<String, ExampleResult>> byId = new ArrayList<>();
        for (Run r : runs) {
            Map<String, ExampleResult> m = new HashMap<>();
            r.examples().forEach(e -> m.put(e.id(), e));
            byId.add(m);
        }
        for (ExampleResult base : runs.get(0).examples()) {
            Double first = score(base, metric);
            ExampleResult last = byId.get(runs.size() - 1).get(base.id());
            Double lastScore = last == null ? null : score(last, metric);
            String cls = "";
            if (runs.size() > 1 && first != null && lastScore != null && lastScore != first.doubleValue()) {
                cls = lastScore < first ? "regression" : "improvement";
            }
            sb.append("<tr class=\"").append(cls).append("\"><td>").append(esc(base.id())).append("</td><td><pre>")
                    .append(esc(shorten(base.input(), 400))).append("</pre></td><td><pre>")
                    .append(esc(shorten(String.join("\n", base.references()), 400))).append("</pre></td>");
            for (Map<String, ExampleResult> m : byId) {
                ExampleResult e = m.get(base.id());
                Double s = e == null ? null : score(e, metric);
                String out = e == null ? "(missing)" : e.error() != null ? "ERROR: " + e.error() : e.output();
                String metricError = e == null || metric == null ? null : e.metricErrors().get(metric);
                sb.append("<td><pre>").append(esc(shorten(out, 400))).append("</pre></td><td class=\"num\">")
                        .append(s != null ? Reports.num(s) : metricError != null ? "<span title=\"" + esc(metricError)
                                + "\">metric error</span>" : "").append("</td>");
            }
            if (runs.size() > 1) {
                sb.append("<td class=\"num\">").append(first == null || lastScore == null ? "" : Reports.signed(lastScore - first)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
    }

    private static Double score(ExampleResult e, String metric) {
        return metric == null ? null : e.scores().get(metric);
    }

    private static String line(double x1, double y1, double x2, double y2, String color) {
        return "<line x1=\"" + fmt(x1) + "\" y1=\"" + fmt(y1) + "\" x2=\"" + fmt(x2) + "\" y2=\"" + fmt(y2) + "\" stroke=\"" + color
                + "\" stroke-width=\"1.5\"/>\n";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String shorten(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.codePointCount(0, s.length()) <= max ? s : s.substring(0, s.offsetByCodePoints(0, max)) + "…";
    }

    /** HTML-escapes text for element content and attribute values. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
