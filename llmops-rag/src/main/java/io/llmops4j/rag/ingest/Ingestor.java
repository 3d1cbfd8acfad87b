package io.llmops4j.rag.ingest;

import io.llmops4j.rag.Chunk;
import io.llmops4j.rag.Document;
import io.llmops4j.rag.Filter;
import io.llmops4j.rag.IndexVersion;
import io.llmops4j.rag.IngestException;
import io.llmops4j.rag.RagConfigException;
import io.llmops4j.rag.SearchHit;
import io.llmops4j.rag.SearchRequest;
import io.llmops4j.rag.VectorIndex;
import io.llmops4j.rag.chunk.Chunker;
import io.llmops4j.rag.chunk.TokenCounter;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Streams files through loaders and chunkers into a {@link VectorIndex}, then commits one version recording the
 * chunker settings.
 *
 * <ul>
 *   <li>A file whose sha256 equals the hash stored with its chunks is skipped; a changed file's old chunks are
 *       removed only after its new chunks are in, so a file that now fails to load keeps its previous version.</li>
 *   <li>Unreadable, binary, empty, oversized or malformed files are listed in the {@link IngestReport}, never
 *       thrown, and the rest of the batch goes on.</li>
 *   <li>{@link #cancel()} (from any thread) stops after the current batch; the partly ingested file is removed, the
 *       finished ones are committed.</li>
 * </ul>
 */
public final class Ingestor {
    private final VectorIndex index;
    private final Chunker chunker;
    private final Chunker markupChunker;
    private final Map<String, DocumentLoader> loaders;
    private final DirectoryWalker walker;
    private final int batchSize;
    private final long maxFileBytes;
    private final boolean removeDeleted;
    private final IngestListener listener;
    private volatile boolean cancelRequested;

    private Ingestor(Builder b) {
        this.index = b.index;
        TokenCounter counter = b.tokenCounter != null ? b.tokenCounter
                : b.index.embedder().map(TokenCounter::of).orElseGet(TokenCounter::whitespace);
        this.chunker = b.chunker != null ? b.chunker : Chunker.recursive(counter, b.maxTokens, b.overlapTokens);
        this.markupChunker = b.markupChunker != null ? b.markupChunker
                : Chunker.markdown(counter, b.maxTokens, b.overlapTokens);
        Map<String, DocumentLoader> l = new HashMap<>();
        DocumentLoader text = DocumentLoader.text(1 << 20);
        for (String ext : List.of("txt", "text", "log", "csv", "tsv", "rst")) {
            l.put(ext, text);
        }
        DocumentLoader md = DocumentLoader.markdown(b.maxInMemoryBytes);
        l.put("md", md);
        l.put("markdown", md);
        DocumentLoader html = DocumentLoader.html(b.maxInMemoryBytes);
        l.put("html", html);
        l.put("htm", html);
        l.put("pdf", DocumentLoader.pdf());
        DocumentLoader jsonl = DocumentLoader.jsonl("id", List.of("title", "text"), "title");
        l.put("jsonl", jsonl);
        l.put("ndjson", jsonl);
        l.putAll(b.loaders);
        this.loaders = Map.copyOf(l);
        this.walker = new DirectoryWalker(b.includes, b.excludes);
        this.batchSize = b.batchSize;
        this.maxFileBytes = b.maxFileBytes;
        this.removeDeleted = b.removeDeleted;
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Asks a running {@link #ingest} to stop after its current batch; asked before a run starts, the next run stops
     * at once (and still commits and reports).
     */
    public void cancel() {
        cancelRequested = true;
    }

    /** Ingests a file, or the selected files under a directory, and commits. */
    public IngestReport ingest(Path root) {
        try {
            return new Run(root).execute();
        } finally {
            cancelRequested = false; // cleared when a run ends, so that a cancel just before it starts is not lost
        }
    }

    /** Signals cancellation out of a loader callback. */
    private static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cancelled() {
            super(null, null, false, false);
        }
    }

    private final class Run {
        final Path root;
        final long startNanos = System.nanoTime();
        final List<IngestReport.Problem> problems = new ArrayList<>();
        int filesTotal;
        int filesDone;
        int filesIndexed;
        int filesUnchanged;
        int filesRemoved;
        long bytesTotal;
        long bytesDone;
        long chunksIndexed;

        Run(Path root) {
            this.root = root.toAbsolutePath().normalize();
        }

        IngestReport execute() {
            List<Path> files = walker.walk(root);
            filesTotal = files.size();
            for (Path f : files) {
                try {
                    bytesTotal += Files.size(f);
                } catch (IOException e) {
                    // reported when the file itself is processed
                }
            }
            Set<String> present = new HashSet<>();
            boolean cancelled = false;
            for (Path f : files) {
                if (cancelRequested) {
                    cancelled = true;
                    break;
                }
                present.add(f.toAbsolutePath().normalize().toString());
                try {
                    ingestFile(f);
                } catch (Cancelled c) {
                    cancelled = true;
                    break;
                }
                filesDone++;
                report();
            }
            if (removeDeleted && !cancelled) {
                removeVanished(present);
            }
            Map<String, String> notes = new LinkedHashMap<>();
            notes.put("chunker", chunker.describe());
            notes.put("markupChunker", markupChunker.describe());
            notes.put("ingested", root.toString());
            IndexVersion version = index.commit(notes);
            return new IngestReport(filesTotal, filesIndexed, filesUnchanged, filesRemoved, chunksIndexed, problems,
                    cancelled, elapsed(), version);
        }

        private void removeVanished(Set<String> present) {
            String prefix = Files.isDirectory(root) ? root + File.separator : root.toString();
            for (String source : index.metadataValues(Document.SOURCE)) {
                if ((source.startsWith(prefix) || source.equals(root.toString())) && !present.contains(source)
                        && walker.selects(Files.isDirectory(root) ? root.relativize(Path.of(source)) : Path.of(source)
                        .getFileName())) {
                    index.deleteWhere(Filter.eq(Document.SOURCE, source));
                    filesRemoved++;
                }
            }
        }

        private void ingestFile(Path file) {
            String source = file.toAbsolutePath().normalize().toString();
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                problems.add(new IngestReport.Problem(file, "unreadable: " + e));
                return;
            }
            if (size == 0) {
                problems.add(new IngestReport.Problem(file, "empty file (0 bytes)"));
                bytesDone += size;
                return;
            }
            if (size > maxFileBytes) {
                problems.add(new IngestReport.Problem(file, "oversized: " + size + " bytes > maxFileBytes " + maxFileBytes));
                bytesDone += size;
                return;
            }
            String ext = extension(file);
            DocumentLoader loader = loaders.get(ext);
            if (loader == null) {
                problems.add(new IngestReport.Problem(file, "no loader for '." + ext + "' files"));
                bytesDone += size;
                return;
            }
            String hash;
            String modified;
            try {
                hash = sha256(file);
                modified = Files.getLastModifiedTime(file).toInstant().toString();
            } catch (IOException e) {
                problems.add(new IngestReport.Problem(file, "unreadable: " + e));
                bytesDone += size;
                return;
            }
            Filter ofSource = Filter.eq(Document.SOURCE, source);
            List<SearchHit> existing = index.search(SearchRequest.builder().filter(ofSource).topK(1).build());
            if (!existing.isEmpty() && hash.equals(existing.getFirst().metadata().get(Document.CONTENT_HASH))) {
                filesUnchanged++;
                bytesDone += size;
                return;
            }
            Chunker forFile = ext.startsWith("htm") || ext.startsWith("md") || ext.equals("markdown") ? markupChunker
                    : chunker;
            Map<String, String> meta = new TreeMap<>();
            meta.put(Document.SOURCE, source);
            meta.put(Document.CONTENT_HASH, hash);
            meta.put(Document.MODIFIED, modified);
            String documentId = Files.isDirectory(root) ? root.relativize(file.toAbsolutePath().normalize()).toString()
                    .replace(File.separatorChar, '/') : file.getFileName().toString();
            FileSink sink = new FileSink(file, documentId, meta, forFile, size);
            Filter newChunks = Filter.and(ofSource, Filter.eq(Document.CONTENT_HASH, hash));
            try {
                loader.load(file, sink);
                sink.flush();
                if (sink.chunks == 0) {
                    throw new IngestException(file + ": no text to index");
                }
            } catch (Cancelled c) {
                index.deleteWhere(newChunks);
                throw c;
            } catch (RuntimeException e) {
                // keep the previously indexed version of the file, drop whatever of the new one got in
                index.deleteWhere(newChunks);
                chunksIndexed -= sink.chunks;
                problems.add(new IngestReport.Problem(file, e instanceof IngestException ? e.getMessage()
                        : "failed: " + e));
                bytesDone += size - sink.bytesReported;
                return;
            }
            if (!existing.isEmpty()) {
                index.deleteWhere(Filter.and(ofSource, Filter.not(Filter.eq(Document.CONTENT_HASH, hash))));
            }
            filesIndexed++;
            bytesDone += size - sink.bytesReported;
        }

        void report() {
            listener.onProgress(new IngestProgress(filesDone, filesTotal, bytesDone, bytesTotal, chunksIndexed,
                    elapsed()));
        }

        Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - startNanos);
        }

        /** Collects the chunks of one file and indexes them in batches. */
        private final class FileSink implements DocumentLoader.Context {
            final Path file;
            final String documentId;
            final Map<String, String> metadata;
            final Chunker fileChunker;
            final long size;
            final Map<String, Integer> nextOrdinal = new HashMap<>();
            final List<Chunk> pending = new ArrayList<>();
            long chunks;
            long bytesReported;

            FileSink(Path file, String documentId, Map<String, String> metadata, Chunker fileChunker, long size) {
                this.file = file;
                this.documentId = documentId;
                this.metadata = Map.copyOf(metadata);
                this.fileChunker = fileChunker;
                this.size = size;
            }

            @Override
            public String documentId() {
                return documentId;
            }

            @Override
            public Map<String, String> metadata() {
                return metadata;
            }

            @Override
            public void accept(Document document) {
                int first = nextOrdinal.getOrDefault(document.id(), 0);
                List<Chunk> cs = fileChunker.chunk(document, first);
                nextOrdinal.put(document.id(), first + cs.size());
                pending.addAll(cs);
                // characters read so far approximate bytes read, for progress within a large file
                long read = Math.min(size, (long) document.offset() + document.text().length());
                if (read > bytesReported) {
                    bytesDone += read - bytesReported;
                    bytesReported = read;
                }
                while (pending.size() >= batchSize) {
                    indexBatch(batchSize);
                }
            }

            @Override
            public void problem(String reason) {
                problems.add(new IngestReport.Problem(file, reason));
            }

            void flush() {
                while (!pending.isEmpty()) {
                    indexBatch(Math.min(batchSize, pending.size()));
                }
            }

            /** Embeds and indexes the first {@code n} pending chunks. */
            private void indexBatch(int n) {
                if (cancelRequested) {
                    throw new Cancelled();
                }
                List<Chunk> batch = pending.subList(0, n);
                index.add(List.copyOf(batch));
                batch.clear();
                chunks += n;
                chunksIndexed += n;
                report();
            }
        }
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Configuration of an {@link Ingestor}; validated in {@link #build()}. */
    public static final class Builder {
        private VectorIndex index;
        private TokenCounter tokenCounter;
        private int maxTokens = 128;
        private int overlapTokens = 16;
        private Chunker chunker;
        private Chunker markupChunker;
        private final Map<String, DocumentLoader> loaders = new HashMap<>();
        private final List<String> includes = new ArrayList<>();
        private final List<String> excludes = new ArrayList<>();
        private int batchSize = 64;
        private long maxFileBytes = 1L << 30;
        private long maxInMemoryBytes = 64L << 20;
        private boolean removeDeleted;
        private IngestListener listener = IngestListener.none();

        private Builder() {
        }

        /** The index to fill (required). */
        public Builder index(VectorIndex index) {
            this.index = index;
            return this;
        }

        /**
         * Counts tokens for the default chunkers. Default: the index's embedder's own tokenizer
         * ({@link TokenCounter#of(io.llmops4j.core.Embedder)}), or whitespace words, an approximation, when the
         * index has no embedder.
         */
        public Builder tokenCounter(TokenCounter tokenCounter) {
            this.tokenCounter = Objects.requireNonNull(tokenCounter, "tokenCounter");
            return this;
        }

        /** Tokens per chunk for the default chunkers, 1..100000 (default 128). */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /** Tokens repeated between consecutive chunks, 0..maxTokens-1 (default 16). */
        public Builder overlapTokens(int overlapTokens) {
            this.overlapTokens = overlapTokens;
            return this;
        }

        /** Chunker for plain text, PDF and JSONL (default: recursive). */
        public Builder chunker(Chunker chunker) {
            this.chunker = chunker;
            return this;
        }

        /** Chunker for Markdown and HTML (default: Markdown sections). */
        public Builder markupChunker(Chunker markupChunker) {
            this.markupChunker = markupChunker;
            return this;
        }

        /** Uses {@code loader} for files ending in {@code .extension} (case-insensitive). */
        public Builder loader(String extension, DocumentLoader loader) {
            loaders.put(extension.toLowerCase(Locale.ROOT).replaceFirst("^\\.", ""), loader);
            return this;
        }

        /** Only files whose relative path matches one of these globs (default: all). */
        public Builder include(String... globs) {
            includes.addAll(List.of(globs));
            return this;
        }

        /** Skips files whose relative path matches one of these globs. */
        public Builder exclude(String... globs) {
            excludes.addAll(List.of(globs));
            return this;
        }

        /** Chunks embedded per call, 1..4096 (default 64). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Larger files are reported as oversized and skipped, 1..2^40 (default 1 GiB). */
        public Builder maxFileBytes(long maxFileBytes) {
            this.maxFileBytes = maxFileBytes;
            return this;
        }

        /** Limit for formats parsed whole in memory (Markdown, HTML), 1..2^31 (default 64 MiB). */
        public Builder maxInMemoryBytes(long maxInMemoryBytes) {
            this.maxInMemoryBytes = maxInMemoryBytes;
            return this;
        }

        /** Also removes the chunks of files that disappeared from under the root (default false). */
        public Builder removeDeleted(boolean removeDeleted) {
            this.removeDeleted = removeDeleted;
            return this;
        }

        public Builder listener(IngestListener listener) {
            this.listener = listener;
            return this;
        }

        public Ingestor build() {
            if (index == null) {
                throw new RagConfigException("index must be set");
            }
            validate();
            if (tokenCounter == null && index.embedder().isPresent()
                    && maxTokens > index.embedder().get().maxSequenceLength()) {
                throw new RagConfigException("maxTokens must be in [1, " + index.embedder().get().maxSequenceLength()
                        + "] (the embedder's maxSequenceLength; longer chunks would be truncated when embedded), got "
                        + maxTokens);
            }
            return new Ingestor(this);
        }

        /**
         * Checks every setting except the index, so that a caller can refuse a run before it opens or creates an
         * index for it; {@link #build()} checks them again.
         *
         * @throws RagConfigException naming the first setting out of range
         */
        public Builder validate() {
            if (listener == null) {
                throw new RagConfigException("listener must not be null");
            }
            if (maxTokens < 1 || maxTokens > 100_000) {
                throw new RagConfigException("maxTokens must be in [1, 100000], got " + maxTokens);
            }
            if (overlapTokens < 0 || overlapTokens >= maxTokens) {
                throw new RagConfigException("overlapTokens must be in [0, " + (maxTokens - 1) + "], got " + overlapTokens);
            }
            if (batchSize < 1 || batchSize > 4096) {
                throw new RagConfigException("batchSize must be in [1, 4096], got " + batchSize);
            }
            if (maxFileBytes < 1 || maxFileBytes > 1L << 40) {
                throw new RagConfigException("maxFileBytes must be in [1, 2^40], got " + maxFileBytes);
            }
            if (maxInMemoryBytes < 1 || maxInMemoryBytes > Integer.MAX_VALUE) {
                throw new RagConfigException("maxInMemoryBytes must be in [1, 2^31-1], got " + maxInMemoryBytes);
            }
            return this;
        }
    }
}
