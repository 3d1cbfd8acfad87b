package io.llmops4j.eval.text;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** n-gram counting (Python's {@code Counter} of n-grams). */
public final class Ngrams {
    private Ngrams() {
    }

    /**
     * Counts the word n-grams of one order. Tokens must not contain a space (true for Python-whitespace-split
     * tokens), so joining with one space is a unique key.
     */
    public static Map<String, Integer> words(List<String> tokens, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            String key = n == 1 ? tokens.get(i) : String.join(" ", tokens.subList(i, i + n));
            counts.merge(key, 1, Integer::sum);
        }
        return counts;
    }

    /** Counts the n-grams of one order over code points. */
    public static Map<String, Integer> chars(int[] codePoints, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= codePoints.length; i++) {
            counts.merge(new String(codePoints, i, n), 1, Integer::sum);
        }
        return counts;
    }

    /** Total number of n-grams (the sum of the counts). */
    public static int total(Map<String, Integer> counts) {
        int t = 0;
        for (int c : counts.values()) {
            t += c;
        }
        return t;
    }
}
