package io.llmops4j.eval;

import io.llmops4j.core.embed.OnnxEmbedder;
import io.llmops4j.core.embed.TokenEmbeddings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * BERTScore (Zhang et al., ICLR 2020) computed as the {@code bert_score} package computes it: greedy cosine matching
 * of contextual token embeddings.
 *
 * <pre>{@code
 * try (BertScore bs = BertScore.builder().idfCorpus(references).build()) {
 *     BertScoreResult s = bs.score("A cat sat on the mat.", "The cat was sitting on the mat.");
 * }
 * }</pre>
 *
 * <p>Both texts are embedded token by token, special tokens included, and every token vector is L2-normalised.
 * Precision is the weighted mean, over the candidate's tokens, of each token's largest cosine with any reference
 * token; recall is the same with the roles swapped; F1 is their harmonic mean. Special tokens ({@code [CLS]},
 * {@code [SEP]}, {@code <s>}, {@code </s>}) have weight 0: they are not scored themselves, but, as in
 * {@code bert_score}, they stay in the similarity matrix and can be another token's best match. Weights are 1, or
 * with {@link Builder#idfCorpus(List) idf} {@code log((M + 1) / (df(w) + 1))} for a corpus of {@code M} documents
 * of which {@code df(w)} contain token {@code w} ({@code log(M + 1)} for tokens not in the corpus). A text whose
 * weights sum to 0, such as the empty text, scores P = R = F1 = 0 ({@code bert_score} does the same for empty
 * texts). With several references each of P, R and F1 is the maximum over the references taken separately, as
 * {@code bert_score} does (so F1 is the best F1, and need not be the harmonic mean of the P and R returned).
 * {@link Builder#baseline(double, double, double) Baseline rescaling} maps each value {@code x} to
 * {@code (x - b) / (1 - b)}.
 *
 * <p><b>The numbers differ from published BERTScore</b> unless the same model and layer are used: by default the
 * embeddings are the last hidden layer of all-MiniLM-L6-v2 (truncated at 256 word pieces), while
 * {@code bert_score} defaults to layer 17 of roberta-large for English. Baselines must come from the same
 * model, layer and idf setting as the scores they rescale.
 *
 * <p>Thread-safe if its token embedder is (the default one is). When built without
 * {@link Builder#tokenEmbedder(Function)} it owns the default embedder: close it.
 */
public final class BertScore implements AutoCloseable {
    private static final Set<String> SPECIAL_TOKENS = Set.of("[CLS]", "[SEP]", "<s>", "</s>");

    private final Function<String, TokenEmbeddings> embedder;
    private final OnnxEmbedder owned;
    private final Map<String, Double> idf;
    private final double unseenIdf;
    private final double[] baseline;

    private BertScore(Function<String, TokenEmbeddings> embedder, OnnxEmbedder owned, Map<String, Double> idf,
                      double unseenIdf, double[] baseline) {
        this.embedder = embedder;
        this.owned = owned;
        this.idf = idf;
        this.unseenIdf = unseenIdf;
        this.baseline = baseline;
    }

    /** Plain BERTScore (no idf, no rescaling) with the default all-MiniLM-L6-v2 embedder, which it owns. */
    public static BertScore defaultModel() {
        return builder().build();
    }

    /** A builder: default embedder, no idf, no baseline rescaling. */
    public static Builder builder() {
        return new Builder();
    }

    /** Scores a candidate against one reference. */
    public BertScoreResult score(String candidate, String reference) {
        return scoreMulti(candidate, List.of(nonNull(reference, "reference")));
    }

    /** Scores a candidate against several references: each of P, R and F1 is its maximum over them. */
    public BertScoreResult scoreMulti(String candidate, List<String> references) {
        return scoreAll(List.of(nonNull(candidate, "candidate")), List.of(nonNull(references, "references"))).get(0);
    }

    /**
     * Scores many candidates; {@code references.get(i)} holds the references of {@code candidates.get(i)}
     * ({@code bert_score}'s layout). Every distinct text is embedded once.
     *
     * @throws InvalidMetricInputException for null texts or lists, lists of different lengths, or a candidate
     *     without references
     */
    public List<BertScoreResult> scoreAll(List<String> candidates, List<List<String>> references) {
        nonNull(candidates, "candidates");
        nonNull(references, "references");
        if (candidates.size() != references.size()) {
            throw new InvalidMetricInputException("BERTScore: " + candidates.size() + " candidates but "
                    + references.size() + " reference lists");
        }
        for (int i = 0; i < candidates.size(); i++) {
            nonNull(candidates.get(i), "candidates[" + i + "]");
            List<String> refs = nonNull(references.get(i), "references[" + i + "]");
            if (refs.isEmpty()) {
                throw new InvalidMetricInputException("BERTScore: candidate " + i + " has no reference");
            }
            for (int k = 0; k < refs.size(); k++) {
                nonNull(refs.get(k), "references[" + i + "][" + k + "]");
            }
        }
        Map<String, Encoded> cache = new HashMap<>();
        List<BertScoreResult> out = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            Encoded c = cache.computeIfAbsent(candidates.get(i), this::encode);
            double p = Double.NEGATIVE_INFINITY;
            double r = Double.NEGATIVE_INFINITY;
            double f = Double.NEGATIVE_INFINITY;
            for (String ref : references.get(i)) {
                double[] prf = match(c, cache.computeIfAbsent(ref, this::encode));
                p = Math.max(p, prf[0]);
                r = Math.max(r, prf[1]);
                f = Math.max(f, prf[2]);
            }
            out.add(baseline == null ? new BertScoreResult(p, r, f)
                    : new BertScoreResult(rescale(p, baseline[0]), rescale(r, baseline[1]), rescale(f, baseline[2])));
        }
        return List.copyOf(out);
    }

    /** Closes the default embedder if this scorer created it; a supplied embedder is left open. */
    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        }
    }

    /** Unit token vectors and their weights. */
    private record Encoded(double[][] unit, double[] weights, double weightSum) {
    }

    private Encoded encode(String text) {
        TokenEmbeddings te = embed(embedder, text);
        double[][] unit = new double[te.size()][];
        double[] weights = new double[te.size()];
        double sum = 0;
        for (int t = 0; t < te.size(); t++) {
            unit[t] = unit(te.vectors()[t]);
            String token = te.tokens().get(t);
            weights[t] = SPECIAL_TOKENS.contains(token) ? 0.0 : idf == null ? 1.0 : idf.getOrDefault(token, unseenIdf);
            sum += weights[t];
        }
        return new Encoded(unit, weights, sum);
    }

    private static TokenEmbeddings embed(Function<String, TokenEmbeddings> embedder, String text) {
        TokenEmbeddings te = embedder.apply(text);
        if (te == null) {
            throw new EvalException("BERTScore: the token embedder returned null for \"" + text + "\"");
        }
        return te;
    }

    private static double[] unit(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        norm = Math.sqrt(norm);
        double[] u = new double[v.length];
        for (int d = 0; d < v.length; d++) {
            u[d] = norm > 0 ? v[d] / norm : 0.0;
        }
        return u;
    }

    /** Precision, recall and F1 of one candidate against one reference. */
    private static double[] match(Encoded c, Encoded r) {
        if (c.weightSum == 0 || r.weightSum == 0) {
            return new double[3];
        }
        int n = c.unit.length;
        int m = r.unit.length;
        double[] bestOfCandidate = new double[n];
        double[] bestOfReference = new double[m];
        Arrays.fill(bestOfCandidate, Double.NEGATIVE_INFINITY);
        Arrays.fill(bestOfReference, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double cos = dot(c.unit[i], r.unit[j]);
                bestOfCandidate[i] = Math.max(bestOfCandidate[i], cos);
                bestOfReference[j] = Math.max(bestOfReference[j], cos);
            }
        }
        double p = weightedMean(bestOfCandidate, c);
        double rec = weightedMean(bestOfReference, r);
        double f = p + rec == 0 ? 0.0 : 2 * p * rec / (p + rec);
        return new double[] {p, rec, f};
    }

    private static double weightedMean(double[] values, Encoded e) {
        double s = 0;
        for (int i = 0; i < values.length; i++) {
            s += e.weights[i] * values[i];
        }
        return s / e.weightSum;
    }

    private static double dot(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new EvalException("BERTScore: token vectors of different dimensions, " + a.length + " and " + b.length);
        }
        double s = 0;
        for (int d = 0; d < a.length; d++) {
            s += a[d] * b[d];
        }
        return s;
    }

    private static double rescale(double x, double b) {
        return (x - b) / (1 - b);
    }

    private static <T> T nonNull(T value, String what) {
        return MetricInputs.nonNull(value, "BERTScore", what);
    }

    /** Builder of {@link BertScore}; {@link #build()} validates and computes the idf weights. */
    public static final class Builder {
        private Function<String, TokenEmbeddings> tokenEmbedder;
        private List<String> idfCorpus;
        private double[] baseline;

        private Builder() {
        }

        /**
         * Where token embeddings come from, e.g. {@code onnxEmbedder::tokenEmbeddings}; the caller keeps
         * ownership. Default: a new all-MiniLM-L6-v2 {@link OnnxEmbedder}, closed with the scorer.
         */
        public Builder tokenEmbedder(Function<String, TokenEmbeddings> tokenEmbedder) {
            this.tokenEmbedder = Objects.requireNonNull(tokenEmbedder, "tokenEmbedder");
            return this;
        }

        /**
         * Turns on idf weighting with document frequencies counted over these texts (usually the references), as
         * {@code bert_score}'s {@code idf=True}. Each text is tokenized by running the embedder on it once, in
         * {@link #build()}.
         */
        public Builder idfCorpus(List<String> corpus) {
            if (corpus == null) {
                throw new InvalidMetricInputException("BertScore.idfCorpus must not be null");
            }
            this.idfCorpus = new ArrayList<>(corpus);
            return this;
        }

        /**
         * Rescales P, R and F1 with these baselines, {@code (x - b) / (1 - b)}; each must be finite and below 1.
         */
        public Builder baseline(double precision, double recall, double f1) {
            this.baseline = new double[] {precision, recall, f1};
            return this;
        }

        /**
         * Validates, loads the default embedder if none was given, and computes the idf weights.
         *
         * @throws InvalidMetricInputException if the idf corpus is empty or holds null, or a baseline is not
         *     finite or not below 1
         */
        public BertScore build() {
            if (idfCorpus != null) {
                if (idfCorpus.isEmpty()) {
                    throw new InvalidMetricInputException("BertScore.idfCorpus must hold at least one text, found none");
                }
                for (int i = 0; i < idfCorpus.size(); i++) {
                    if (idfCorpus.get(i) == null) {
                        throw new InvalidMetricInputException("BertScore.idfCorpus[" + i + "] is null");
                    }
                }
            }
            if (baseline != null) {
                String[] names = {"precision", "recall", "f1"};
                for (int k = 0; k < 3; k++) {
                    if (!Double.isFinite(baseline[k]) || baseline[k] >= 1) {
                        throw new InvalidMetricInputException("BertScore.baseline " + names[k]
                                + " must be finite and < 1, found " + baseline[k]);
                    }
                }
            }
            OnnxEmbedder owned = tokenEmbedder == null ? OnnxEmbedder.defaultModel() : null;
            Function<String, TokenEmbeddings> embedder = owned == null ? tokenEmbedder : owned::tokenEmbeddings;
            try {
                Map<String, Double> idf = null;
                double unseen = 0;
                if (idfCorpus != null) {
                    Map<String, Integer> df = new HashMap<>();
                    for (String doc : idfCorpus) {
                        for (String token : new HashSet<>(embed(embedder, doc).tokens())) {
                            df.merge(token, 1, Integer::sum);
                        }
                    }
                    int docs = idfCorpus.size();
                    idf = new HashMap<>();
                    for (Map.Entry<String, Integer> e : df.entrySet()) {
                        idf.put(e.getKey(), Math.log((docs + 1.0) / (e.getValue() + 1.0)));
                    }
                    unseen = Math.log(docs + 1.0);
                }
                return new BertScore(embedder, owned, idf, unseen, baseline == null ? null : baseline.clone());
            } catch (RuntimeException e) {
                if (owned != null) {
                    owned.close();
                }
                throw e;
            }
        }
    }
}
