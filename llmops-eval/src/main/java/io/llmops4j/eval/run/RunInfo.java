package io.llmops4j.eval.run;

import io.llmops4j.core.TokenUsage;
import java.util.List;
import java.util.Map;

/**
 * A run's header ({@code run.json}): identity, parameters and aggregates, without the per-example results.
 *
 * @param id unique id (also the folder name in a run store)
 * @param name human name of the variant
 * @param createdAt ISO-8601 instant
 * @param params parameters: model id, adapter, prompt template hash, generation config, dataset name, size and hash...
 * @param tags user tags
 * @param metrics metric name -> mean with 95% CI, in the order the metrics were given
 * @param examples number of examples
 * @param failures number of examples whose system call failed
 * @param durationMillis wall time of the whole run
 * @param meanLatencyMillis mean latency per example
 * @param tokens token usage summed over the examples, or {@code null} if the system does not report it
 */
public record RunInfo(String id, String name, String createdAt, Map<String, String> params, List<String> tags,
                      Map<String, MetricSummary> metrics, int examples, int failures, double durationMillis,
                      double meanLatencyMillis, TokenUsage tokens) {
    public RunInfo {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        tags = List.copyOf(tags);
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }

    /** The same header with other tags. */
    public RunInfo withTags(List<String> newTags) {
        return new RunInfo(id, name, createdAt, params, newTags, metrics, examples, failures, durationMillis, meanLatencyMillis,
                tokens);
    }
}
