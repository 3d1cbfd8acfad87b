package io.llmops4j.eval.run;

import java.util.List;

/** A recorded evaluation run: its header and the per-example results. */
public record Run(RunInfo info, List<ExampleResult> examples) {
    public Run {
        examples = List.copyOf(examples);
    }

    /** The run id. */
    public String id() {
        return info.id();
    }
}
