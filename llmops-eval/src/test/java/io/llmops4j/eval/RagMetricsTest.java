package io.llmops4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmops4j.eval.run.Example;
import io.llmops4j.eval.run.Metrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RagMetricsTest {
    static final RagMetrics RAG = RagMetrics.builder().build();
    static final String CONTEXT = "The Eiffel Tower is in Paris. It was completed in 1889.";

    @Test
    void groundednessCountsSupportedSentences() {
        // sentence 1 content tokens: eiffel, tower, pari (stem of paris) -> all in context: supported
        // sentence 2: "built", "gustav", "eiffel" -> 1 of 3 in context (< 0.5): unsupported
        // sentence 3: "finished", "1889" -> 1 of 2 = 0.5 >= 0.5: supported  => 2 / 3
        String answer = "The Eiffel Tower is in Paris. Built by Gustav Eiffel! Finished in 1889.";
        assertThat(RagMetrics.sentences(answer)).containsExactly("The Eiffel Tower is in Paris.", "Built by Gustav Eiffel!", "Finished in 1889.");
        assertThat(RAG.groundedness(answer, List.of(CONTEXT))).isEqualTo(2 / 3.0);
        assertThat(RagMetrics.builder().supportThreshold(0.6).build().groundedness(answer, List.of(CONTEXT))).isEqualTo(1 / 3.0);
        assertThat(RAG.groundedness("The. A!", List.of(CONTEXT))).isZero(); // nothing countable
    }

    @Test
    void relevance() {
        // question content tokens: eiffel, tower, complet (stem of completed) -> answer has eiffel, tower: 2/3
        assertThat(RAG.answerRelevance("When was the Eiffel Tower completed?", "The Eiffel Tower opened in 1889.")).isEqualTo(2 / 3.0);
        // context sentences: s1 covers eiffel, tower (2/3 >= 0.3): relevant; s2 covers complet (1/3 >= 0.3): relevant;
        // s3 "Paris has many cafes." covers nothing -> 2 / 3
        assertThat(RAG.contextRelevance("When was the Eiffel Tower completed?", List.of(CONTEXT, "Paris has many cafes.")))
                .isEqualTo(2 / 3.0);
        assertThat(RagMetrics.builder().relevanceThreshold(0.5).build()
                .contextRelevance("When was the Eiffel Tower completed?", List.of(CONTEXT, "Paris has many cafes."))).isEqualTo(1 / 3.0);
    }

    @Test
    void asExampleMetrics() {
        Example ex = new Example("e1", "Where is the Eiffel Tower?", List.of("Paris"), CONTEXT, Map.of());
        assertThat(Metrics.groundedness(RAG).score("It is in Paris.", ex)).isEqualTo(1.0);
        assertThat(Metrics.answerRelevance(RAG).score("The tower is in Paris.", ex)).isEqualTo(0.5);
        Example noContext = Example.of("e2", "q", "r");
        assertThatThrownBy(() -> Metrics.groundedness(RAG).score("x", noContext)).hasMessageContaining("example 'e2' has no context");
    }

    @Test
    void badInput() {
        assertThatThrownBy(() -> RagMetrics.builder().supportThreshold(0).build()).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("supportThreshold must be in (0, 1], found 0.0");
        assertThatThrownBy(() -> RAG.groundedness(null, List.of())).hasMessageContaining("answer must not be null");
    }
}
