package io.llmops4j.rag.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmops4j.rag.Document;
import io.llmops4j.rag.Filter;
import io.llmops4j.rag.HashEmbedder;
import io.llmops4j.rag.RagConfigException;
import io.llmops4j.rag.SearchHit;
import io.llmops4j.rag.SearchRequest;
import io.llmops4j.rag.SearchRequest.Mode;
import io.llmops4j.rag.VectorIndex;
import io.llmops4j.rag.chunk.Chunker;
import io.llmops4j.rag.chunk.TokenCounter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestorTest {
    @TempDir
    Path root;

    private static List<SearchHit> all(VectorIndex index) {
        return index.search(SearchRequest.builder().topK(10_000).build());
    }

    private static Map<String, List<SearchHit>> bySource(VectorIndex index) {
        return all(index).stream().collect(Collectors.groupingBy(h -> h.metadata().get(Document.SOURCE), TreeMap::new,
                Collectors.toList()));
    }

    private void writeCorpus() throws Exception {
        Files.createDirectories(root.resolve("sub/drafts"));
        Files.writeString(root.resolve("guide.md"), "# Guide\nIntro.\n## Install\nRun the installer twice.\n");
        Files.writeString(root.resolve("notes.txt"), "Solar panels convert light.\n\nWind turbines convert motion.\n");
        Files.writeString(root.resolve("page.html"),
                "<html><title>Page</title><body><h1>Batteries</h1><p>Lithium cells store charge.</p></body></html>");
        TestFiles.pdf(root.resolve("sub/report.pdf"), "Report", "Hydrogen is made by electrolysis.",
                "Storage costs are falling.");
        Files.writeString(root.resolve("sub/records.jsonl"), "{\"id\": \"r1\", \"text\": \"Nuclear plants run steadily.\"}\n"
                + "{broken\n");
        Files.writeString(root.resolve("sub/drafts/secret.md"), "# Draft\nnot for the index\n");
        Files.writeString(root.resolve("empty.txt"), "");
        Files.write(root.resolve("binary.txt"), new byte[] {1, 2, 0, 3});
        Files.writeString(root.resolve("huge.txt"), "word ".repeat(5000));
        Files.write(root.resolve("image.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    }

    private Ingestor.Builder ingestor(VectorIndex index) {
        return Ingestor.builder().index(index).tokenCounter(TokenCounter.whitespace()).maxTokens(64).overlapTokens(8)
                .exclude("**/drafts/**").maxFileBytes(20_000);
    }

    @Test
    void ingestsEveryFormatAndReportsEveryBadFile() throws Exception {
        writeCorpus();
        try (VectorIndex index = VectorIndex.inMemory(new HashEmbedder())) {
            IngestReport r = ingestor(index).build().ingest(root);
            assertThat(r.filesSeen()).isEqualTo(9);
            assertThat(r.filesIndexed()).isEqualTo(5);
            Map<String, String> problems = new TreeMap<>();
            r.problems().forEach(p -> problems.merge(root.relativize(p.file()).toString().replace('\\', '/'),
                    p.reason(), (a, b) -> a + "; " + b));
            assertThat(problems).containsOnlyKeys("empty.txt", "binary.txt", "huge.txt", "image.png", "sub/records.jsonl");
            assertThat(problems.get("empty.txt")).contains("empty");
            assertThat(problems.get("binary.txt")).contains("binary");
            assertThat(problems.get("huge.txt")).contains("oversized").contains("25000 bytes");
            assertThat(problems.get("image.png")).contains("no loader for '.png'");
            assertThat(problems.get("sub/records.jsonl")).contains("line 2: malformed JSON");
            assertThat(r.version()).isNotNull();
            assertThat(r.version().notes()).containsEntry("chunker", "recursive(maxTokens=64, overlapTokens=8)");

            SearchHit install = index.search(SearchRequest.of("installer", Mode.KEYWORD, 1)).getFirst();
            assertThat(install.documentId()).isEqualTo("guide.md");
            assertThat(install.metadata()).containsEntry(SearchHit.HEADING_PATH, "Guide > Install")
                    .containsEntry(Document.TITLE, "Guide");
            assertThat(install.metadata().get(Document.CONTENT_HASH)).hasSize(64);
            SearchHit storage = index.search(SearchRequest.of("storage costs", Mode.KEYWORD, 1)).getFirst();
            assertThat(storage.documentId()).isEqualTo("sub/report.pdf");
            assertThat(storage.metadata()).containsEntry(Document.PAGE, "2");
            SearchHit batteries = index.search(SearchRequest.of("lithium", Mode.KEYWORD, 1)).getFirst();
            assertThat(batteries.metadata()).containsEntry(SearchHit.HEADING_PATH, "Batteries");
            assertThat(index.search(SearchRequest.of("nuclear", Mode.KEYWORD, 1)).getFirst().documentId()).isEqualTo("r1");
            assertThat(index.search(SearchRequest.of("draft", Mode.KEYWORD, 5))).isEmpty();
            // offsets point into the source text
            String notes = Files.readString(root.resolve("notes.txt"));
            for (SearchHit h : index.search(SearchRequest.builder().filter(Filter.eq(Filter.DOCUMENT_ID, "notes.txt"))
                    .topK(10).build())) {
                assertThat(notes.substring(h.offsets().start(), h.offsets().end())).isEqualTo(h.text());
            }
        }
    }

    @Test
    void reingestionSkipsUnchangedReplacesChangedAndRemovesDeleted() throws Exception {
        writeCorpus();
        try (VectorIndex index = VectorIndex.inMemory(new HashEmbedder())) {
            ingestor(index).build().ingest(root);
            Map<String, List<SearchHit>> before = bySource(index);

            IngestReport again = ingestor(index).removeDeleted(true).build().ingest(root);
            assertThat(again.filesIndexed()).isZero();
            assertThat(again.filesUnchanged()).isEqualTo(5);
            assertThat(again.chunksIndexed()).isZero();
            assertThat(bySource(index).keySet()).isEqualTo(before.keySet());

            Files.writeString(root.resolve("notes.txt"), "Geothermal wells tap deep heat.\n");
            Files.delete(root.resolve("guide.md"));
            IngestReport third = ingestor(index).removeDeleted(true).build().ingest(root);
            assertThat(third.filesIndexed()).isEqualTo(1);
            assertThat(third.filesRemoved()).isEqualTo(1);
            Map<String, List<SearchHit>> after = bySource(index);
            String notes = root.resolve("notes.txt").toAbsolutePath().normalize().toString();
            assertThat(after.get(notes)).extracting(SearchHit::text).containsExactly("Geothermal wells tap deep heat.");
            assertThat(after).doesNotContainKey(root.resolve("guide.md").toAbsolutePath().normalize().toString());
            assertThat(index.search(SearchRequest.of("solar", Mode.KEYWORD, 5))).isEmpty();
            assertThat(index.versions()).hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void aChangedFileThatNoLongerLoadsKeepsItsIndexedVersion() throws Exception {
        Files.writeString(root.resolve("notes.txt"), "Solar panels convert light.\n");
        try (VectorIndex index = VectorIndex.inMemory(new HashEmbedder())) {
            ingestor(index).build().ingest(root);
            Files.write(root.resolve("notes.txt"), new byte[] {'x', 0, 'y'});
            IngestReport r = ingestor(index).build().ingest(root);
            assertThat(r.problems()).singleElement().extracting(IngestReport.Problem::reason).asString().contains("binary");
            assertThat(all(index)).extracting(SearchHit::text).containsExactly("Solar panels convert light.");
        }
    }

    @Test
    void progressIsReportedWithThroughputAndEta() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            sb.append("Sentence number ").append(i).append(" about energy storage and grids.\n\n");
        }
        for (int f = 0; f < 4; f++) {
            Files.writeString(root.resolve("f" + f + ".txt"), sb);
        }
        List<IngestProgress> events = new ArrayList<>();
        try (VectorIndex index = VectorIndex.inMemory(new HashEmbedder())) {
            IngestReport r = ingestor(index).maxFileBytes(1 << 20).batchSize(32).listener(events::add).build()
                    .ingest(root);
            assertThat(r.problems()).isEmpty();
            assertThat(events.size()).isGreaterThan(4);
            for (int i = 1; i < events.size(); i++) {
                assertThat(events.get(i).chunksEmbedded()).isGreaterThanOrEqualTo(events.get(i - 1).chunksEmbedded());
                assertThat(events.get(i).bytesDone()).isGreaterThanOrEqualTo(events.get(i - 1).bytesDone());
            }
            IngestProgress last = events.getLast();
            assertThat(last.filesDone()).isEqualTo(4);
            assertThat(last.bytesDone()).isEqualTo(last.bytesTotal());
            assertThat(last.chunksEmbedded()).isEqualTo(r.chunksIndexed()).isEqualTo(index.size());
            assertThat(last.eta()).isPresent();
            assertThat(events.get(1).chunksPerSecond()).isPositive();
        }
        // ETA extrapolates linearly: 10 s for a quarter of the bytes leaves 30 s
        IngestProgress p = new IngestProgress(1, 4, 250, 1000, 10, java.time.Duration.ofSeconds(10));
        assertThat(p.eta()).contains(java.time.Duration.ofSeconds(30));
        assertThat(p.chunksPerSecond()).isEqualTo(1.0);
    }

    @Test
    void aCancelBeforeTheRunStopsItAtOnceAndTheNextRunIsNormal() throws Exception {
        writeCorpus();
        try (VectorIndex index = VectorIndex.inMemory(new HashEmbedder())) {
            Ingestor ingestor = ingestor(index).build();
            ingestor.cancel();
            IngestReport stopped = ingestor.ingest(root);
            assertThat(stopped.cancelled()).isTrue();
            assertThat(stopped.filesIndexed()).isZero();
            assertThat(stopped.version()).isNotNull();
            IngestReport full = ingestor.ingest(root);
            assertThat(full.cancelled()).isFalse();
            assertThat(full.filesIndexed()).isPositive();
        }
    }

    @Test
    void chunksLongerThanTheEmbedderTakesAreRefused() {
        try (VectorIndex index = VectorIndex.inMemory(new HashEmbedder())) {
            assertThatThrownBy(() -> Ingestor.builder().index(index).maxTokens(600).build())
                    .isInstanceOf(RagConfigException.class)
                    .hasMessageContaining("maxTokens must be in [1, 512] (the embedder's maxSequenceLength");
            assertThat(Ingestor.builder().index(index).maxTokens(512).build()).isNotNull();
        }
    }

    @Test
    void cancellationStopsAndLeavesNoHalfIndexedFile() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            sb.append("Line ").append(i).append(" of the file about wind farms.\n\n");
        }
        for (int f = 0; f < 5; f++) {
            Files.writeString(root.resolve("f" + f + ".txt"), sb);
        }
        try (VectorIndex index = VectorIndex.inMemory(new HashEmbedder())) {
            Ingestor[] holder = new Ingestor[1];
            int[] batches = {0};
            holder[0] = ingestor(index).batchSize(16).listener(p -> {
                if (++batches[0] == 12) {
                    holder[0].cancel();
                }
            }).build();
            IngestReport r = holder[0].ingest(root);
            assertThat(r.cancelled()).isTrue();
            assertThat(r.filesIndexed()).isBetween(1, 4);
            // every document in the index is complete: as many chunks as chunking the file gives
            Chunker chunker = Chunker.recursive(TokenCounter.whitespace(), 64, 8);
            int perFile = chunker.chunk(new Document("x", sb.toString(), Map.of())).size();
            Map<String, Integer> counts = new HashMap<>();
            all(index).forEach(h -> counts.merge(h.documentId(), 1, Integer::sum));
            assertThat(counts).hasSize(r.filesIndexed());
            assertThat(counts.values()).allMatch(n -> n == perFile);

            // a later run completes the job, skipping what is already in
            IngestReport rest = ingestor(index).build().ingest(root);
            assertThat(rest.filesUnchanged()).isEqualTo(r.filesIndexed());
            assertThat(index.size()).isEqualTo(5L * perFile);
        }
    }
}
