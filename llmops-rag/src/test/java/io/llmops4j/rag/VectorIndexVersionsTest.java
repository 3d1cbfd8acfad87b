package io.llmops4j.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmops4j.rag.SearchRequest.Mode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorIndexVersionsTest {

    /** All visible chunks as id -> text, read through a filter-only listing. */
    static Map<String, String> contents(VectorIndex index) {
        Map<String, String> out = new TreeMap<>();
        for (SearchHit h : index.search(SearchRequest.builder().topK(10_000).build())) {
            out.put(h.id(), h.text());
        }
        return out;
    }

    private static List<Chunk> chunks(String prefix, int n) {
        List<Chunk> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Chunk.of(prefix + i, "text " + prefix + " number " + i, Map.of("batch", prefix)));
        }
        return out;
    }

    @Test
    void rollbackRestoresExactContentsAndCanItselfBeUndone(@TempDir Path dir) {
        try (VectorIndex index = VectorIndex.open(dir, new HashEmbedder())) {
            index.add(chunks("a", 20));
            IndexVersion v1 = index.commit(Map.of("chunker", "recursive(maxTokens=256, overlap=32)"));
            Map<String, String> atV1 = contents(index);
            assertThat(atV1).hasSize(20);

            index.add(chunks("b", 10));
            index.deleteWhere(Filter.range("nothing", 0, 1));
            index.deleteByDocument("a3");
            index.upsert(List.of(Chunk.of("a4", "replaced", Map.of())));
            IndexVersion v2 = index.commit();
            Map<String, String> atV2 = contents(index);
            assertThat(atV2).hasSize(29).containsEntry("a4", "replaced").doesNotContainKey("a3");

            index.add(chunks("uncommitted", 5));
            IndexVersion v3 = index.rollback(v1.id());
            assertThat(contents(index)).isEqualTo(atV1);
            assertThat(v3.notes()).containsEntry("rolledBackTo", v1.id());
            assertThat(index.versions()).extracting(IndexVersion::id).endsWith(v1.id(), v2.id(), v3.id());
            assertThat(index.versions().stream().filter(v -> v.id().equals(v1.id())).findFirst().orElseThrow().notes())
                    .containsEntry("chunker", "recursive(maxTokens=256, overlap=32)");

            index.rollback(v2.id());
            assertThat(contents(index)).isEqualTo(atV2);
        }
        // and it is all persistent
        try (VectorIndex reopened = VectorIndex.open(dir, new HashEmbedder())) {
            assertThat(contents(reopened)).hasSize(29).containsEntry("a4", "replaced");
            IndexVersion last = reopened.versions().getLast();
            assertThat(last.embedderId()).isEqualTo("test-hash-64");
            assertThat(last.dimension()).isEqualTo(64);
        }
    }

    @Test
    void openVersionIsReadOnlyAndShowsThatVersion() {
        try (VectorIndex index = VectorIndex.inMemory(new HashEmbedder())) {
            index.add(chunks("a", 5));
            IndexVersion v = index.commit();
            index.add(chunks("b", 5));
            index.commit();
            try (VectorIndex old = index.openVersion(v.id())) {
                assertThat(contents(old).keySet()).containsExactlyInAnyOrder("a0", "a1", "a2", "a3", "a4");
                assertThat(old.search(SearchRequest.of("number 3", Mode.HYBRID, 1)).getFirst().id()).isEqualTo("a3");
                assertThatThrownBy(() -> old.add(chunks("c", 1))).isInstanceOf(IndexException.class)
                        .hasMessageContaining("read-only");
                old.close();
            }
            assertThat(contents(index)).hasSize(10);
            assertThatThrownBy(() -> index.openVersion("999")).isInstanceOf(VersionNotFoundException.class)
                    .hasMessageContaining("999");
        }
    }

    @Test
    void retentionKeepsTheNewestCommits() {
        try (VectorIndex index = VectorIndex.builder().embedder(new HashEmbedder()).retainedVersions(3).build()) {
            for (int i = 0; i < 6; i++) {
                index.add(chunks("v" + i, 1));
                index.commit();
            }
            // version 1 is the empty index created on open, then 2..7
            assertThat(index.versions()).extracting(IndexVersion::id).containsExactly("5", "6", "7");
            assertThatThrownBy(() -> index.rollback("2")).isInstanceOf(VersionNotFoundException.class)
                    .hasMessageContaining("[5, 6, 7]");
        }
    }

    @Test
    void openingWithAnotherEmbedderIsRefused(@TempDir Path dir) {
        try (VectorIndex index = VectorIndex.open(dir, new HashEmbedder(64, "model-a"))) {
            index.add(chunks("a", 2));
            index.commit();
        }
        assertThatThrownBy(() -> VectorIndex.open(dir, new HashEmbedder(64, "model-b")))
                .isInstanceOf(EmbedderMismatchException.class)
                .hasMessageContaining("model-a").hasMessageContaining("model-b");
        assertThatThrownBy(() -> VectorIndex.open(dir, new HashEmbedder(32, "model-a")))
                .isInstanceOf(EmbedderMismatchException.class)
                .hasMessageContaining("dimension 64").hasMessageContaining("dimension 32");
        // the refused opens left the index intact and unlocked
        try (VectorIndex again = VectorIndex.open(dir, new HashEmbedder(64, "model-a"))) {
            assertThat(again.size()).isEqualTo(2);
        }
    }

    @Test
    void aSecondWriterOnTheSameDirectoryIsRefused(@TempDir Path dir) {
        try (VectorIndex index = VectorIndex.open(dir, new HashEmbedder())) {
            assertThatThrownBy(() -> VectorIndex.open(dir, new HashEmbedder())).isInstanceOf(IndexException.class)
                    .hasMessageContaining("already open");
            assertThat(index.size()).isZero();
        }
    }

    @Test
    void searchesRunConcurrentlyWithIngestion() throws Exception {
        try (VectorIndex index = VectorIndex.inMemory(new HashEmbedder())) {
            AtomicBoolean done = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Integer> searcher = pool.submit(() -> {
                    int searches = 0;
                    long lastSize = 0;
                    while (!done.get()) {
                        long size = index.size();
                        assertThat(size).isGreaterThanOrEqualTo(lastSize);
                        lastSize = size;
                        List<SearchHit> hits = index.search(SearchRequest.of("text number", Mode.HYBRID, 5));
                        assertThat(hits.size()).isLessThanOrEqualTo(5);
                        searches++;
                    }
                    return searches;
                });
                Future<?> writer = pool.submit(() -> {
                    for (int b = 0; b < 40; b++) {
                        index.add(chunks("b" + b + "-", 25));
                        index.refresh();
                        if (b % 10 == 9) {
                            index.commit();
                        }
                    }
                    done.set(true);
                    return null;
                });
                writer.get();
                assertThat(searcher.get()).isPositive();
            } finally {
                done.set(true);
                pool.shutdownNow();
            }
            assertThat(index.size()).isEqualTo(1000);
        }
    }
}
