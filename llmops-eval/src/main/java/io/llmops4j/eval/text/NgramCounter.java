package io.llmops4j.eval.text;

import java.util.Map;

/**
 * A multiset of n-grams of one order, as chrF needs it: its size, and the clipped overlap
 * {@code sum_g min(this[g], other[g])} with another counter of the same kind and order.
 */
public sealed interface NgramCounter permits NgramCounter.Strings, NgramCounter.PackedChars {

    /** Number of n-grams counted (with multiplicity). */
    int total();

    /** Whether no n-gram was counted. */
    boolean isEmpty();

    /** {@code sum_g min(this[g], other[g])}; {@code other} must come from the same factory and order. */
    int overlap(NgramCounter other);

    /** Character n-grams of order n over code points; n <= 6 uses an allocation-free packed table. */
    static NgramCounter chars(int[] codePoints, int n) {
        return n <= PackedChars.MAX_ORDER ? new PackedChars(codePoints, n) : new Strings(Ngrams.chars(codePoints, n));
    }

    /** Word n-grams of order n. */
    static NgramCounter words(java.util.List<String> tokens, int n) {
        return new Strings(Ngrams.words(tokens, n));
    }

    /** n-grams keyed by strings. */
    record Strings(Map<String, Integer> counts) implements NgramCounter {
        @Override
        public int total() {
            return Ngrams.total(counts);
        }

        @Override
        public boolean isEmpty() {
            return counts.isEmpty();
        }

        @Override
        public int overlap(NgramCounter other) {
            Map<String, Integer> o = ((Strings) other).counts;
            int match = 0;
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                Integer c = o.get(e.getKey());
                if (c != null) {
                    match += Math.min(e.getValue(), c);
                }
            }
            return match;
        }
    }

    /**
     * Character n-grams of order <= 6 packed into two longs (21 bits per code point, so the packing of a fixed
     * order is injective), counted in an open-addressing table.
     */
    final class PackedChars implements NgramCounter {
        static final int MAX_ORDER = 6;
        private final long[] hi;
        private final long[] lo;
        private final int[] counts;
        private final int mask;
        private final int total;

        PackedChars(int[] cps, int n) {
            int grams = Math.max(0, cps.length - n + 1);
            int cap = Integer.highestOneBit(Math.max(4, grams * 2 - 1) << 1);
            hi = new long[cap];
            lo = new long[cap];
            counts = new int[cap];
            mask = cap - 1;
            for (int i = 0; i < grams; i++) {
                long h = 0;
                long l = 0;
                for (int k = 0; k < n; k++) {
                    if (k < 3) {
                        h = (h << 21) | cps[i + k];
                    } else {
                        l = (l << 21) | cps[i + k];
                    }
                }
                counts[slot(h, l)]++;
            }
            total = grams;
        }

        /** The slot holding (h, l), claimed if absent. */
        private int slot(long h, long l) {
            int i = index(h, l);
            while (counts[i] != 0 && (hi[i] != h || lo[i] != l)) {
                i = (i + 1) & mask;
            }
            hi[i] = h;
            lo[i] = l;
            return i;
        }

        private int get(long h, long l) {
            int i = index(h, l);
            while (counts[i] != 0) {
                if (hi[i] == h && lo[i] == l) {
                    return counts[i];
                }
                i = (i + 1) & mask;
            }
            return 0;
        }

        private int index(long h, long l) {
            long x = h * 0x9E3779B97F4A7C15L ^ l * 0xC2B2AE3D27D4EB4FL;
            return (int) (x ^ (x >>> 29)) & mask;
        }

        @Override
        public int total() {
            return total;
        }

        @Override
        public boolean isEmpty() {
            return total == 0;
        }

        @Override
        public int overlap(NgramCounter other) {
            PackedChars o = (PackedChars) other;
            int match = 0;
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] != 0) {
                    match += Math.min(counts[i], o.get(hi[i], lo[i]));
                }
            }
            return match;
        }
    }
}
