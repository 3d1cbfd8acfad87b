package io.llmops4j.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ranked-retrieval metrics for one query, given the ranked ids a retriever returned (best first, distinct) and
 * the relevance judgments. Definitions follow trec_eval: precision@k divides by k even when fewer than k ids
 * were returned; nDCG@k uses linear gains ({@code sum rel_i / log2(i + 1)}, rank i from 1) normalised by the
 * ideal ordering of the judged gains. {@link #mean} averages a metric over queries (MRR = mean reciprocal rank).
 */
public final class Retrieval {
    private Retrieval() {
    }

    /** One query's ranked result and its relevant ids with graded gains (binary relevance: gain 1). */
    public record Query(List<String> ranked, Map<String, Integer> gains) {
        /** Binary relevance. */
        public static Query binary(List<String> ranked, Set<String> relevant) {
            Map<String, Integer> g = new java.util.HashMap<>();
            if (relevant != null) {
                relevant.forEach(id -> g.put(id, 1));
            }
            return new Query(ranked, g);
        }
    }

    /** Mean of each metric over queries. */
    public record Summary(int queries, int k, double precision, double recall, double hitRate, double mrr, double ndcg) {
    }

    /** Fraction of the relevant ids found in the top k. */
    public static double recallAtK(List<String> ranked, Set<String> relevant, int k) {
        check(ranked, relevant, k);
        return (double) hits(ranked, relevant, k) / relevant.size();
    }

    /** Relevant ids in the top k, divided by k. */
    public static double precisionAtK(List<String> ranked, Set<String> relevant, int k) {
        check(ranked, relevant, k);
        return (double) hits(ranked, relevant, k) / k;
    }

    /** 1 if any relevant id is in the top k, else 0. */
    public static double hitRateAtK(List<String> ranked, Set<String> relevant, int k) {
        check(ranked, relevant, k);
        return hits(ranked, relevant, k) > 0 ? 1.0 : 0.0;
    }

    /** 1 / rank of the first relevant id (0 if none is returned). */
    public static double reciprocalRank(List<String> ranked, Set<String> relevant) {
        check(ranked, relevant, 1);
        for (int i = 0; i < ranked.size(); i++) {
            if (relevant.contains(ranked.get(i))) {
                return 1.0 / (i + 1);
            }
        }
        return 0.0;
    }

    /** nDCG@k with linear gains; ids absent from {@code gains} have gain 0. */
    public static double ndcgAtK(List<String> ranked, Map<String, Integer> gains, int k) {
        if (gains == null) {
            throw new InvalidMetricInputException("nDCG: gains must not be null");
        }
        Set<String> positive = new HashSet<>();
        gains.forEach((id, g) -> {
            if (g == null || g < 0) {
                throw new InvalidMetricInputException("nDCG: gain of '" + id + "' must be >= 0, found " + g);
            }
            if (g > 0) {
                positive.add(id);
            }
        });
        check(ranked, positive, k);
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            dcg += gains.getOrDefault(ranked.get(i), 0) / log2(i + 2);
        }
        List<Integer> ideal = new ArrayList<>(gains.values());
        ideal.sort(java.util.Comparator.reverseOrder());
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.size()); i++) {
            idcg += ideal.get(i) / log2(i + 2);
        }
        return dcg / idcg;
    }

    /** Averages every metric at cut-off k over the queries. */
    public static Summary mean(List<Query> queries, int k) {
        if (queries == null || queries.isEmpty()) {
            throw new InvalidMetricInputException("retrieval: at least one query is required");
        }
        double p = 0;
        double r = 0;
        double h = 0;
        double rr = 0;
        double nd = 0;
        for (int q = 0; q < queries.size(); q++) {
            Query query = queries.get(q);
            if (query == null || query.gains() == null) {
                throw new InvalidMetricInputException("retrieval: query " + q + " is null or has no judgments");
            }
            Set<String> relevant = new HashSet<>();
            query.gains().forEach((id, g) -> {
                if (g != null && g > 0) {
                    relevant.add(id);
                }
            });
            try {
                p += precisionAtK(query.ranked(), relevant, k);
                r += recallAtK(query.ranked(), relevant, k);
                h += hitRateAtK(query.ranked(), relevant, k);
                rr += reciprocalRank(query.ranked(), relevant);
                nd += ndcgAtK(query.ranked(), query.gains(), k);
            } catch (InvalidMetricInputException e) {
                throw new InvalidMetricInputException("retrieval: query " + q + ": " + e.getMessage());
            }
        }
        int n = queries.size();
        return new Summary(n, k, p / n, r / n, h / n, rr / n, nd / n);
    }

    private static double log2(int x) {
        return Math.log(x) / Math.log(2);
    }

    private static int hits(List<String> ranked, Set<String> relevant, int k) {
        int hits = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (relevant.contains(ranked.get(i))) {
                hits++;
            }
        }
        return hits;
    }

    private static void check(List<String> ranked, Set<String> relevant, int k) {
        if (ranked == null || relevant == null) {
            throw new InvalidMetricInputException("retrieval: ranked ids and relevant ids must not be null");
        }
        if (k < 1) {
            throw new InvalidMetricInputException("retrieval: k must be >= 1, found " + k);
        }
        if (relevant.isEmpty()) {
            throw new InvalidMetricInputException("retrieval: the query has no relevant id, so recall and nDCG are undefined");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ranked.size(); i++) {
            if (ranked.get(i) == null || !seen.add(ranked.get(i))) {
                throw new InvalidMetricInputException("retrieval: ranked id at position " + (i + 1) + " is "
                        + (ranked.get(i) == null ? "null" : "a duplicate of '" + ranked.get(i) + "'"));
            }
        }
    }
}
