package io.llmops4j.eval;

import io.llmops4j.eval.text.PorterStemmer;
import io.llmops4j.eval.text.PythonText;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * METEOR exactly as NLTK 3.8's {@code nltk.translate.meteor_score.meteor_score}, on a 0..1 scale.
 *
 * <pre>{@code
 * Meteor m = Meteor.builder().synonyms(SynonymSource.wordNet(Path.of("/usr/share/wordnet"))).build();
 * double s = m.score(List.of("the cat sat on the mat"), "on the mat sat the cat");
 * }</pre>
 *
 * <p>Strings are split on Python whitespace and lowercased (punctuation stays attached). Words are aligned in
 * three greedy stages, each scanning the hypothesis from its last word and matching the last unmatched
 * reference word: exact, then Porter stem (NLTK variant), then synonyms. As in NLTK the synonym stage sees the
 * <em>stemmed</em> words of both sides. Then {@code P = m/|hyp|}, {@code R = m/|ref|},
 * {@code Fmean = PR/(alpha P + (1-alpha) R)}, {@code penalty = gamma (chunks/m)^beta} and the score is
 * {@code (1-penalty) Fmean}; the best reference wins. Without a synonym source (the default) only the exact and
 * stem stages run. Thread-safe if the synonym source is.
 */
public final class Meteor {
    private final double alpha;
    private final double beta;
    private final double gamma;
    private final SynonymSource synonyms;

    private Meteor(double alpha, double beta, double gamma, SynonymSource synonyms) {
        this.alpha = alpha;
        this.beta = beta;
        this.gamma = gamma;
        this.synonyms = synonyms;
    }

    /** A builder with NLTK's defaults: alpha 0.9, beta 3.0, gamma 0.5, no synonyms. */
    public static Builder builder() {
        return new Builder();
    }

    /** The best single-reference score over the references (each split on Python whitespace). */
    public double score(List<String> references, String hypothesis) {
        if (references == null || references.isEmpty()) {
            throw new InvalidMetricInputException("METEOR: at least one reference is required, found "
                    + (references == null ? "null" : "none"));
        }
        if (hypothesis == null) {
            throw new InvalidMetricInputException("METEOR: hypothesis must not be null");
        }
        List<List<String>> refs = new ArrayList<>(references.size());
        for (int k = 0; k < references.size(); k++) {
            if (references.get(k) == null) {
                throw new InvalidMetricInputException("METEOR: reference " + k + " is null");
            }
            refs.add(PythonText.split(references.get(k)));
        }
        return scoreTokens(refs, PythonText.split(hypothesis));
    }

    /** NLTK's {@code meteor_score} on pre-tokenized input: the maximum of the single-reference scores. */
    public double scoreTokens(List<List<String>> references, List<String> hypothesis) {
        if (references == null || references.isEmpty()) {
            throw new InvalidMetricInputException("METEOR: at least one reference is required");
        }
        double best = Double.NEGATIVE_INFINITY;
        for (List<String> ref : references) {
            best = Math.max(best, single(ref, hypothesis));
        }
        return best;
    }

    /** A word and its position in the original sentence. */
    private record Word(int index, String text) {
    }

    /** A matched pair (hypothesis index, reference index). */
    private record Match(int hyp, int ref) {
    }

    private double single(List<String> reference, List<String> hypothesis) {
        List<Word> h = enumerate(hypothesis);
        List<Word> r = enumerate(reference);
        int hl = h.size();
        int rl = r.size();
        List<Match> matches = new ArrayList<>();
        matchEqual(h, r, matches);
        List<Word> hs = stem(h);
        List<Word> rs = stem(r);
        matchEqual(hs, rs, matches);
        if (!(synonyms instanceof SynonymSource.NoSynonyms)) {
            matchSynonyms(hs, rs, matches);
        }
        int m = matches.size();
        if (hl == 0 || rl == 0 || m == 0) {
            return 0.0;
        }
        matches.sort(Comparator.comparingInt(Match::hyp));
        double precision = (double) m / hl;
        double recall = (double) m / rl;
        double denominator = alpha * precision + (1 - alpha) * recall;
        if (denominator == 0) {
            return 0.0; // NLTK's ZeroDivisionError branch
        }
        double fmean = (precision * recall) / denominator;
        int chunks = 1;
        for (int i = 0; i < m - 1; i++) {
            if (!(matches.get(i + 1).hyp() == matches.get(i).hyp() + 1 && matches.get(i + 1).ref() == matches.get(i).ref() + 1)) {
                chunks++;
            }
        }
        double fragFrac = (double) chunks / m;
        double penalty = gamma * Math.pow(fragFrac, beta);
        return (1 - penalty) * fmean;
    }

    private static List<Word> enumerate(List<String> tokens) {
        List<Word> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t == null) {
                throw new InvalidMetricInputException("METEOR: token " + i + " is null");
            }
            out.add(new Word(i, PythonText.lower(t)));
        }
        return out;
    }

    private static List<Word> stem(List<Word> words) {
        List<Word> out = new ArrayList<>(words.size());
        for (Word w : words) {
            out.add(new Word(w.index(), PorterStemmer.INSTANCE.stem(w.text())));
        }
        return out;
    }

    /** NLTK's {@code _match_enums}: removes matched words from both lists. */
    private static void matchEqual(List<Word> h, List<Word> r, List<Match> matches) {
        for (int i = h.size() - 1; i >= 0; i--) {
            for (int j = r.size() - 1; j >= 0; j--) {
                if (h.get(i).text().equals(r.get(j).text())) {
                    matches.add(new Match(h.get(i).index(), r.get(j).index()));
                    h.remove(i);
                    r.remove(j);
                    break;
                }
            }
        }
    }

    /** NLTK's {@code _enum_wordnetsyn_match} over the (stemmed) remaining words. */
    private void matchSynonyms(List<Word> h, List<Word> r, List<Match> matches) {
        for (int i = h.size() - 1; i >= 0; i--) {
            String word = h.get(i).text();
            Set<String> names = synonyms.lemmaNames(word);
            for (int j = r.size() - 1; j >= 0; j--) {
                String ref = r.get(j).text();
                if (ref.equals(word) || (ref.indexOf('_') < 0 && names.contains(ref))) {
                    matches.add(new Match(h.get(i).index(), r.get(j).index()));
                    h.remove(i);
                    r.remove(j);
                    break;
                }
            }
        }
    }

    /** Builder of {@link Meteor}. */
    public static final class Builder {
        private double alpha = 0.9;
        private double beta = 3.0;
        private double gamma = 0.5;
        private SynonymSource synonyms = SynonymSource.none();

        private Builder() {
        }

        /** Precision/recall weight in [0, 1]; NLTK default 0.9. */
        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /** Fragmentation penalty exponent, finite and >= 0; NLTK default 3.0. */
        public Builder beta(double beta) {
            this.beta = beta;
            return this;
        }

        /** Fragmentation penalty weight in [0, 1]; NLTK default 0.5. */
        public Builder gamma(double gamma) {
            this.gamma = gamma;
            return this;
        }

        /** The synonym source; {@link SynonymSource#none()} by default. */
        public Builder synonyms(SynonymSource synonyms) {
            this.synonyms = synonyms;
            return this;
        }

        /** Validates and builds. */
        public Meteor build() {
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new InvalidMetricInputException("Meteor.alpha must be in [0, 1], found " + alpha);
            }
            if (!(beta >= 0 && Double.isFinite(beta))) {
                throw new InvalidMetricInputException("Meteor.beta must be finite and >= 0, found " + beta);
            }
            if (!(gamma >= 0 && gamma <= 1)) {
                throw new InvalidMetricInputException("Meteor.gamma must be in [0, 1], found " + gamma);
            }
            if (synonyms == null) {
                throw new InvalidMetricInputException("Meteor.synonyms must not be null (use SynonymSource.none())");
            }
            return new Meteor(alpha, beta, gamma, synonyms);
        }
    }
}
