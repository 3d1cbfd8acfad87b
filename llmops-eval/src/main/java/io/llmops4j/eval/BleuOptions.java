package io.llmops4j.eval;

/**
 * Options of {@link Bleu}, with sacreBLEU 2.x's defaults: tokenizer 13a, exp smoothing, case-sensitive,
 * maximum n-gram order 4, no effective order. Immutable; build with {@link #builder()}.
 *
 * @param tokenize the tokenizer
 * @param smoothing the smoothing method
 * @param smoothValue the value of {@link Smoothing#FLOOR} / {@link Smoothing#ADD_K} (the method's default when
 *     not given); NaN for methods without a value
 * @param lowercase whether hypotheses and references are lowercased first
 * @param maxNgramOrder the highest n-gram order
 * @param effectiveOrder whether orders without any hypothesis n-gram are left out of the geometric mean (what
 *     sacreBLEU's {@code sentence_bleu} does by default)
 */
public record BleuOptions(BleuTokenizer tokenize, Smoothing smoothing, double smoothValue, boolean lowercase,
                          int maxNgramOrder, boolean effectiveOrder) {

    private static final BleuOptions DEFAULTS = builder().build();

    /** Validates; messages name the field and the allowed range. */
    public BleuOptions {
        if (tokenize == null) {
            throw new InvalidMetricInputException("BleuOptions.tokenize must not be null");
        }
        if (smoothing == null) {
            throw new InvalidMetricInputException("BleuOptions.smoothing must not be null");
        }
        if (maxNgramOrder < 1 || maxNgramOrder > 100) {
            throw new InvalidMetricInputException("BleuOptions.maxNgramOrder must be in 1..100, found " + maxNgramOrder);
        }
        if (smoothing.takesValue() && (!Double.isFinite(smoothValue) || smoothValue < 0)) {
            throw new InvalidMetricInputException("BleuOptions.smoothValue must be finite and >= 0 for " + smoothing
                    + " smoothing, found " + smoothValue);
        }
        if (!smoothing.takesValue() && !Double.isNaN(smoothValue)) {
            throw new InvalidMetricInputException("BleuOptions.smoothValue is only allowed with FLOOR or ADD_K smoothing, not "
                    + smoothing);
        }
    }

    /** sacreBLEU's defaults. */
    public static BleuOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder().tokenize(tokenize).smoothing(smoothing).lowercase(lowercase)
                .maxNgramOrder(maxNgramOrder).effectiveOrder(effectiveOrder);
        if (smoothing.takesValue()) {
            b.smoothValue(smoothValue);
        }
        return b;
    }

    /** Builder of {@link BleuOptions}; {@link #build()} validates. */
    public static final class Builder {
        private BleuTokenizer tokenize = BleuTokenizer.THIRTEEN_A;
        private Smoothing smoothing = Smoothing.EXP;
        private Double smoothValue;
        private boolean lowercase;
        private int maxNgramOrder = 4;
        private boolean effectiveOrder;

        private Builder() {
        }

        public Builder tokenize(BleuTokenizer tokenize) {
            this.tokenize = tokenize;
            return this;
        }

        public Builder smoothing(Smoothing smoothing) {
            this.smoothing = smoothing;
            return this;
        }

        /** The value of floor / add-k smoothing; must be finite and >= 0. */
        public Builder smoothValue(double smoothValue) {
            this.smoothValue = smoothValue;
            return this;
        }

        public Builder lowercase(boolean lowercase) {
            this.lowercase = lowercase;
            return this;
        }

        /** The highest n-gram order, 1..100. */
        public Builder maxNgramOrder(int maxNgramOrder) {
            this.maxNgramOrder = maxNgramOrder;
            return this;
        }

        public Builder effectiveOrder(boolean effectiveOrder) {
            this.effectiveOrder = effectiveOrder;
            return this;
        }

        /** Validates and builds; an unset smoothValue becomes the method's default. */
        public BleuOptions build() {
            if (smoothValue != null && smoothing != null && !smoothing.takesValue()) {
                throw new InvalidMetricInputException("BleuOptions.smoothValue is only allowed with FLOOR or ADD_K smoothing, not "
                        + smoothing);
            }
            double value = smoothValue != null ? smoothValue : smoothing == null ? Double.NaN : smoothing.defaultValue();
            return new BleuOptions(tokenize, smoothing, value, lowercase, maxNgramOrder, effectiveOrder);
        }
    }
}
