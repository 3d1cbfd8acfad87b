package io.llmops4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.llmops4j.core.embed.OnnxEmbedder;
import io.llmops4j.eval.run.Example;
import io.llmops4j.eval.run.Metrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Embedding relevance with the default all-MiniLM-L6-v2, against cosines computed here one text at a time. */
class SemanticRagMetricsTest {
    static final String QUESTION = "When was the Eiffel Tower finished?";
    static final String[] SENTENCES = {"The Eiffel Tower is in Paris.", "It was completed in 1889.", "Bananas are rich in potassium."};

    private static OnnxEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = OnnxEmbedder.builder().device(OnnxEmbedder.Device.CPU).build();
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    /** For unit vectors, cos(x, y) = 1 - |x - y|^2 / 2 (the embedder returns unit vectors: checked). */
    private static double cosine(String a, String b) {
        float[] x = embedder.embed(a);
        float[] y = embedder.embed(b);
        double squaredDistance = 0;
        double xx = 0;
        for (int d = 0; d < x.length; d++) {
            squaredDistance += ((double) x[d] - y[d]) * ((double) x[d] - y[d]);
            xx += (double) x[d] * x[d];
        }
        assertThat(xx).isCloseTo(1.0, within(1e-5));
        return 1 - squaredDistance / 2;
    }

    @Test
    void answerRelevanceIsTheCosine() {
        SemanticRagMetrics m = SemanticRagMetrics.builder().embedder(embedder).build();
        String answer = "Construction ended in 1889.";
        assertThat(m.answerRelevance(QUESTION, answer)).isCloseTo(cosine(QUESTION, answer), within(1e-5));
        // a paraphrase with no content word in common is still relevant, an unrelated answer is not
        assertThat(m.answerRelevance(QUESTION, answer)).isGreaterThan(m.answerRelevance(QUESTION, "Bananas are yellow.") + 0.2);
        Example ex = new Example("e", QUESTION, List.of(), String.join(" ", SENTENCES), Map.of());
        assertThat(Metrics.answerRelevance(m).score(answer, ex)).isCloseTo(cosine(QUESTION, answer), within(1e-5));
    }

    @Test
    void contextRelevanceCountsSentencesAboveTheThreshold() {
        double[] cos = new double[SENTENCES.length];
        for (int i = 0; i < cos.length; i++) {
            cos[i] = cosine(QUESTION, SENTENCES[i]);
        }
        // a threshold between the banana sentence and the lowest Eiffel sentence keeps exactly the two Eiffel ones
        double lowEiffel = Math.min(cos[0], cos[1]);
        assertThat(cos[2]).isLessThan(lowEiffel - 0.05);
        double threshold = (cos[2] + lowEiffel) / 2;
        SemanticRagMetrics m = SemanticRagMetrics.builder().embedder(embedder).similarityThreshold(threshold).build();
        assertThat(m.contextRelevance(QUESTION, List.of(SENTENCES[0] + " " + SENTENCES[1], SENTENCES[2]))).isEqualTo(2 / 3.0);
        SemanticRagMetrics strict = SemanticRagMetrics.builder().embedder(embedder)
                .similarityThreshold(Math.max(cos[0], cos[1]) + 1e-3).build();
        assertThat(strict.contextRelevance(QUESTION, List.of(String.join(" ", SENTENCES)))).isZero();
        assertThat(m.contextRelevance(QUESTION, List.of(" "))).isZero(); // no sentence
        Example ex = new Example("e", QUESTION, List.of(), String.join(" ", SENTENCES), Map.of());
        assertThat(Metrics.contextRelevance(m).score("unused", ex)).isEqualTo(2 / 3.0);
    }

    @Test
    void badInput() {
        assertThatThrownBy(() -> SemanticRagMetrics.builder().build()).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("SemanticRagMetrics.embedder is required");
        assertThatThrownBy(() -> SemanticRagMetrics.builder().embedder(embedder).similarityThreshold(1.5).build())
                .hasMessageContaining("similarityThreshold must be in (-1, 1], found 1.5");
        SemanticRagMetrics m = SemanticRagMetrics.builder().embedder(embedder).build();
        assertThatThrownBy(() -> m.answerRelevance(null, "a")).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("question must not be null");
        assertThatThrownBy(() -> m.contextRelevance("q", null)).hasMessageContaining("contexts must not be null");
    }
}
