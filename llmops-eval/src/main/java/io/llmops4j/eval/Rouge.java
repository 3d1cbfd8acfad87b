package io.llmops4j.eval;

import io.llmops4j.eval.text.Ngrams;
import io.llmops4j.eval.text.RougeTokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * ROUGE exactly as Google's rouge-score 0.1.2 ({@code rouge_scorer.RougeScorer}), on a 0..1 scale.
 *
 * <pre>{@code
 * Rouge r = Rouge.builder().types("rouge1", "rouge2", "rougeL", "rougeLsum").useStemmer(true).build();
 * Map<String, RougeScore> s = r.score(reference, candidate);
 * }</pre>
 *
 * <p>Types: {@code rouge1}..{@code rouge9} (n-gram overlap; rouge-score accepts exactly one digit),
 * {@code rougeL} (longest common subsequence over the whole text) and {@code rougeLsum} (summary-level
 * union-LCS over newline-separated sentences, no sentence splitter). The reference (target) comes first, as in
 * rouge-score. Thread-safe.
 */
public final class Rouge {
    private static final Pattern ROUGE_N = Pattern.compile("rouge[1-9]");

    private final List<String> types;
    private final boolean useStemmer;

    private Rouge(List<String> types, boolean useStemmer) {
        this.types = types;
        this.useStemmer = useStemmer;
    }

    /** A builder; at least one type is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The requested types, in order. */
    public List<String> types() {
        return types;
    }

    /** Scores a candidate against one reference; the map has one entry per type, in the requested order. */
    public Map<String, RougeScore> score(String reference, String candidate) {
        if (reference == null || candidate == null) {
            throw new InvalidMetricInputException("ROUGE: " + (reference == null ? "reference" : "candidate") + " must not be null");
        }
        boolean onlyLsum = types.size() == 1 && types.get(0).equals("rougeLsum");
        List<String> target = onlyLsum ? null : RougeTokenizer.tokenize(reference, useStemmer);
        List<String> prediction = onlyLsum ? null : RougeTokenizer.tokenize(candidate, useStemmer);
        Map<String, RougeScore> result = new LinkedHashMap<>();
        for (String type : types) {
            RougeScore s;
            if (type.equals("rougeL")) {
                s = scoreLcs(target, prediction);
            } else if (type.equals("rougeLsum")) {
                s = summaryLevelLcs(sentences(reference), sentences(candidate));
            } else {
                int n = type.charAt(5) - '0';
                s = scoreNgrams(Ngrams.words(target, n), Ngrams.words(prediction, n));
            }
            result.put(type, s);
        }
        return Collections.unmodifiableMap(result);
    }

    /**
     * rouge-score's {@code score_multi}: scores against every reference and keeps, per type, the score with the
     * largest F-measure (the first reference wins ties).
     */
    public Map<String, RougeScore> scoreMulti(List<String> references, String candidate) {
        if (references == null || references.isEmpty()) {
            throw new InvalidMetricInputException("ROUGE scoreMulti: at least one reference is required, found "
                    + (references == null ? "null" : "none"));
        }
        List<Map<String, RougeScore>> all = new ArrayList<>();
        for (String ref : references) {
            all.add(score(ref, candidate));
        }
        Map<String, RougeScore> best = new LinkedHashMap<>();
        for (String type : types) {
            RougeScore b = null;
            for (Map<String, RougeScore> m : all) {
                RougeScore s = m.get(type);
                if (b == null || s.fmeasure() > b.fmeasure()) {
                    b = s;
                }
            }
            best.put(type, b);
        }
        return Collections.unmodifiableMap(best);
    }

    private List<List<String>> sentences(String text) {
        List<List<String>> out = new ArrayList<>();
        for (String s : text.split("\n", -1)) {
            if (!s.isEmpty()) {
                out.add(RougeTokenizer.tokenize(s, useStemmer));
            }
        }
        return out;
    }

    private static RougeScore scoreNgrams(Map<String, Integer> target, Map<String, Integer> prediction) {
        int intersection = 0;
        for (Map.Entry<String, Integer> e : target.entrySet()) {
            intersection += Math.min(e.getValue(), prediction.getOrDefault(e.getKey(), 0));
        }
        double precision = (double) intersection / Math.max(Ngrams.total(prediction), 1);
        double recall = (double) intersection / Math.max(Ngrams.total(target), 1);
        return RougeScore.of(precision, recall);
    }

    private static RougeScore scoreLcs(List<String> target, List<String> prediction) {
        if (target.isEmpty() || prediction.isEmpty()) {
            return RougeScore.ZERO;
        }
        int lcs = lcsLength(target, prediction);
        return RougeScore.of((double) lcs / prediction.size(), (double) lcs / target.size());
    }

    /** LCS length with two rows (rougeL needs no backtracking, so long documents stay O(min) in memory). */
    static int lcsLength(List<String> a, List<String> b) {
        String[] x = a.toArray(new String[0]);
        String[] y = b.toArray(new String[0]);
        int[] prev = new int[y.length + 1];
        int[] cur = new int[y.length + 1];
        for (int i = 1; i <= x.length; i++) {
            String xi = x[i - 1];
            for (int j = 1; j <= y.length; j++) {
                cur[j] = xi.equals(y[j - 1]) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[y.length];
    }

    /** Indices into {@code ref} of one LCS, chosen by rouge-score's backtracking tie-break. */
    static List<Integer> lcsIndices(List<String> ref, List<String> can) {
        int rows = ref.size();
        int cols = can.size();
        int[][] t = new int[rows + 1][cols + 1];
        for (int i = 1; i <= rows; i++) {
            for (int j = 1; j <= cols; j++) {
                t[i][j] = ref.get(i - 1).equals(can.get(j - 1)) ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
            }
        }
        List<Integer> lcs = new ArrayList<>();
        int i = rows;
        int j = cols;
        while (i > 0 && j > 0) {
            if (ref.get(i - 1).equals(can.get(j - 1))) {
                lcs.add(i - 1);
                i--;
                j--;
            } else if (t[i][j - 1] > t[i - 1][j]) {
                j--;
            } else {
                i--;
            }
        }
        Collections.reverse(lcs);
        return lcs;
    }

    private static RougeScore summaryLevelLcs(List<List<String>> refSents, List<List<String>> canSents) {
        if (refSents.isEmpty() || canSents.isEmpty()) {
            return RougeScore.ZERO;
        }
        int m = 0;
        int n = 0;
        Map<String, Integer> cntR = new HashMap<>();
        Map<String, Integer> cntC = new HashMap<>();
        for (List<String> s : refSents) {
            m += s.size();
            s.forEach(t -> cntR.merge(t, 1, Integer::sum));
        }
        for (List<String> s : canSents) {
            n += s.size();
            s.forEach(t -> cntC.merge(t, 1, Integer::sum));
        }
        if (m == 0 || n == 0) {
            return RougeScore.ZERO;
        }
        int hits = 0;
        for (List<String> r : refSents) {
            TreeSet<Integer> union = new TreeSet<>();
            for (List<String> c : canSents) {
                union.addAll(lcsIndices(r, c));
            }
            for (int idx : union) {
                String tok = r.get(idx);
                int c = cntC.getOrDefault(tok, 0);
                int rr = cntR.getOrDefault(tok, 0);
                if (c > 0 && rr > 0) {
                    hits++;
                    cntC.put(tok, c - 1);
                    cntR.put(tok, rr - 1);
                }
            }
        }
        double recall = (double) hits / m;
        double precision = (double) hits / n;
        return RougeScore.of(precision, recall);
    }

    /** Builder of {@link Rouge}. */
    public static final class Builder {
        private List<String> types = List.of();
        private boolean useStemmer;

        private Builder() {
        }

        /** The ROUGE types: {@code rouge1}..{@code rouge9}, {@code rougeL}, {@code rougeLsum}. */
        public Builder types(String... types) {
            this.types = types == null ? null : java.util.Arrays.asList(types.clone());
            return this;
        }

        /** Whether tokens longer than 3 characters are Porter-stemmed (NLTK variant). */
        public Builder useStemmer(boolean useStemmer) {
            this.useStemmer = useStemmer;
            return this;
        }

        /** Validates the types and builds. */
        public Rouge build() {
            if (types == null || types.isEmpty()) {
                throw new InvalidMetricInputException("Rouge.types must name at least one type (rouge1..rouge9, rougeL, rougeLsum)");
            }
            for (String t : types) {
                if (t == null) {
                    throw new InvalidMetricInputException("Rouge.types must not contain null");
                }
                if (!(t.equals("rougeL") || t.equals("rougeLsum") || ROUGE_N.matcher(t).matches())) {
                    throw new InvalidMetricInputException("Rouge.types: invalid type '" + t
                            + "'; expected rouge1..rouge9, rougeL or rougeLsum");
                }
            }
            return new Rouge(List.copyOf(new LinkedHashSet<>(types)), useStemmer);
        }
    }
}
