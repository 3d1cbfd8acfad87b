package io.llmops4j.rag;

import java.util.Optional;

/**
 * What to search for. Built with {@link #builder()}; immutable. With neither text nor vector the request lists the
 * chunks that match the filter (in index order, score 1).
 */
public final class SearchRequest {

    /** Which retrieval runs. */
    public enum Mode {
        /** Approximate nearest neighbours of the query vector in the HNSW graph. */
        VECTOR,
        /** BM25 over the analysed chunk text. */
        KEYWORD,
        /** Both, fused by weighted reciprocal rank fusion. */
        HYBRID
    }

    /** Default reciprocal-rank-fusion constant (Cormack, Clarke and Buettcher, SIGIR 2009). */
    public static final int DEFAULT_RRF_K = 60;
    /** Default efSearch / candidate count when none is set: {@code max(topK, 100)}. */
    public static final int DEFAULT_CANDIDATES = 100;

    private final String text;
    private final float[] vector;
    private final Mode mode;
    private final int topK;
    private final int efSearch;
    private final Filter filter;
    private final int rrfK;
    private final double vectorWeight;
    private final double keywordWeight;
    private final double mmrLambda;

    private SearchRequest(Builder b) {
        this.text = b.text;
        this.vector = b.vector == null ? null : b.vector.clone();
        this.mode = b.mode;
        this.topK = b.topK;
        this.efSearch = b.efSearch == 0 ? Math.max(b.topK, DEFAULT_CANDIDATES) : b.efSearch;
        this.filter = b.filter;
        this.rrfK = b.rrfK;
        this.vectorWeight = b.vectorWeight;
        this.keywordWeight = b.keywordWeight;
        this.mmrLambda = b.mmrLambda;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A VECTOR/KEYWORD/HYBRID request for {@code text} returning {@code topK} hits. */
    public static SearchRequest of(String text, Mode mode, int topK) {
        return builder().text(text).mode(mode).topK(topK).build();
    }

    public Optional<String> text() {
        return Optional.ofNullable(text);
    }

    public Optional<float[]> vector() {
        return Optional.ofNullable(vector).map(float[]::clone);
    }

    public Mode mode() {
        return mode;
    }

    public int topK() {
        return topK;
    }

    /** Size of the HNSW candidate queue, and the depth of each ranked list fused in HYBRID mode. */
    public int efSearch() {
        return efSearch;
    }

    public Optional<Filter> filter() {
        return Optional.ofNullable(filter);
    }

    public int rrfK() {
        return rrfK;
    }

    public double vectorWeight() {
        return vectorWeight;
    }

    public double keywordWeight() {
        return keywordWeight;
    }

    /** Whether maximal-marginal-relevance diversification is on. */
    public boolean mmr() {
        return !Double.isNaN(mmrLambda);
    }

    /** The MMR trade-off: 1 = pure relevance, 0 = pure diversity; NaN when MMR is off. */
    public double mmrLambda() {
        return mmrLambda;
    }

    boolean hasQuery() {
        return text != null || vector != null;
    }

    float[] rawVector() {
        return vector;
    }

    /** Builder; every setter validates at {@link #build()}. */
    public static final class Builder {
        private String text;
        private float[] vector;
        private Mode mode = Mode.VECTOR;
        private int topK = 10;
        private int efSearch;
        private Filter filter;
        private int rrfK = DEFAULT_RRF_K;
        private double vectorWeight = 1.0;
        private double keywordWeight = 1.0;
        private double mmrLambda = Double.NaN;

        private Builder() {
        }

        /** Query text: analysed for KEYWORD, embedded with the index's embedder for VECTOR unless a vector is set. */
        public Builder text(String text) {
            this.text = text;
            return this;
        }

        /** Query vector (unit length, index dimension). */
        public Builder vector(float[] vector) {
            this.vector = vector == null ? null : vector.clone();
            return this;
        }

        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        /** Number of hits to return, 1..10000 (default 10). */
        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        /** HNSW candidate queue size / candidates per ranked list, topK..10000 (default max(topK, 100)). */
        public Builder efSearch(int efSearch) {
            this.efSearch = efSearch;
            return this;
        }

        public Builder filter(Filter filter) {
            this.filter = filter;
            return this;
        }

        /** Rank constant k of reciprocal rank fusion, 1..10000 (default 60). */
        public Builder rrfK(int rrfK) {
            this.rrfK = rrfK;
            return this;
        }

        /** Weights of the vector and keyword lists in HYBRID fusion, each in [0, 100] and not both 0. */
        public Builder weights(double vectorWeight, double keywordWeight) {
            this.vectorWeight = vectorWeight;
            this.keywordWeight = keywordWeight;
            return this;
        }

        /** Turns on MMR diversification with trade-off {@code lambda} in [0, 1]. */
        public Builder mmr(double lambda) {
            this.mmrLambda = lambda;
            return this;
        }

        public SearchRequest build() {
            RagConfigException.requireNonNull("mode", mode);
            RagConfigException.requireRange("topK", topK, 1, 10_000);
            if (efSearch != 0) {
                RagConfigException.requireRange("efSearch", efSearch, topK, 10_000);
            }
            RagConfigException.requireRange("rrfK", rrfK, 1, 10_000);
            RagConfigException.requireRange("vectorWeight", vectorWeight, 0, 100);
            RagConfigException.requireRange("keywordWeight", keywordWeight, 0, 100);
            if (vectorWeight == 0 && keywordWeight == 0) {
                throw new RagConfigException("vectorWeight and keywordWeight must not both be 0");
            }
            if (!Double.isNaN(mmrLambda)) {
                RagConfigException.requireRange("mmr lambda", mmrLambda, 0, 1);
            }
            if (mode == Mode.KEYWORD && text == null && vector != null) {
                throw new RagConfigException("mode KEYWORD needs text, but only a vector was given");
            }
            if (mode == Mode.HYBRID && vector != null && text == null) {
                throw new RagConfigException("mode HYBRID needs text (the vector alone cannot drive BM25)");
            }
            return new SearchRequest(this);
        }
    }
}
