package io.llmops4j.eval.run;

import io.llmops4j.core.TokenUsage;
import java.util.List;
import java.util.Map;

/**
 * What happened to one example in a run.
 *
 * @param id the example id
 * @param input the input
 * @param references the references
 * @param output the system's output ({@code null} if it failed)
 * @param scores metric name -> score (empty if the system failed)
 * @param metricErrors metric name -> why that metric gave no score here (a judge's invalid reply); usually empty
 * @param latencyMillis wall time of the system call
 * @param tokens the tokens the system's model read and wrote, or {@code null} if the system does not report them
 * @param error the failure message, or {@code null}
 */
public record ExampleResult(String id, String input, List<String> references, String output, Map<String, Double> scores,
                            Map<String, String> metricErrors, double latencyMillis, TokenUsage tokens, String error) {
    public ExampleResult {
        references = List.copyOf(references);
        scores = Map.copyOf(scores);
        metricErrors = metricErrors == null ? Map.of() : Map.copyOf(metricErrors); // absent in runs stored before it
    }
}
