package io.llmops4j.eval.text;

import java.util.Arrays;
import java.util.Map;

/**
 * The Porter stemmer exactly as NLTK 3.8's {@code PorterStemmer()} in its default {@code NLTK_EXTENSIONS} mode,
 * which rouge-score and NLTK's METEOR use. It differs from Porter's original algorithm (and from Lucene's
 * {@code PorterStemmer}) in several places: an irregular-forms table ({@code dying -> die}, {@code skies -> sky}),
 * words of at most two characters are returned unchanged, {@code -ies}/{@code -ied} on four-letter words keep
 * {@code ie}, {@code y -> i} only after a consonant that is not the first letter, {@code bli -> ble},
 * {@code alli} handled first, {@code fulli -> ful}, {@code logi -> log}, and a two-letter vowel-consonant stem
 * counts as "ends cvc". Like NLTK it works on Unicode code points and lowercases first.
 *
 * <p>Stateless and thread-safe; use {@link #INSTANCE}.
 */
public final class PorterStemmer {
    /** The shared instance. */
    public static final PorterStemmer INSTANCE = new PorterStemmer();

    private static final Map<String, String> IRREGULAR = Map.ofEntries(
            Map.entry("sky", "sky"), Map.entry("skies", "sky"), Map.entry("dying", "die"),
            Map.entry("lying", "lie"), Map.entry("tying", "tie"), Map.entry("news", "news"),
            Map.entry("innings", "inning"), Map.entry("inning", "inning"), Map.entry("outings", "outing"),
            Map.entry("outing", "outing"), Map.entry("cannings", "canning"), Map.entry("canning", "canning"),
            Map.entry("howe", "howe"), Map.entry("proceed", "proceed"), Map.entry("exceed", "exceed"),
            Map.entry("succeed", "succeed"));

    /** A condition on the stem left after removing a suffix. */
    @FunctionalInterface
    private interface Condition {
        boolean test(int[] stem);
    }

    /** Suffix rule; suffix {@code null} stands for NLTK's "*d" (ends with a double consonant). */
    private record Rule(String suffix, String replacement, Condition condition) {
    }

    private PorterStemmer() {
    }

    /**
     * Stems one word. As in NLTK, the irregular-forms table is consulted with the word as given (before
     * lowercasing) and the length-2 shortcut uses the original length.
     */
    public String stem(String word) {
        String lower = PythonText.lower(word);
        // NLTK tests the word as given against its (lowercase) table, so "Dying" is not an irregular form.
        String irregular = IRREGULAR.get(word);
        if (irregular != null) {
            return irregular;
        }
        if (PythonText.len(word) <= 2) {
            return lower;
        }
        int[] w = lower.codePoints().toArray();
        w = step1a(w);
        w = step1b(w);
        w = step1c(w);
        w = step2(w);
        w = step3(w);
        w = step4(w);
        w = step5a(w);
        w = step5b(w);
        return new String(w, 0, w.length);
    }

    // ---- primitives over code points ----

    private static boolean isVowelLetter(int c) {
        return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
    }

    private static boolean isConsonant(int[] w, int i) {
        int c = w[i];
        if (isVowelLetter(c)) {
            return false;
        }
        // y is a consonant at the start of a word or after a vowel
        return c != 'y' || i == 0 || !isConsonant(w, i - 1);
    }

    private static int measure(int[] w) {
        int m = 0;
        boolean prevVowel = false;
        for (int i = 0; i < w.length; i++) {
            boolean consonant = isConsonant(w, i);
            if (consonant && prevVowel) {
                m++;
            }
            prevVowel = !consonant;
        }
        return m;
    }

    private static boolean positiveMeasure(int[] w) {
        return measure(w) > 0;
    }

    private static boolean containsVowel(int[] w) {
        for (int i = 0; i < w.length; i++) {
            if (!isConsonant(w, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean endsDoubleConsonant(int[] w) {
        int n = w.length;
        return n >= 2 && w[n - 1] == w[n - 2] && isConsonant(w, n - 1);
    }

    private static boolean endsCvc(int[] w) {
        int n = w.length;
        if (n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1)
                && w[n - 1] != 'w' && w[n - 1] != 'x' && w[n - 1] != 'y') {
            return true;
        }
        return n == 2 && !isConsonant(w, 0) && isConsonant(w, 1);
    }

    private static boolean endsWith(int[] w, String suffix) {
        int k = suffix.length();
        if (k > w.length) {
            return false;
        }
        for (int i = 0; i < k; i++) {
            if (w[w.length - k + i] != suffix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int[] cut(int[] w, int k) {
        return Arrays.copyOf(w, w.length - k);
    }

    private static int[] append(int[] stem, String replacement) {
        int[] out = Arrays.copyOf(stem, stem.length + replacement.length());
        for (int i = 0; i < replacement.length(); i++) {
            out[stem.length + i] = replacement.charAt(i);
        }
        return out;
    }

    private static int[] replaceSuffix(int[] w, String suffix, String replacement) {
        return append(cut(w, suffix.length()), replacement);
    }

    /** The first rule whose suffix matches decides: apply it if its condition holds, else keep the word. */
    private static int[] applyRules(int[] w, Rule... rules) {
        for (Rule rule : rules) {
            if (rule.suffix() == null) {
                if (endsDoubleConsonant(w)) {
                    int[] stem = cut(w, 2);
                    return rule.condition().test(stem) ? append(stem, rule.replacement()) : w;
                }
                continue;
            }
            if (endsWith(w, rule.suffix())) {
                int[] stem = cut(w, rule.suffix().length());
                return rule.condition() == null || rule.condition().test(stem) ? append(stem, rule.replacement()) : w;
            }
        }
        return w;
    }

    private static Rule r(String suffix, String replacement, Condition condition) {
        return new Rule(suffix, replacement, condition);
    }

    // ---- steps ----

    private static int[] step1a(int[] w) {
        if (endsWith(w, "ies") && w.length == 4) {
            return replaceSuffix(w, "ies", "ie");
        }
        return applyRules(w, r("sses", "ss", null), r("ies", "i", null), r("ss", "ss", null), r("s", "", null));
    }

    private static int[] step1b(int[] w) {
        if (endsWith(w, "ied")) {
            return replaceSuffix(w, "ied", w.length == 4 ? "ie" : "i");
        }
        if (endsWith(w, "eed")) {
            int[] stem = cut(w, 3);
            return measure(stem) > 0 ? append(stem, "ee") : w;
        }
        int[] intermediate = null;
        for (String suffix : new String[] {"ed", "ing"}) {
            if (endsWith(w, suffix)) {
                int[] candidate = cut(w, suffix.length());
                if (containsVowel(candidate)) {
                    intermediate = candidate;
                    break;
                }
            }
        }
        if (intermediate == null) {
            return w;
        }
        int last = intermediate[intermediate.length - 1];
        String single = new String(new int[] {last}, 0, 1);
        return applyRules(intermediate,
                r("at", "ate", null),
                r("bl", "ble", null),
                r("iz", "ize", null),
                r(null, single, stem -> last != 'l' && last != 's' && last != 'z'),
                r("", "e", stem -> measure(stem) == 1 && endsCvc(stem)));
    }

    private static int[] step1c(int[] w) {
        return applyRules(w, r("y", "i", stem -> stem.length > 1 && isConsonant(stem, stem.length - 1)));
    }

    private static int[] step2(int[] w) {
        if (endsWith(w, "alli") && positiveMeasure(cut(w, 4))) {
            return step2(replaceSuffix(w, "alli", "al"));
        }
        Condition pos = PorterStemmer::positiveMeasure;
        int[] word = w;
        return applyRules(w,
                r("ational", "ate", pos), r("tional", "tion", pos), r("enci", "ence", pos),
                r("anci", "ance", pos), r("izer", "ize", pos), r("bli", "ble", pos), r("alli", "al", pos),
                r("entli", "ent", pos), r("eli", "e", pos), r("ousli", "ous", pos), r("ization", "ize", pos),
                r("ation", "ate", pos), r("ator", "ate", pos), r("alism", "al", pos), r("iveness", "ive", pos),
                r("fulness", "ful", pos), r("ousness", "ous", pos), r("aliti", "al", pos), r("iviti", "ive", pos),
                r("biliti", "ble", pos), r("fulli", "ful", pos),
                // the 'l' of 'logi' stays with the stem for the measure test
                r("logi", "log", stem -> positiveMeasure(cut(word, 3))));
    }

    private static int[] step3(int[] w) {
        Condition pos = PorterStemmer::positiveMeasure;
        return applyRules(w, r("icate", "ic", pos), r("ative", "", pos), r("alize", "al", pos),
                r("iciti", "ic", pos), r("ical", "ic", pos), r("ful", "", pos), r("ness", "", pos));
    }

    private static int[] step4(int[] w) {
        Condition gt1 = stem -> measure(stem) > 1;
        return applyRules(w, r("al", "", gt1), r("ance", "", gt1), r("ence", "", gt1), r("er", "", gt1),
                r("ic", "", gt1), r("able", "", gt1), r("ible", "", gt1), r("ant", "", gt1), r("ement", "", gt1),
                r("ment", "", gt1), r("ent", "", gt1),
                r("ion", "", stem -> measure(stem) > 1 && (stem[stem.length - 1] == 's' || stem[stem.length - 1] == 't')),
                r("ou", "", gt1), r("ism", "", gt1), r("ate", "", gt1), r("iti", "", gt1), r("ous", "", gt1),
                r("ive", "", gt1), r("ize", "", gt1));
    }

    private static int[] step5a(int[] w) {
        if (endsWith(w, "e")) {
            int[] stem = cut(w, 1);
            int m = measure(stem);
            if (m > 1 || (m == 1 && !endsCvc(stem))) {
                return stem;
            }
        }
        return w;
    }

    private static int[] step5b(int[] w) {
        return applyRules(w, r("ll", "l", stem -> measure(cut(w, 1)) > 1));
    }
}
