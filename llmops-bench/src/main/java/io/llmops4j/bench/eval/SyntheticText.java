package io.llmops4j.bench.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded synthetic sentences: words drawn from a 2,000-word vocabulary with Zipf-like frequencies, punctuation
 * and numbers mixed in; a "hypothesis" is its reference with ~25% of the words replaced, dropped or swapped, so
 * n-gram overlaps look like machine-translation output.
 */
final class SyntheticText {
    private final SplittableRandom random;
    private final String[] vocabulary;
    private final double[] cumulative;

    SyntheticText(long seed) {
        random = new SplittableRandom(seed);
        vocabulary = new String[2000];
        cumulative = new double[vocabulary.length];
        double total = 0;
        for (int i = 0; i < vocabulary.length; i++) {
            vocabulary[i] = word(i);
            total += 1.0 / (i + 1);
            cumulative[i] = total;
        }
        for (int i = 0; i < cumulative.length; i++) {
            cumulative[i] /= total;
        }
    }

    private static String word(int i) {
        String letters = "etaoinshrdlucmfwypvbgkqjxz";
        StringBuilder sb = new StringBuilder();
        int x = i + 27;
        while (x > 0) {
            sb.append(letters.charAt(x % letters.length()));
            x /= letters.length();
        }
        if (i % 97 == 0) {
            sb.append("ing");
        } else if (i % 53 == 0) {
            sb.append("ed");
        }
        return sb.toString();
    }

    String draw() {
        double u = random.nextDouble();
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return vocabulary[lo];
    }

    List<String> words(int n) {
        List<String> w = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            w.add(random.nextInt(20) == 0 ? String.valueOf(random.nextInt(1000)) : draw());
        }
        return w;
    }

    String sentence(int minWords, int maxWords) {
        List<String> w = words(minWords + random.nextInt(maxWords - minWords + 1));
        String s = String.join(" ", w);
        return Character.toUpperCase(s.charAt(0)) + s.substring(1) + (random.nextInt(4) == 0 ? "?" : ".");
    }

    /** A noisy copy of a reference sentence. */
    String perturb(String reference) {
        String[] words = reference.split(" ");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            int r = random.nextInt(100);
            if (r < 10) {
                out.add(draw());
            } else if (r < 15) {
                continue;
            } else if (r < 25 && i + 1 < words.length) {
                out.add(words[i + 1]);
                out.add(words[i]);
                i++;
            } else {
                out.add(words[i]);
            }
        }
        return out.isEmpty() ? draw() : String.join(" ", out);
    }

    /** A document of {@code sentences} lines. */
    String document(int sentences, int minWords, int maxWords) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sentences; i++) {
            if (i > 0) {
                sb.append('\n');
            }
            sb.append(sentence(minWords, maxWords));
        }
        return sb.toString();
    }

    /** A noisy copy of a document, line by line. */
    String perturbDocument(String document) {
        StringBuilder sb = new StringBuilder();
        for (String line : document.split("\n")) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(perturb(line));
        }
        return sb.toString();
    }
}
