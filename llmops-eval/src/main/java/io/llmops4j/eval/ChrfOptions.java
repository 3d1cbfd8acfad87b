package io.llmops4j.eval;

/**
 * Options of {@link Chrf}, with sacreBLEU's defaults: character order 6, word order 0 (use 2 for chrF++),
 * beta 2, case-sensitive, whitespace removed, effective-order averaging (no eps smoothing).
 *
 * @param charOrder character n-gram order, 1..100
 * @param wordOrder word n-gram order, 0..100 (2 = chrF++)
 * @param beta recall weight, 1..100
 * @param lowercase whether to lowercase first
 * @param whitespace whether to keep whitespace inside character n-grams
 * @param epsSmoothing chrF++.py/NLTK-style averaging of per-order F scores with eps for empty orders
 */
public record ChrfOptions(int charOrder, int wordOrder, int beta, boolean lowercase, boolean whitespace,
                          boolean epsSmoothing) {

    private static final ChrfOptions DEFAULTS = builder().build();

    /** Validates; messages name the field and the allowed range. */
    public ChrfOptions {
        if (charOrder < 1 || charOrder > 100) {
            throw new InvalidMetricInputException("ChrfOptions.charOrder must be in 1..100, found " + charOrder);
        }
        if (wordOrder < 0 || wordOrder > 100) {
            throw new InvalidMetricInputException("ChrfOptions.wordOrder must be in 0..100, found " + wordOrder);
        }
        if (beta < 1 || beta > 100) {
            throw new InvalidMetricInputException("ChrfOptions.beta must be in 1..100, found " + beta);
        }
    }

    /** chrF2 with sacreBLEU's defaults. */
    public static ChrfOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link ChrfOptions}. */
    public static final class Builder {
        private int charOrder = 6;
        private int wordOrder;
        private int beta = 2;
        private boolean lowercase;
        private boolean whitespace;
        private boolean epsSmoothing;

        private Builder() {
        }

        public Builder charOrder(int charOrder) {
            this.charOrder = charOrder;
            return this;
        }

        /** 0 for chrF, 2 for chrF++. */
        public Builder wordOrder(int wordOrder) {
            this.wordOrder = wordOrder;
            return this;
        }

        public Builder beta(int beta) {
            this.beta = beta;
            return this;
        }

        public Builder lowercase(boolean lowercase) {
            this.lowercase = lowercase;
            return this;
        }

        public Builder whitespace(boolean whitespace) {
            this.whitespace = whitespace;
            return this;
        }

        public Builder epsSmoothing(boolean epsSmoothing) {
            this.epsSmoothing = epsSmoothing;
            return this;
        }

        /** Validates and builds. */
        public ChrfOptions build() {
            return new ChrfOptions(charOrder, wordOrder, beta, lowercase, whitespace, epsSmoothing);
        }
    }
}
