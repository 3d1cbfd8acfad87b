package io.llmops4j.eval.run;

import java.util.List;
import java.util.Map;

/**
 * One dataset example.
 *
 * @param id the example's id ({@code id} field, else its 1-based line number)
 * @param input the text given to the system under test
 * @param references zero or more reference outputs
 * @param context optional retrieved context (RAG datasets), may be null
 * @param metadata any other fields of the JSONL line
 */
public record Example(String id, String input, List<String> references, String context, Map<String, Object> metadata) {
    public Example {
        if (id == null || input == null || references == null || metadata == null) {
            throw new io.llmops4j.eval.InvalidMetricInputException("Example: id, input, references and metadata must not be null (id "
                    + id + ")");
        }
        if (references.stream().anyMatch(java.util.Objects::isNull)) {
            throw new io.llmops4j.eval.InvalidMetricInputException("Example '" + id + "': a reference is null");
        }
        references = List.copyOf(references);
        metadata = Map.copyOf(metadata);
    }

    /** An example with just an input and references. */
    public static Example of(String id, String input, String... references) {
        return new Example(id, input, List.of(references), null, Map.of());
    }
}
