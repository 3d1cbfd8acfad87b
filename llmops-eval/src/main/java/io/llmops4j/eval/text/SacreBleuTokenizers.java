package io.llmops4j.eval.text;

import java.util.regex.Pattern;

/**
 * sacreBLEU 2.x's BLEU tokenizers. Each returns a string whose Python-whitespace split gives the tokens.
 */
public final class SacreBleuTokenizers {
    /** mteval-v13a's first substitution splits off these ASCII symbols (not {@code ' , - .}). */
    private static final String A13_SYMBOLS = "{|}~[\\]^_` !\"#$%&()*+:;<=>?@/";

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
        // The four regex substitutions of mteval-v13a, each a global, leftmost, non-overlapping pass, written as
        // scans (same result as re.sub for these fixed two-character patterns, several times faster):
        //   ([{-~[-` -&(-+:-@/]) -> " \1 " ; ([^0-9])([.,]) -> "\1 \2 " ; ([.,])([^0-9]) -> " \1 \2" ; ([0-9])(-) -> "\1 \2 "
        StringBuilder a = new StringBuilder(line.length() + 16);
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (A13_SYMBOLS.indexOf(c) >= 0) {
                a.append(' ').append(c).append(' ');
            } else {
                a.append(c);
            }
        }
        StringBuilder b = new StringBuilder(a.length() + 16);
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            if (i + 1 < a.length() && !isDigit(c) && isPeriodOrComma(a.charAt(i + 1))) {
                b.append(c).append(' ').append(a.charAt(i + 1)).append(' ');
                i++;
            } else {
                b.append(c);
            }
        }
        StringBuilder d = new StringBuilder(b.length() + 16);
        for (int i = 0; i < b.length(); i++) {
            char c = b.charAt(i);
            if (i + 1 < b.length() && isPeriodOrComma(c) && !isDigit(b.charAt(i + 1))) {
                d.append(' ').append(c).append(' ').append(b.charAt(i + 1));
                i++;
            } else {
                d.append(c);
            }
        }
        StringBuilder e = new StringBuilder(d.length() + 16);
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            if (i + 1 < d.length() && isDigit(c) && d.charAt(i + 1) == '-') {
                e.append(c).append(" - ");
                i++;
            } else {
                e.append(c);
            }
        }
        return PythonText.normalizeSpaces(e.toString());
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isPeriodOrComma(char c) {
        return c == '.' || c == ',';
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
