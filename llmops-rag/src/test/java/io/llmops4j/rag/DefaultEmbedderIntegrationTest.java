package io.llmops4j.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.llmops4j.core.Embedder;
import io.llmops4j.rag.SearchRequest.Mode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index with the real default embedder (all-MiniLM-L6-v2). Skipped when the embedder cannot be loaded (model
 * files absent from the classpath).
 */
class DefaultEmbedderIntegrationTest {
    private static Embedder embedder;

    @BeforeAll
    static void load() {
        try {
            embedder = Embedder.defaultModel();
        } catch (RuntimeException | LinkageError e) {
            embedder = null;
        }
    }

    @AfterAll
    static void close() {
        if (embedder != null) {
            embedder.close();
        }
    }

    private static final List<Chunk> FACTS = List.of(
            Chunk.of("photo", "Plants use sunlight, water and carbon dioxide to produce glucose and oxygen.", Map.of()),
            Chunk.of("volcano", "Magma that reaches the surface of the earth erupts as lava.", Map.of()),
            Chunk.of("football", "The striker scored twice in the second half of the match.", Map.of()),
            Chunk.of("bank", "Interest rates were raised by the central bank to curb inflation.", Map.of()));

    @Test
    void semanticQueriesFindTheRightChunkWithoutSharedWords(@TempDir Path dir) {
        assumeTrue(embedder != null, "default embedder not available");
        try (VectorIndex index = VectorIndex.open(dir, embedder)) {
            index.add(FACTS);
            index.commit();
            // no content word in common with the target chunk: only the embedding can match them
            assertThat(index.search(SearchRequest.of("How do leaves make food?", Mode.VECTOR, 1)).getFirst().id())
                    .isEqualTo("photo");
            assertThat(index.search(SearchRequest.of("goal in a soccer game", Mode.VECTOR, 1)).getFirst().id())
                    .isEqualTo("football");
            assertThat(index.search(SearchRequest.of("monetary policy tightening", Mode.HYBRID, 1)).getFirst().id())
                    .isEqualTo("bank");
            assertThat(index.versions().getLast().embedderId()).isEqualTo(embedder.id());
            assertThat(index.versions().getLast().dimension()).isEqualTo(384);
        }
        // the same index refuses an embedder with another id
        assertThat(embedder.dimension()).isEqualTo(384);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> VectorIndex.open(dir, new HashEmbedder(384, "other")))
                .isInstanceOf(EmbedderMismatchException.class);
    }
}
