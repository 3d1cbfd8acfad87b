package io.llmops4j.rag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Ranking arithmetic shared by index implementations: reciprocal rank fusion and MMR. */
final class Fusion {
    private Fusion() {
    }

    /**
     * Weighted reciprocal rank fusion: {@code score(d) = sum_i w_i / (k + rank_i(d))} with 1-based ranks; ties are
     * broken by first appearance (list 0 first). Returns keys best first.
     */
    static <K> LinkedHashMap<K, Double> rrf(List<List<K>> rankings, double[] weights, int k) {
        Map<K, Double> scores = new LinkedHashMap<>();
        for (int list = 0; list < rankings.size(); list++) {
            List<K> ranking = rankings.get(list);
            for (int i = 0; i < ranking.size(); i++) {
                scores.merge(ranking.get(i), weights[list] / (k + i + 1.0), Double::sum);
            }
        }
        List<Map.Entry<K, Double>> entries = new ArrayList<>(scores.entrySet());
        // List.sort is stable, so equal scores keep their first-appearance order.
        entries.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
        LinkedHashMap<K, Double> out = new LinkedHashMap<>();
        for (Map.Entry<K, Double> e : entries) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /**
     * Maximal marginal relevance (Carbonell and Goldstein 1998): repeatedly picks the candidate maximising
     * {@code lambda * sim(q, d) - (1 - lambda) * max_{s selected} sim(d, s)}, with sim the dot product. Returns
     * indexes into {@code candidates}, in selection order.
     */
    static List<Integer> mmr(float[] query, List<float[]> candidates, int topK, double lambda) {
        int n = candidates.size();
        double[] relevance = new double[n];
        double[] maxSimToSelected = new double[n];
        boolean[] taken = new boolean[n];
        for (int i = 0; i < n; i++) {
            relevance[i] = dot(query, candidates.get(i));
            maxSimToSelected[i] = Double.NEGATIVE_INFINITY;
        }
        List<Integer> selected = new ArrayList<>();
        while (selected.size() < Math.min(topK, n)) {
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (taken[i]) {
                    continue;
                }
                double redundancy = selected.isEmpty() ? 0 : maxSimToSelected[i];
                double score = lambda * relevance[i] - (1 - lambda) * redundancy;
                if (score > bestScore) {
                    bestScore = score;
                    best = i;
                }
            }
            taken[best] = true;
            selected.add(best);
            for (int i = 0; i < n; i++) {
                if (!taken[i]) {
                    maxSimToSelected[i] = Math.max(maxSimToSelected[i], dot(candidates.get(i), candidates.get(best)));
                }
            }
        }
        return selected;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
