package io.llmops4j.core.embed;

import static io.llmops4j.core.embed.MiniLmExports.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.llmops4j.core.Embedder;
import io.llmops4j.core.ModelFormatException;
import io.llmops4j.core.Similarity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code similarity_fn_name} of {@code config_sentence_transformers.json} on the real all-MiniLM-L6-v2. */
class OnnxEmbedderSimilarityTest extends MiniLmExportTest {
    private static Path export(String similarityJson) throws IOException {
        Path dir = exports.export();
        if (similarityJson != null) {
            write(dir, "config_sentence_transformers.json", "{\"similarity_fn_name\": " + similarityJson + "}");
        }
        return dir;
    }

    @Test
    void theExportNamesTheFunctionAndCosineIsTheDefault() throws IOException {
        for (Similarity s : Similarity.values()) {
            try (OnnxEmbedder embedder = OnnxEmbedder.load(export("\"" + s.configName() + "\""))) {
                assertThat(embedder.similarity()).isEqualTo(s);
            }
        }
        try (OnnxEmbedder none = OnnxEmbedder.load(export(null));
             OnnxEmbedder nullName = OnnxEmbedder.load(export("null"))) {
            assertThat(none.similarity()).isEqualTo(Similarity.COSINE);
            assertThat(nullName.similarity()).isEqualTo(Similarity.COSINE);
        }
    }

    @Test
    void anUnknownFunctionIsAFormatErrorNamingTheField() throws IOException {
        Path dir = export("\"l2\"");
        assertThatThrownBy(() -> OnnxEmbedder.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("config_sentence_transformers.json: field 'similarity_fn_name': expected one of "
                        + "[cosine, dot, euclidean, manhattan], found the string \"l2\"");
    }

    @Test
    void theDefaultModelComparesByCosineWhichIsTheDotProductOfItsUnitVectors() {
        try (Embedder embedder = Embedder.defaultModel()) {
            assertThat(embedder.similarity()).isEqualTo(Similarity.COSINE);
            float[][] v = embedder.embed(List.of("A man plays guitar.", "Someone performs music."));
            assertThat(embedder.similarity(v[0], v[1])).isCloseTo(Similarity.DOT.score(v[0], v[1]), within(1e-6f));
        }
    }
}
