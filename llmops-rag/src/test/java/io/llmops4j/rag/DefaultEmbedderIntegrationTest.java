package io.llmops4j.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.llmops4j.core.Embedder;
import io.llmops4j.core.tokenizer.Tokenizer;
import io.llmops4j.rag.SearchRequest.Mode;
import io.llmops4j.rag.ingest.Ingestor;
import java.io.InputStream;
import java.nio.file.Files;
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

    /**
     * Without a token counter, the ingestor measures chunks with the index's embedder. Checked with a separately
     * loaded copy of the model's tokenizer.json: every chunk fits (word counts, the fallback, undercount
     * the word pieces of this text, which splits "chlorophyll's" and "photosynthesis" into several).
     */
    @Test
    void ingestionMeasuresChunksWithTheEmbeddersTokenizer(@TempDir Path dir) throws Exception {
        assumeTrue(embedder != null, "default embedder not available");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            text.append("Sentence ").append(i).append(" explains chlorophyll's role in photosynthesis, step by step. ");
        }
        Path docs = Files.createDirectories(dir.resolve("docs"));
        Files.writeString(docs.resolve("plants.txt"), text);
        Path tokenizerDir = Files.createDirectories(dir.resolve("tokenizer"));
        try (InputStream in = Embedder.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, tokenizerDir.resolve("tokenizer.json"));
        }
        int maxTokens = 48;
        try (VectorIndex index = VectorIndex.inMemory(embedder);
             Tokenizer reference = Tokenizer.load(tokenizerDir)) {
            Ingestor.builder().index(index).maxTokens(maxTokens).overlapTokens(0).build().ingest(docs);
            index.refresh();
            List<SearchHit> chunks = index.search(SearchRequest.of("photosynthesis", Mode.KEYWORD, 1000));
            assertThat(chunks).hasSizeGreaterThan(10);
            for (SearchHit chunk : chunks) {
                assertThat(reference.encode(chunk.text()).length).as(chunk.text()).isLessThanOrEqualTo(maxTokens);
            }
        }
    }
}
