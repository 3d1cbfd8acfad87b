package io.llmops4j.rag.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.llmops4j.core.Embedder;
import io.llmops4j.rag.Document;
import io.llmops4j.rag.Filter;
import io.llmops4j.rag.HashEmbedder;
import io.llmops4j.rag.IndexVersion;
import io.llmops4j.rag.SearchHit;
import io.llmops4j.rag.SearchRequest;
import io.llmops4j.rag.SearchRequest.Mode;
import io.llmops4j.rag.VectorIndex;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RagCliTest {
    private static final String GUIDE = "# Guide\nHow to set the tool up.\n## Install\nRun the installer twice and reboot the machine.\n"
            + "## Uninstall\nDrag the application to the trash.\n";
    private static final String NOTES = "Solar panels turn sunlight into electricity.\n\nWind turbines turn moving air into electricity.\n";
    private static final String TIDES = "Tidal plants turn the rise and fall of the sea into electricity.\n";

    @TempDir
    Path tmp;
    Path docs;
    Path index;

    record Result(int code, String out, String err) {
    }

    @BeforeEach
    void corpus() throws Exception {
        docs = Files.createDirectories(tmp.resolve("docs"));
        index = tmp.resolve("index");
        Files.writeString(docs.resolve("guide.md"), GUIDE);
        Files.writeString(docs.resolve("notes.txt"), NOTES);
        Files.writeString(docs.resolve("tides.txt"), TIDES);
        Files.write(docs.resolve("blob.txt"), new byte[] {'a', 'b', 0, 1, 2});
    }

    private static Result run(Supplier<Embedder> embedder, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RagCli.commandLine(embedder, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Result run(String... args) {
        return run(HashEmbedder::new, args);
    }

    private Result ingest(String... extra) {
        String[] args = new String[extra.length + 8];
        System.arraycopy(new String[] {"ingest", "--index", index.toString(), "--max-tokens", "64", "--overlap", "8"}, 0,
                args, 0, 7);
        System.arraycopy(extra, 0, args, 7, extra.length);
        args[args.length - 1] = docs.toString();
        return run(args);
    }

    private VectorIndex openIndex() {
        return VectorIndex.open(index, new HashEmbedder());
    }

    /** Every chunk (id, text, metadata), through the index API. */
    private static List<String> contents(VectorIndex idx) {
        return idx.search(SearchRequest.builder().topK(10_000).build()).stream()
                .map(h -> h.id() + " | " + h.text() + " | " + new TreeMap<>(h.metadata())).sorted().toList();
    }

    private static List<String> ids(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::id).toList();
    }

    private static void assertOneLineError(Result r, int code, String... fragments) {
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        assertThat(r.err().strip()).startsWith("llmops-rag: ").doesNotContain("\n").doesNotContain("Exception")
                .contains(fragments);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void ingestReportsTheBinaryFileIndexesTheRestAndDrawsProgress() {
        Result r = ingest();
        assertThat(r.code()).as(r.err()).isEqualTo(RagCli.PROBLEMS_REPORTED);
        assertThat(r.out()).contains("files: 4 seen, 3 indexed, 0 unchanged, 0 removed")
                .contains("problems (1, not indexed):").containsPattern("\n  blob\\.txt: binary file \\(NUL byte at offset 2\\)\n")
                .contains("committed version 2 (embedder test-hash-64, dimension 64)");

        try (VectorIndex idx = openIndex()) {
            List<SearchHit> all = idx.search(SearchRequest.builder().topK(10_000).build());
            Map<String, List<SearchHit>> byDoc = all.stream().collect(Collectors.groupingBy(SearchHit::documentId));
            assertThat(byDoc).containsOnlyKeys("guide.md", "notes.txt", "tides.txt");
            // every sentence of every source file is in a chunk of its own document
            Map<String, List<String>> sentences = Map.of(
                    "guide.md", List.of("How to set the tool up.", "Run the installer twice and reboot the machine.",
                            "Drag the application to the trash."),
                    "notes.txt", List.of("Solar panels turn sunlight into electricity.",
                            "Wind turbines turn moving air into electricity."),
                    "tides.txt", List.of("Tidal plants turn the rise and fall of the sea into electricity."));
            sentences.forEach((doc, ss) -> ss.forEach(s -> assertThat(byDoc.get(doc)).as(doc + ": " + s)
                    .anyMatch(h -> h.text().contains(s))));
            all.forEach(h -> assertThat(h.metadata()).containsEntry(Document.SOURCE,
                    docs.resolve(h.documentId()).toAbsolutePath().normalize().toString()));
            // the options reached the chunker
            assertThat(idx.versions().getLast().notes()).containsEntry("chunker", "recursive(maxTokens=64, overlapTokens=8)");
            // the bar's final state: all files done, every indexed chunk counted
            assertThat(r.err()).contains("Ingesting 100% [").contains(" MB (").contains("4/4 files, " + all.size() + " chunks, ")
                    .contains(" chunks/s");
        }
    }

    @Test
    void reingestSkipsUnchangedFilesAndRemovesDeletedOnes() throws Exception {
        ingest();
        Result again = ingest();
        assertThat(again.out()).contains("files: 4 seen, 0 indexed, 3 unchanged, 0 removed").contains("chunks: 0 embedded")
                .contains("committed version 3");

        Files.delete(docs.resolve("tides.txt"));
        Files.delete(docs.resolve("blob.txt"));
        Result removed = ingest("--remove-deleted");
        assertThat(removed.code()).as(removed.err()).isZero();
        assertThat(removed.out()).contains("files: 2 seen, 0 indexed, 2 unchanged, 1 removed").doesNotContain("problems");
        try (VectorIndex idx = openIndex()) {
            assertThat(idx.metadataValues(Document.SOURCE)).containsExactlyInAnyOrder(
                    docs.resolve("guide.md").toAbsolutePath().toString(), docs.resolve("notes.txt").toAbsolutePath().toString());
        }
    }

    @Test
    void searchPrintsRankedHitsWithSourceAndSnippet() {
        ingest();
        Result keyword = run("search", "--index", index.toString(), "--mode", "keyword", "installer", "twice");
        assertThat(keyword.code()).as(keyword.err()).isZero();
        String[] lines = keyword.out().split("\\R");
        assertThat(lines[0]).matches("1\\. \\d+\\.\\d{4}  guide\\.md#\\d+");
        assertThat(lines[1]).contains("source: " + docs.resolve("guide.md").toAbsolutePath()).contains("heading: ")
                .contains("Install");
        assertThat(lines[2]).startsWith("   ").contains("Run the installer twice and reboot the machine.");

        Result hybrid = run("search", "--index", index.toString(), "reboot", "the", "installer");
        assertThat(hybrid.out()).startsWith("1. ").contains("guide.md#");
        assertThat(hybrid.out().lines().findFirst().orElseThrow()).contains("guide.md#");

        // "electricity" is in notes.txt and tides.txt; the filter keeps tides.txt only, as the API does
        Result all = run("search", "--index", index.toString(), "--mode", "KEYWORD", "electricity");
        assertThat(all.out()).contains("notes.txt#").contains("tides.txt#");
        Result filtered = run("search", "--index", index.toString(), "--mode", "keyword", "--filter",
                "documentId=tides.txt", "electricity");
        assertThat(filtered.out()).contains("tides.txt#").doesNotContain("notes.txt#");
        Result anyOf = run("search", "--index", index.toString(), "--mode", "vector", "--top-k", "10",
                "--filter", "documentId=tides.txt", "--filter", "documentId=guide.md", "electricity");
        assertThat(anyOf.out()).contains("tides.txt#").contains("guide.md#").doesNotContain("notes.txt#");

        Result none = run("search", "--index", index.toString(), "--mode", "keyword", "zeppelin");
        assertThat(none.code()).isZero();
        assertThat(none.out().strip()).isEqualTo("no hits");
    }

    @Test
    void versionsListEveryCommitAndRollbackRestoresTheFirstIngestion() throws Exception {
        ingest();
        List<String> first;
        List<String> firstHits;
        try (VectorIndex idx = openIndex()) {
            first = contents(idx);
            firstHits = ids(idx.search(SearchRequest.of("electricity from the sea", Mode.HYBRID, 5)));
        }
        Files.writeString(docs.resolve("notes.txt"), "Geothermal heat comes from deep rock.\n");
        Files.writeString(docs.resolve("dams.md"), "# Dams\nWater turbines turn falling water into electricity.\n");
        ingest();

        Result versions = run("versions", "--index", index.toString());
        assertThat(versions.code()).as(versions.err()).isZero();
        List<String> lines = versions.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.getFirst()).matches("VERSION\\s+TIME\\s+EMBEDDER\\s+DIM\\s+NOTES");
        assertThat(lines.get(1)).matches("1\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\s+test-hash-64\\s+64\\s+created=true");
        for (String line : lines.subList(2, 4)) {
            assertThat(line).matches("[23]\\s+\\S+Z\\s+test-hash-64\\s+64\\s+.*chunker=recursive\\(maxTokens=64, overlapTokens=8\\).*")
                    .contains("ingested=" + docs.toAbsolutePath());
        }
        try (VectorIndex idx = openIndex()) {
            assertThat(contents(idx)).isNotEqualTo(first);
        }

        Result rollback = run("rollback", "--index", index.toString(), "2");
        assertThat(rollback.code()).as(rollback.err()).isZero();
        assertThat(rollback.out().strip()).isEqualTo("rolled back to version 2; now version 4 (embedder test-hash-64, dimension 64)");
        try (VectorIndex idx = openIndex()) {
            assertThat(contents(idx)).isEqualTo(first);
            assertThat(ids(idx.search(SearchRequest.of("electricity from the sea", Mode.HYBRID, 5)))).isEqualTo(firstHits);
            IndexVersion last = idx.versions().getLast();
            assertThat(last.id()).isEqualTo("4");
            assertThat(last.notes()).containsEntry("rolledBackTo", "2");
        }
    }

    @Test
    void badInputGivesOneLineErrorsAndExitCodes() throws Exception {
        Path missing = tmp.resolve("missing");
        assertOneLineError(run("search", "--index", missing.toString(), "x"), RagCli.FAILED, "no index at " + missing,
                "no such directory");
        assertThat(missing).doesNotExist();
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertOneLineError(run("versions", "--index", empty.toString()), RagCli.FAILED, "holds no committed index");
        assertThat(empty).isEmptyDirectory();
        assertOneLineError(run("ingest", "--index", index.toString(), tmp.resolve("nosuch").toString()), RagCli.FAILED,
                "nosuch: no such file or directory");
        assertThat(index).doesNotExist();

        ingest();
        String idx = index.toString();
        assertOneLineError(run("rollback", "--index", idx, "99"), RagCli.FAILED, "version '99' is not retained");
        assertOneLineError(run("search", "--index", idx, "--mode", "fuzzy", "x"), RagCli.USAGE, "--mode", "fuzzy",
                "llmops-rag search --help");
        assertOneLineError(run("search", "--index", idx, "--filter", "nokey", "x"), RagCli.USAGE,
                "--filter expects KEY=VALUE, got 'nokey'");
        assertOneLineError(run("search", "--index", idx, "--top-k", "0", "x"), RagCli.USAGE, "topK must be in [1, 10000], got 0");
        assertOneLineError(run("search", "--index", idx), RagCli.USAGE, "QUERY");
        assertOneLineError(run("ingest", "--index", idx, "--max-tokens", "10", "--overlap", "10", docs.toString()),
                RagCli.USAGE, "overlapTokens must be in [0, 9], got 10");
        Path fresh = tmp.resolve("fresh-index");
        assertOneLineError(run("ingest", "--index", fresh.toString(), "--max-tokens", "0", docs.toString()),
                RagCli.USAGE, "maxTokens must be in [1, 100000], got 0");
        assertThat(fresh).as("no index is created for a run that cannot start").doesNotExist();
        assertOneLineError(run(() -> new HashEmbedder(32, "other-32"), "search", "--index", idx, "x"), RagCli.FAILED,
                "dimension 64", "other-32");
        assertOneLineError(run(), RagCli.USAGE, "a subcommand is required");
        assertOneLineError(run("reindex"), RagCli.USAGE, "reindex");
    }

    /** A failure outside the library's own exceptions (here: the embedder cannot start) is one line, exit 1. */
    @Test
    void anUnexpectedFailureIsOneLineWithAHintForTheStackTrace() {
        Result r = run(() -> {
            throw new IllegalStateException("no native library for this platform");
        }, "ingest", "--index", index.toString(), docs.toString());
        assertThat(r.code()).isEqualTo(RagCli.FAILED);
        assertThat(r.err().strip()).doesNotContain("\n")
                .isEqualTo("llmops-rag: unexpected IllegalStateException: no native library for this platform (set "
                        + RagCli.DEBUG_ENV + "=1 for the stack trace)");
    }

    /** The default embedder, shared by several commands of one test: closing it is left to the test. */
    private record Unclosed(Embedder e) implements Embedder {
        @Override
        public float[][] embed(List<String> texts) {
            return e.embed(texts);
        }

        @Override
        public int dimension() {
            return e.dimension();
        }

        @Override
        public String id() {
            return e.id();
        }

        @Override
        public int maxSequenceLength() {
            return e.maxSequenceLength();
        }

        @Override
        public int countTokens(String text) {
            return e.countTokens(text);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void defaultEmbedderFindsChunksWithoutSharedWords() {
        Embedder model;
        try {
            model = Embedder.defaultModel();
        } catch (RuntimeException | LinkageError e) {
            model = null;
        }
        assumeTrue(model != null, "default embedder not available");
        try (Embedder e = model) {
            Supplier<Embedder> real = () -> new Unclosed(e);
            Result ingested = run(real, "ingest", "--index", index.toString(), "--exclude", "blob.txt", docs.toString());
            assertThat(ingested.code()).as(ingested.err()).isZero();
            assertThat(ingested.out()).contains("files: 3 seen, 3 indexed").contains("dimension 384");
            // no content word shared with the expected chunk: only the embedding can rank it first
            Result sun = run(real, "search", "--index", index.toString(), "--mode", "vector", "--top-k", "1",
                    "--filter", "documentId=notes.txt", "energy", "from", "the", "sun");
            assertThat(sun.out()).contains("notes.txt#").contains("Solar panels");
            Result ocean = run(real, "search", "--index", index.toString(), "--mode", "vector", "--top-k", "1", "ocean", "waves");
            assertThat(ocean.out().lines().findFirst().orElseThrow()).contains("tides.txt#");
            try (VectorIndex idx = VectorIndex.open(index, e)) {
                assertThat(idx.search(SearchRequest.builder().filter(Filter.eq(Filter.DOCUMENT_ID, "tides.txt")).build()))
                        .singleElement().satisfies(h -> assertThat(h.text()).isEqualTo(TIDES.strip()));
            }
        }
    }
}
