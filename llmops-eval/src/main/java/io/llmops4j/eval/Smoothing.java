package io.llmops4j.eval;

/** sacreBLEU's BLEU smoothing methods (Chen and Cherry, 2014). */
public enum Smoothing {
    /** NIST geometric smoothing: the k-th order with no match gets precision 1/(2^k * total). The default. */
    EXP("exp", Double.NaN),
    /** An order with no match gets precision {@code smoothValue / total}; default value 0.1. */
    FLOOR("floor", 0.1),
    /** Adds {@code smoothValue} to the matches and totals of every order above 1; default value 1. */
    ADD_K("add-k", 1.0),
    /** No smoothing: any order without a match makes the score 0. */
    NONE("none", Double.NaN);

    private final String signatureName;
    private final double defaultValue;

    Smoothing(String signatureName, double defaultValue) {
        this.signatureName = signatureName;
        this.defaultValue = defaultValue;
    }

    /** The name used in sacreBLEU's signature. */
    public String signatureName() {
        return signatureName;
    }

    /** Whether the method takes a value ({@link #FLOOR} and {@link #ADD_K}). */
    public boolean takesValue() {
        return !Double.isNaN(defaultValue);
    }

    /** The value used when none is given; NaN for methods without a value. */
    public double defaultValue() {
        return defaultValue;
    }

    /** Looks a method up by its sacreBLEU name. */
    public static Smoothing fromName(String name) {
        for (Smoothing s : values()) {
            if (s.signatureName.equals(name)) {
                return s;
            }
        }
        throw new InvalidMetricInputException("unknown BLEU smoothing '" + name + "'; expected one of exp, floor, add-k, none");
    }
}
