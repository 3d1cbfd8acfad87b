package io.llmops4j.eval;

import io.llmops4j.eval.text.SacreBleuTokenizers;
import java.util.function.UnaryOperator;

/** sacreBLEU's BLEU tokenizers, with the name each one has in sacreBLEU's signature. */
public enum BleuTokenizer {
    /** mteval-v13a, sacreBLEU's default ({@code tok:13a}). */
    THIRTEEN_A("13a", SacreBleuTokenizers::thirteenA),
    /** mteval-v14 international: splits Unicode punctuation and symbols ({@code tok:intl}). */
    INTL("intl", SacreBleuTokenizers::intl),
    /** One token per Unicode code point ({@code tok:char}). */
    CHAR("char", SacreBleuTokenizers::chars),
    /** No tokenization: the whitespace split of the text ({@code tok:none}). */
    NONE("none", UnaryOperator.identity());

    private final String signatureName;
    private final UnaryOperator<String> tokenizer;

    BleuTokenizer(String signatureName, UnaryOperator<String> tokenizer) {
        this.signatureName = signatureName;
        this.tokenizer = tokenizer;
    }

    /** The name used in the signature ({@code 13a}, {@code intl}, {@code char}, {@code none}). */
    public String signatureName() {
        return signatureName;
    }

    /** Tokenizes one (already lowercased and right-stripped) line; tokens are its Python-whitespace split. */
    public String apply(String line) {
        return tokenizer.apply(line);
    }

    /** Looks a tokenizer up by its signature name, for command lines and stored runs. */
    public static BleuTokenizer fromName(String name) {
        for (BleuTokenizer t : values()) {
            if (t.signatureName.equals(name)) {
                return t;
            }
        }
        throw new InvalidMetricInputException("unknown BLEU tokenizer '" + name + "'; expected one of 13a, intl, char, none");
    }
}
