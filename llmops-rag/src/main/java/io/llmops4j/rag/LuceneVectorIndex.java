package io.llmops4j.rag;

import io.llmops4j.core.Embedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ReferenceManager;
import org.apache.lucene.search.RescoreTopNQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;

/**
 * The Lucene implementation of {@link VectorIndex}: one Lucene document per chunk, HNSW through a per-field codec,
 * BM25 text, commits with version user data, a {@link KeepLastCommitsPolicy}, and NRT readers through a
 * {@link SearcherManager}.
 */
final class LuceneVectorIndex implements VectorIndex {
    static final String F_ID = "id";
    static final String F_DOC = "doc";
    static final String F_TEXT = "text";
    static final String F_VECTOR = "vec";
    static final String F_ORDINAL = "ord";
    static final String F_START = "start";
    static final String F_END = "end";
    static final String F_HEADING = "head";
    static final String META_PREFIX = "m.";
    static final String NUMERIC_PREFIX = "n.";

    static final String U_VERSION = "llmops.version";
    static final String U_TIME = "llmops.time";
    static final String U_EMBEDDER = "llmops.embedder";
    static final String U_DIMENSION = "llmops.dimension";
    static final String U_NOTE_PREFIX = "llmops.note.";
    static final String NO_EMBEDDER = "none";

    private static final int EMBED_BATCH = 64;
    /** Longest metadata value that is indexed for filters: 8191 chars are at most 32764 UTF-8 bytes. */
    static final int MAX_FILTERABLE_CHARS = 8191;
    private static final int MAX_QUERY_TERMS = 1024;

    private final String location;
    private final Directory directory;
    private final boolean ownsDirectory;
    private final Embedder embedder;
    private final int dimension;
    private final Analyzer analyzer;
    private final BM25Similarity similarity;
    private final VectorFormat vectorFormat;
    private final int rescoreOversample;
    private final VectorIndex.Builder config;
    private final ExecutorService mergeExecutor;
    private final Object writeLock = new Object();
    private final AtomicInteger nextVersion = new AtomicInteger(1);
    private volatile IndexWriter writer;
    private volatile ReferenceManager<IndexSearcher> searchers;
    private volatile boolean closed;

    private LuceneVectorIndex(String location, Directory directory, boolean ownsDirectory, VectorIndex.Builder b,
                              ExecutorService mergeExecutor) {
        this.location = location;
        this.directory = directory;
        this.ownsDirectory = ownsDirectory;
        this.embedder = b.embedder;
        this.dimension = b.dimension;
        this.analyzer = b.analyzer != null ? b.analyzer : new EnglishAnalyzer();
        this.similarity = new BM25Similarity(b.bm25K1, b.bm25B);
        this.vectorFormat = b.vectorFormat;
        this.rescoreOversample = b.rescoreOversample;
        this.config = b;
        this.mergeExecutor = mergeExecutor;
    }

    static VectorIndex create(VectorIndex.Builder b) {
        String location = b.directory == null ? "in-memory index" : "index at " + b.directory;
        Directory dir;
        try {
            if (b.directory != null) {
                Files.createDirectories(b.directory);
                dir = FSDirectory.open(b.directory);
            } else {
                dir = new ByteBuffersDirectory();
            }
        } catch (IOException e) {
            throw new IndexException("cannot open " + location + ": " + e.getMessage(), e);
        }
        ExecutorService exec = b.indexingThreads > 1 ? Executors.newFixedThreadPool(b.indexingThreads, r -> {
            Thread t = new Thread(r, "llmops-hnsw-merge");
            t.setDaemon(true);
            return t;
        }) : null;
        LuceneVectorIndex index = new LuceneVectorIndex(location, dir, true, b, exec);
        try {
            index.checkCompatible();
            index.openWriter(null);
            if (index.versions().isEmpty()) {
                index.commit(Map.of("created", "true"));
            }
        } catch (IOException | RuntimeException e) {
            index.close();
            if (e instanceof RagException re) {
                throw re;
            }
            throw new IndexException("cannot open " + location + ": " + e.getMessage(), e);
        }
        return index;
    }

    /** Refuses to open an index whose latest commit was made with another embedder or dimension. */
    private void checkCompatible() throws IOException {
        if (!DirectoryReader.indexExists(directory)) {
            return;
        }
        List<IndexCommit> commits = DirectoryReader.listCommits(directory);
        Map<String, String> data = commits.getLast().getUserData();
        String storedDim = data.get(U_DIMENSION);
        if (storedDim != null && Integer.parseInt(storedDim) != dimension) {
            throw new EmbedderMismatchException(location + " holds vectors of dimension " + storedDim + " (embedder "
                    + data.get(U_EMBEDDER) + ") but was opened with dimension " + dimension
                    + (embedder == null ? "" : " (embedder " + embedder.id() + ")"));
        }
        String storedEmbedder = data.get(U_EMBEDDER);
        if (embedder != null && storedEmbedder != null && !storedEmbedder.equals(NO_EMBEDDER)
                && !storedEmbedder.equals(embedder.id())) {
            throw new EmbedderMismatchException(location + " was built with embedder '" + storedEmbedder
                    + "' but was opened with embedder '" + embedder.id() + "'; re-embed into a new index");
        }
        for (IndexCommit c : commits) {
            String v = c.getUserData().get(U_VERSION);
            if (v != null) {
                nextVersion.set(Math.max(nextVersion.get(), Integer.parseInt(v) + 1));
            }
        }
    }

    private void openWriter(IndexCommit startFrom) throws IOException {
        IndexWriterConfig iwc = new IndexWriterConfig(analyzer)
                .setSimilarity(similarity)
                .setCodec(VectorFormats.codec(F_VECTOR, VectorFormats.hnsw(vectorFormat, config.maxConn,
                        config.beamWidth, config.indexingThreads, mergeExecutor)))
                .setIndexDeletionPolicy(new KeepLastCommitsPolicy(config.retainedVersions))
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setRAMBufferSizeMB(config.ramBufferMb)
                .setCommitOnClose(false);
        if (startFrom != null) {
            iwc.setIndexCommit(startFrom);
        }
        try {
            writer = new IndexWriter(directory, iwc);
        } catch (LockObtainFailedException e) {
            throw new IndexException(location + " is already open for writing by another VectorIndex or process", e);
        }
        searchers = new SearcherManager(writer, new SearcherFactoryWithSimilarity());
    }

    private final class SearcherFactoryWithSimilarity extends org.apache.lucene.search.SearcherFactory {
        @Override
        public IndexSearcher newSearcher(org.apache.lucene.index.IndexReader reader,
                                         org.apache.lucene.index.IndexReader previousReader) {
            IndexSearcher s = new IndexSearcher(reader);
            s.setSimilarity(similarity);
            return s;
        }
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void add(List<Chunk> chunks) {
        write(chunks, embedChunks(chunks), false);
    }

    @Override
    public void upsert(List<Chunk> chunks) {
        write(chunks, embedChunks(chunks), true);
    }

    @Override
    public void addEmbedded(String id, String text, float[] vector, Map<String, String> metadata) {
        addEmbedded(List.of(Chunk.of(id, text, metadata)), new float[][] {vector});
    }

    @Override
    public void addEmbedded(List<Chunk> chunks, float[][] vectors) {
        if (vectors.length != chunks.size()) {
            throw new RagConfigException("addEmbedded: " + chunks.size() + " chunks but " + vectors.length + " vectors");
        }
        write(chunks, vectors, false);
    }

    private float[][] embedChunks(List<Chunk> chunks) {
        if (embedder == null) {
            throw new RagConfigException(location + " has no embedder: use addEmbedded with precomputed vectors");
        }
        float[][] out = new float[chunks.size()][];
        for (int from = 0; from < chunks.size(); from += EMBED_BATCH) {
            int to = Math.min(chunks.size(), from + EMBED_BATCH);
            List<String> texts = chunks.subList(from, to).stream().map(Chunk::text).toList();
            float[][] vs = embedder.embedDocuments(texts);
            System.arraycopy(vs, 0, out, from, vs.length);
        }
        return out;
    }

    private void write(List<Chunk> chunks, float[][] vectors, boolean replace) {
        IndexWriter w = requireWriter();
        List<List<IndexableField>> docs = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            docs.add(toDocument(chunks.get(i), checkVector(chunks.get(i).id(), vectors[i])));
        }
        try {
            for (int i = 0; i < docs.size(); i++) {
                if (replace) {
                    w.updateDocument(new Term(F_ID, chunks.get(i).id()), docs.get(i));
                } else {
                    w.addDocument(docs.get(i));
                }
            }
        } catch (IOException | AlreadyClosedException e) {
            throw new IndexException("writing to " + location + " failed: " + e.getMessage(), e);
        }
    }

    private float[] checkVector(String id, float[] v) {
        if (v == null || v.length != dimension) {
            throw new RagConfigException("vector of chunk '" + id + "' must have dimension " + dimension + ", got "
                    + (v == null ? "null" : v.length));
        }
        double n2 = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new RagConfigException("vector of chunk '" + id + "' has a non-finite component " + x);
            }
            n2 += (double) x * x;
        }
        if (Math.abs(Math.sqrt(n2) - 1) > 1e-3) {
            throw new RagConfigException("vector of chunk '" + id + "' must have unit length (DOT_PRODUCT), got norm "
                    + Math.sqrt(n2));
        }
        return v;
    }

    private static List<IndexableField> toDocument(Chunk c, float[] vector) {
        List<IndexableField> doc = new ArrayList<>();
        doc.add(new StringField(F_ID, c.id(), Field.Store.YES));
        doc.add(new StringField(F_DOC, c.documentId(), Field.Store.YES));
        doc.add(new TextField(F_TEXT, c.text(), Field.Store.YES));
        doc.add(new KnnFloatVectorField(F_VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
        doc.add(new StoredField(F_ORDINAL, c.ordinal()));
        doc.add(new StoredField(F_START, c.offsets().start()));
        doc.add(new StoredField(F_END, c.offsets().end()));
        doc.add(new StoredField(F_HEADING, c.headingPath()));
        for (Map.Entry<String, String> e : new TreeMap<>(c.metadata()).entrySet()) {
            if (e.getValue().length() > MAX_FILTERABLE_CHARS) {
                // too long for one Lucene term (32766 bytes): stored, not filterable
                doc.add(new StoredField(META_PREFIX + e.getKey(), e.getValue()));
                continue;
            }
            doc.add(new StringField(META_PREFIX + e.getKey(), e.getValue(), Field.Store.YES));
            Double number = parseNumber(e.getValue());
            if (number != null) {
                doc.add(new DoublePoint(NUMERIC_PREFIX + e.getKey(), number));
            }
        }
        return doc;
    }

    private static Double parseNumber(String s) {
        if (s.isEmpty() || s.length() > 40) {
            return null;
        }
        try {
            double d = Double.parseDouble(s);
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void deleteByDocument(String documentId) {
        deleteWhere(Filter.eq(Filter.DOCUMENT_ID, documentId));
    }

    @Override
    public void deleteWhere(Filter filter) {
        try {
            requireWriter().deleteDocuments(toQuery(filter));
        } catch (IOException | AlreadyClosedException e) {
            throw new IndexException("deleting from " + location + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void refresh() {
        ensureOpen();
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new IndexException("refreshing " + location + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public IndexVersion commit(Map<String, String> notes) {
        synchronized (writeLock) {
            IndexWriter w = requireWriter();
            Map<String, String> data = new LinkedHashMap<>();
            String version = Integer.toString(nextVersion.getAndIncrement());
            data.put(U_VERSION, version);
            data.put(U_TIME, Instant.now().toString());
            data.put(U_EMBEDDER, embedder == null ? NO_EMBEDDER : embedder.id());
            data.put(U_DIMENSION, Integer.toString(dimension));
            notes.forEach((k, v) -> data.put(U_NOTE_PREFIX + k, v));
            try {
                w.setLiveCommitData(data.entrySet(), true);
                w.commit();
                searchers.maybeRefreshBlocking();
            } catch (IOException e) {
                throw new IndexException("committing " + location + " failed: " + e.getMessage(), e);
            }
            return versions().stream().filter(v -> v.id().equals(version)).findFirst()
                    .orElseThrow(() -> new IndexException("commit of version " + version + " is not listed in " + location));
        }
    }

    @Override
    public void forceMerge(int maxSegments) {
        RagConfigException.requireRange("maxSegments", maxSegments, 1, 100_000);
        try {
            requireWriter().forceMerge(maxSegments);
        } catch (IOException e) {
            throw new IndexException("merging " + location + " failed: " + e.getMessage(), e);
        }
        commit(Map.of("forceMerge", Integer.toString(maxSegments)));
    }

    // ---------------------------------------------------------------- versions

    @Override
    public List<IndexVersion> versions() {
        ensureOpen();
        try {
            if (!DirectoryReader.indexExists(directory)) {
                return List.of();
            }
            List<IndexVersion> out = new ArrayList<>();
            for (IndexCommit c : DirectoryReader.listCommits(directory)) {
                IndexVersion v = toVersion(c);
                if (v != null) {
                    out.add(v);
                }
            }
            return out;
        } catch (IndexNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new IndexException("listing versions of " + location + " failed: " + e.getMessage(), e);
        }
    }

    private static IndexVersion toVersion(IndexCommit c) throws IOException {
        Map<String, String> d = c.getUserData();
        if (!d.containsKey(U_VERSION)) {
            return null;
        }
        Map<String, String> notes = new TreeMap<>();
        d.forEach((k, v) -> {
            if (k.startsWith(U_NOTE_PREFIX)) {
                notes.put(k.substring(U_NOTE_PREFIX.length()), v);
            }
        });
        return new IndexVersion(d.get(U_VERSION), Instant.parse(d.get(U_TIME)), d.get(U_EMBEDDER),
                Integer.parseInt(d.get(U_DIMENSION)), c.getGeneration(), notes);
    }

    private IndexCommit findCommit(String versionId) {
        try {
            for (IndexCommit c : DirectoryReader.listCommits(directory)) {
                if (versionId.equals(c.getUserData().get(U_VERSION))) {
                    return c;
                }
            }
        } catch (IOException e) {
            throw new IndexException("listing versions of " + location + " failed: " + e.getMessage(), e);
        }
        throw new VersionNotFoundException("version '" + versionId + "' is not retained in " + location
                + "; retained: " + versions().stream().map(IndexVersion::id).toList());
    }

    @Override
    public VectorIndex openVersion(String versionId) {
        ensureOpen();
        IndexCommit commit = findCommit(versionId);
        LuceneVectorIndex view = new LuceneVectorIndex(location + " (version " + versionId + ", read-only)", directory,
                false, config, null);
        try {
            DirectoryReader reader = DirectoryReader.open(commit);
            view.searchers = new SearcherManager(reader, view.new SearcherFactoryWithSimilarity());
        } catch (IOException e) {
            throw new IndexException("opening version " + versionId + " of " + location + " failed: " + e.getMessage(), e);
        }
        return view;
    }

    @Override
    public IndexVersion rollback(String versionId) {
        synchronized (writeLock) {
            requireWriter();
            IndexCommit commit = findCommit(versionId);
            try {
                ReferenceManager<IndexSearcher> old = searchers;
                writer.rollback();
                old.close();
                openWriter(commit);
            } catch (IOException e) {
                throw new IndexException("rolling " + location + " back to version " + versionId + " failed: "
                        + e.getMessage(), e);
            }
            return commit(Map.of("rolledBackTo", versionId));
        }
    }

    // ---------------------------------------------------------------- search

    @Override
    public List<SearchHit> search(SearchRequest r) {
        ensureOpen();
        IndexSearcher searcher;
        try {
            searcher = searchers.acquire();
        } catch (IOException e) {
            throw new IndexException("searching " + location + " failed: " + e.getMessage(), e);
        }
        try {
            return search(searcher, r);
        } catch (IOException e) {
            throw new IndexException("searching " + location + " failed: " + e.getMessage(), e);
        } finally {
            try {
                searchers.release(searcher);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private List<SearchHit> search(IndexSearcher searcher, SearchRequest r) throws IOException {
        Query filter = r.filter().map(this::toQuery).orElse(null);
        if (!r.hasQuery()) {
            TopDocs td = searcher.search(new ConstantScoreQuery(filter == null ? new MatchAllDocsQuery() : filter),
                    r.topK());
            return toHits(searcher, List.of(td.scoreDocs), d -> 1.0);
        }
        int depth = r.efSearch();
        boolean needVector = r.mode() != SearchRequest.Mode.KEYWORD || r.mmr();
        float[] query = needVector ? queryVector(r) : null;
        List<ScoreDoc> ranked;
        Map<Integer, Double> scores = new HashMap<>();
        switch (r.mode()) {
            case VECTOR -> {
                ranked = vectorSearch(searcher, query, depth, filter);
                ranked.forEach(sd -> scores.put(sd.doc, 2.0 * sd.score - 1.0));
            }
            case KEYWORD -> {
                ranked = keywordSearch(searcher, r.text().orElseThrow(), depth, filter);
                ranked.forEach(sd -> scores.put(sd.doc, (double) sd.score));
            }
            case HYBRID -> {
                List<Integer> vec = vectorSearch(searcher, query, depth, filter).stream().map(sd -> sd.doc).toList();
                List<Integer> kw = keywordSearch(searcher, r.text().orElseThrow(), depth, filter).stream()
                        .map(sd -> sd.doc).toList();
                LinkedHashMap<Integer, Double> fused = Fusion.rrf(List.of(vec, kw),
                        new double[] {r.vectorWeight(), r.keywordWeight()}, r.rrfK());
                List<ScoreDoc> fusedDocs = new ArrayList<>();
                fused.forEach((doc, s) -> fusedDocs.add(new ScoreDoc(doc, s.floatValue())));
                ranked = fusedDocs;
                scores.putAll(fused);
            }
            default -> throw new IllegalStateException(r.mode().toString());
        }
        if (r.mmr()) {
            List<float[]> vectors = new ArrayList<>(ranked.size());
            for (ScoreDoc sd : ranked) {
                vectors.add(storedVector(searcher, sd.doc));
            }
            List<ScoreDoc> diversified = new ArrayList<>();
            for (int i : Fusion.mmr(query, vectors, r.topK(), r.mmrLambda())) {
                diversified.add(ranked.get(i));
            }
            ranked = diversified;
        }
        List<ScoreDoc> top = ranked.subList(0, Math.min(r.topK(), ranked.size()));
        return toHits(searcher, top, scores::get);
    }

    private float[] queryVector(SearchRequest r) {
        float[] v = r.rawVector();
        if (v != null) {
            return checkVector("<query>", v);
        }
        if (embedder == null) {
            throw new RagConfigException(location + " has no embedder: give the query as a vector, or use mode KEYWORD");
        }
        return embedder.embedQuery(r.text().orElseThrow());
    }

    private List<ScoreDoc> vectorSearch(IndexSearcher searcher, float[] query, int ef, Query filter) throws IOException {
        Query q;
        if (vectorFormat != VectorFormat.FLOAT && rescoreOversample > 1) {
            Query knn = new KnnFloatVectorQuery(F_VECTOR, query, ef * rescoreOversample, filter);
            q = RescoreTopNQuery.createFullPrecisionRescorerQuery(knn, query, F_VECTOR, ef);
        } else {
            q = new KnnFloatVectorQuery(F_VECTOR, query, ef, filter);
        }
        return List.of(searcher.search(q, ef).scoreDocs);
    }

    private List<ScoreDoc> keywordSearch(IndexSearcher searcher, String text, int depth, Query filter) throws IOException {
        Query q = bagOfWords(text);
        if (q == null) {
            return List.of();
        }
        if (filter != null) {
            q = new BooleanQuery.Builder().add(q, Occur.MUST).add(filter, Occur.FILTER).build();
        }
        return List.of(searcher.search(q, depth).scoreDocs);
    }

    /** Analysed query terms as SHOULD clauses, a term repeated n times boosted by n (as Anserini does). */
    private Query bagOfWords(String text) throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (TokenStream ts = analyzer.tokenStream(F_TEXT, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                if (counts.size() < MAX_QUERY_TERMS || counts.containsKey(term.toString())) {
                    counts.merge(term.toString(), 1, Integer::sum);
                }
            }
            ts.end();
        }
        if (counts.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        counts.forEach((t, n) -> {
            Query tq = new TermQuery(new Term(F_TEXT, t));
            b.add(n == 1 ? tq : new BoostQuery(tq, n), Occur.SHOULD);
        });
        return b.build();
    }

    private float[] storedVector(IndexSearcher searcher, int doc) throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        FloatVectorValues values = leaf.reader().getFloatVectorValues(F_VECTOR);
        KnnVectorValues.DocIndexIterator it = values.iterator();
        int local = doc - leaf.docBase;
        if (it.advance(local) != local) {
            throw new IndexException("chunk doc " + doc + " has no vector in " + location);
        }
        return values.vectorValue(it.index()).clone();
    }

    private List<SearchHit> toHits(IndexSearcher searcher, List<ScoreDoc> docs,
                                   java.util.function.IntFunction<Double> score) throws IOException {
        List<SearchHit> hits = new ArrayList<>(docs.size());
        var stored = searcher.storedFields();
        for (ScoreDoc sd : docs) {
            org.apache.lucene.document.Document d = stored.document(sd.doc);
            Map<String, String> meta = new TreeMap<>();
            for (IndexableField f : d.getFields()) {
                if (f.name().startsWith(META_PREFIX)) {
                    meta.put(f.name().substring(META_PREFIX.length()), f.stringValue());
                }
            }
            String heading = d.get(F_HEADING);
            if (heading != null && !heading.isEmpty()) {
                meta.put(SearchHit.HEADING_PATH, heading);
            }
            meta.put(SearchHit.ORDINAL, d.get(F_ORDINAL));
            hits.add(new SearchHit(d.get(F_ID), score.apply(sd.doc), d.get(F_TEXT), meta, d.get(F_DOC),
                    new CharSpan(d.getField(F_START).numericValue().intValue(),
                            d.getField(F_END).numericValue().intValue())));
        }
        return hits;
    }

    Query toQuery(Filter f) {
        return switch (f) {
            case Filter.Eq eq -> new TermQuery(new Term(keywordField(eq.key()), eq.value()));
            case Filter.AnyOf any -> new TermInSetQuery(keywordField(any.key()),
                    any.values().stream().map(BytesRef::new).toList());
            case Filter.Range range -> DoublePoint.newRangeQuery(NUMERIC_PREFIX + range.key(), range.min(), range.max());
            case Filter.And and -> {
                BooleanQuery.Builder b = new BooleanQuery.Builder();
                and.filters().forEach(x -> b.add(toQuery(x), Occur.FILTER));
                yield b.build();
            }
            case Filter.Or or -> {
                BooleanQuery.Builder b = new BooleanQuery.Builder().setMinimumNumberShouldMatch(1);
                or.filters().forEach(x -> b.add(new ConstantScoreQuery(toQuery(x)), Occur.SHOULD));
                yield b.build();
            }
            case Filter.Not not -> new BooleanQuery.Builder().add(new MatchAllDocsQuery(), Occur.FILTER)
                    .add(toQuery(not.filter()), Occur.MUST_NOT).build();
        };
    }

    private static String keywordField(String key) {
        return key.equals(Filter.DOCUMENT_ID) ? F_DOC : META_PREFIX + key;
    }

    // ---------------------------------------------------------------- misc

    @Override
    public long size() {
        ensureOpen();
        try {
            IndexSearcher s = searchers.acquire();
            try {
                return s.getIndexReader().numDocs();
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new IndexException("reading " + location + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Set<String> metadataValues(String key) {
        ensureOpen();
        String field = keywordField(key);
        Set<String> out = new LinkedHashSet<>();
        try {
            IndexSearcher s = searchers.acquire();
            try {
                Terms terms = MultiTerms.getTerms(s.getIndexReader(), field);
                if (terms == null) {
                    return out;
                }
                TermsEnum te = terms.iterator();
                for (BytesRef t = te.next(); t != null; t = te.next()) {
                    String value = t.utf8ToString();
                    // terms of deleted chunks linger until merged away: keep only values with a live chunk
                    if (s.count(new TermQuery(new Term(field, value))) > 0) {
                        out.add(value);
                    }
                }
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new IndexException("reading " + location + " failed: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Optional<Embedder> embedder() {
        return Optional.ofNullable(embedder);
    }

    private IndexWriter requireWriter() {
        ensureOpen();
        if (writer == null) {
            throw new IndexException(location + " cannot be written");
        }
        return writer;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IndexException(location + " is closed");
        }
    }

    @Override
    public void close() {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (searchers != null) {
                    searchers.close();
                }
                if (writer != null) {
                    writer.rollback();
                }
                if (ownsDirectory) {
                    directory.close();
                }
            } catch (IOException e) {
                throw new IndexException("closing " + location + " failed: " + e.getMessage(), e);
            } finally {
                if (mergeExecutor != null) {
                    mergeExecutor.shutdownNow();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "VectorIndex[" + location + ", dim=" + dimension + ", format=" + vectorFormat + "]";
    }
}
