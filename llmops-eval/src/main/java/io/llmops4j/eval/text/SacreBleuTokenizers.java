package io.llmops4j.eval.text;

import java.util.regex.Pattern;

/**
 * sacreBLEU 2.x's BLEU tokenizers. Each returns a string whose Python-whitespace split gives the tokens.
 */
public final class SacreBleuTokenizers {
    /** mteval-v13a: splits off the ASCII symbols {@code {|}~ [\]^_` space !"#$%& ()*+ :;<=>?@ /}. */
    private static final Pattern A13_SYMBOLS = Pattern.compile("([{|}~\\[\\\\\\]^_` !\"#$%&()*+:;<=>?@/])");
    private static final Pattern A13_PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([.,])");
    private static final Pattern A13_PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([.,])([^0-9])");
    private static final Pattern A13_DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    private static final Pattern INTL_NON_NUMBER_PUNCT = Pattern.compile("(\\P{N})(\\p{P})");
    private static final Pattern INTL_PUNCT_NON_NUMBER = Pattern.compile("(\\p{P})(\\P{N})");
    private static final Pattern INTL_SYMBOL = Pattern.compile("(\\p{S})");

    private SacreBleuTokenizers() {
    }

    /** sacreBLEU's {@code Tokenizer13a}. */
    public static String thirteenA(String line) {
        line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (line.indexOf('&') >= 0) {
            line = line.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        }
        line = " " + line + " ";
        line = A13_SYMBOLS.matcher(line).replaceAll(" $1 ");
        line = A13_PERIOD_COMMA_AFTER_NON_DIGIT.matcher(line).replaceAll("$1 $2 ");
        line = A13_PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(line).replaceAll(" $1 $2");
        line = A13_DASH_AFTER_DIGIT.matcher(line).replaceAll("$1 $2 ");
        return PythonText.normalizeSpaces(line);
    }

    /** sacreBLEU's {@code TokenizerV14International} (Unicode punctuation and symbols, no padding). */
    public static String intl(String line) {
        line = INTL_NON_NUMBER_PUNCT.matcher(line).replaceAll("$1 $2 ");
        line = INTL_PUNCT_NON_NUMBER.matcher(line).replaceAll(" $1 $2");
        line = INTL_SYMBOL.matcher(line).replaceAll(" $1 ");
        return PythonText.normalizeSpaces(line);
    }

    /** sacreBLEU's {@code TokenizerChar}: every code point becomes a token. */
    public static String chars(String line) {
        StringBuilder sb = new StringBuilder(line.length() * 2);
        line.codePoints().forEach(cp -> {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.appendCodePoint(cp);
        });
        return sb.toString();
    }
}
