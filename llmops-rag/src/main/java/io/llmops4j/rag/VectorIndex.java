package io.llmops4j.rag;

import io.llmops4j.core.Embedder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;

/**
 * A searchable store of chunks: HNSW vectors plus BM25 text plus filterable metadata, with versions. The embedded
 * default is Lucene ({@link #open}, {@link #inMemory}, {@link #builder}); a distributed engine can implement this
 * interface without touching callers.
 *
 * <p>Writes become visible to searches after {@link #refresh()} or {@link #commit()}; they become durable (survive
 * a crash) when {@code commit} returns. Every commit is a {@link IndexVersion}. Searches may run concurrently with
 * writes from other threads.
 */
public interface VectorIndex extends AutoCloseable {

    /** Opens (or creates) a persistent index in {@code dir} whose vectors come from {@code embedder}. */
    static VectorIndex open(Path dir, Embedder embedder) {
        return builder().directory(dir).embedder(embedder).build();
    }

    /** A heap-only index (lost on close) whose vectors come from {@code embedder}. */
    static VectorIndex inMemory(Embedder embedder) {
        return builder().embedder(embedder).build();
    }

    static Builder builder() {
        return new Builder();
    }

    /** Embeds the chunks' texts and indexes them. Ids are assumed new; use {@link #upsert} to replace. */
    void add(List<Chunk> chunks);

    /** Indexes a chunk with a precomputed unit vector; it is its own document. */
    void addEmbedded(String id, String text, float[] vector, Map<String, String> metadata);

    /** Indexes chunks with precomputed unit vectors ({@code vectors[i]} belongs to {@code chunks.get(i)}). */
    void addEmbedded(List<Chunk> chunks, float[][] vectors);

    /** Embeds and indexes the chunks, replacing any chunk with the same id. */
    void upsert(List<Chunk> chunks);

    /** Removes every chunk of the document. */
    void deleteByDocument(String documentId);

    /** Removes every chunk matching the filter. */
    void deleteWhere(Filter filter);

    /** Makes all writes so far visible to searches. */
    void refresh();

    /** Makes all writes durable and visible; records and returns a new version. */
    default IndexVersion commit() {
        return commit(Map.of());
    }

    /** Like {@link #commit()}, recording {@code notes} (such as chunker settings) with the version. */
    IndexVersion commit(Map<String, String> notes);

    /** Merges segments down to at most {@code maxSegments} (1 gives the fastest searches), then commits. */
    void forceMerge(int maxSegments);

    /** Runs a search; see {@link SearchRequest}. */
    List<SearchHit> search(SearchRequest request);

    /** Number of chunks visible to searches. */
    long size();

    /** Distinct values of a metadata key over the visible chunks. */
    Set<String> metadataValues(String key);

    /** Retained versions, oldest first. */
    List<IndexVersion> versions();

    /** Opens a retained version read-only (writes throw {@link IndexException}); close it when done. */
    VectorIndex openVersion(String versionId);

    /**
     * Restores the contents of a retained version as a new version, discarding uncommitted writes. Later versions stay
     * retained, so a rollback can itself be undone.
     */
    IndexVersion rollback(String versionId);

    /** Vector dimension. */
    int dimension();

    /** The embedder that turns chunk and query texts into vectors, if the index was built with one. */
    default Optional<Embedder> embedder() {
        return Optional.empty();
    }

    /** Closes files and threads; uncommitted writes are discarded. Closing twice is harmless. */
    @Override
    void close();

    /** Configuration of the Lucene index; validated in {@link #build()}. */
    final class Builder {
        Path directory;
        Embedder embedder;
        int dimension;
        int maxConn = 16;
        int beamWidth = 100;
        VectorFormat vectorFormat = VectorFormat.FLOAT;
        Analyzer analyzer;
        float bm25K1 = 0.9f;
        float bm25B = 0.4f;
        int retainedVersions = 10;
        int indexingThreads = Runtime.getRuntime().availableProcessors();
        double ramBufferMb = 64;
        int rescoreOversample;

        Builder() {
        }

        /** Where the index lives; absent means in memory. */
        public Builder directory(Path directory) {
            this.directory = directory;
            return this;
        }

        /** Embeds chunk and query texts; optional when callers supply vectors (then set {@link #dimension}). */
        public Builder embedder(Embedder embedder) {
            this.embedder = embedder;
            return this;
        }

        /** Vector dimension, 1..4096; defaults to the embedder's. */
        public Builder dimension(int dimension) {
            this.dimension = dimension;
            return this;
        }

        /** HNSW neighbours per node (M), 2..512; default 16. */
        public Builder maxConn(int maxConn) {
            this.maxConn = maxConn;
            return this;
        }

        /** HNSW construction queue size (efConstruction), 2..3200; default 100. */
        public Builder beamWidth(int beamWidth) {
            this.beamWidth = beamWidth;
            return this;
        }

        /** How vectors are stored; default {@link VectorFormat#FLOAT}. */
        public Builder vectorFormat(VectorFormat vectorFormat) {
            this.vectorFormat = vectorFormat;
            return this;
        }

        /** Analyzer of the BM25 text field; default Lucene's {@link EnglishAnalyzer}. */
        public Builder analyzer(Analyzer analyzer) {
            this.analyzer = analyzer;
            return this;
        }

        /** BM25 parameters; default k1=0.9, b=0.4 (Anserini/Pyserini). k1 in [0, 3], b in [0, 1]. */
        public Builder bm25(double k1, double b) {
            this.bm25K1 = (float) k1;
            this.bm25B = (float) b;
            return this;
        }

        /** How many commits (versions) are kept, 1..10000; default 10. */
        public Builder retainedVersions(int retainedVersions) {
            this.retainedVersions = retainedVersions;
            return this;
        }

        /** Threads used to build HNSW graphs during merges, 1..256; default the number of cores. */
        public Builder indexingThreads(int indexingThreads) {
            this.indexingThreads = indexingThreads;
            return this;
        }

        /** Indexing RAM buffer in MB before a segment is flushed, 1..16384; default 64. */
        public Builder ramBufferMb(double ramBufferMb) {
            this.ramBufferMb = ramBufferMb;
            return this;
        }

        /**
         * For quantized formats: the graph search collects {@code efSearch * rescoreOversample} candidates, which are
         * rescored with the full-precision vectors before the best {@code efSearch} are kept; 1 turns rescoring off.
         * Range 1..100; default 3 for {@link VectorFormat#BINARY}, 1 for the scalar formats. Ignored for FLOAT.
         */
        public Builder rescoreOversample(int rescoreOversample) {
            this.rescoreOversample = rescoreOversample;
            return this;
        }

        public VectorIndex build() {
            if (embedder != null) {
                if (dimension != 0 && dimension != embedder.dimension()) {
                    throw new RagConfigException("dimension " + dimension + " differs from the embedder's "
                            + embedder.dimension() + " (" + embedder.id() + ")");
                }
                dimension = embedder.dimension();
            }
            RagConfigException.requireRange("dimension", dimension, 1, 4096);
            RagConfigException.requireRange("maxConn", maxConn, 2, 512);
            RagConfigException.requireRange("beamWidth", beamWidth, 2, 3200);
            RagConfigException.requireNonNull("vectorFormat", vectorFormat);
            RagConfigException.requireRange("bm25 k1", bm25K1, 0, 3);
            RagConfigException.requireRange("bm25 b", bm25B, 0, 1);
            RagConfigException.requireRange("retainedVersions", retainedVersions, 1, 10_000);
            RagConfigException.requireRange("indexingThreads", indexingThreads, 1, 256);
            RagConfigException.requireRange("ramBufferMb", ramBufferMb, 1, 16_384);
            if (rescoreOversample == 0) {
                rescoreOversample = vectorFormat == VectorFormat.BINARY ? 3 : 1;
            }
            RagConfigException.requireRange("rescoreOversample", rescoreOversample, 1, 100);
            if (vectorFormat == VectorFormat.INT8) {
                throw new RagConfigException(VectorFormats.INT8_UNSUPPORTED);
            }
            return LuceneVectorIndex.create(this);
        }
    }
}
