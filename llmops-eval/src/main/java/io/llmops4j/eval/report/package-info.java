/**
 * Reports of evaluation runs: Markdown and CSV summaries and a self-contained HTML page (no scripts, no
 * network: inline CSS and SVG) with metric bars and confidence intervals per run, paired comparisons and a
 * per-example table that highlights regressions.
 */
package io.llmops4j.eval.report;
