package io.llmops4j.eval.text;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Python 3 string semantics that the reference metric implementations depend on: the whitespace set of
 * {@code str.isspace()}, {@code str.split()} without argument, {@code str.rstrip()} and {@code str.lower()}.
 * All of them work on Unicode code points.
 */
public final class PythonText {
    private PythonText() {
    }

    /**
     * Whether Python's {@code str.isspace()} is true for this code point: U+0009..000D, U+001C..001F, U+0020,
     * U+0085, U+00A0, U+1680, U+2000..200A, U+2028, U+2029, U+202F, U+205F, U+3000 (not U+200B, not U+180E).
     */
    public static boolean isSpace(int cp) {
        if (cp <= 0x20) {
            return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
        }
        if (cp < 0x85) {
            return false;
        }
        return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028
                || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    /** Python {@code s.split()}: maximal runs of non-whitespace code points, no empty strings. */
    public static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (i < n) {
            int cp = s.codePointAt(i);
            if (isSpace(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            while (i < n) {
                cp = s.codePointAt(i);
                if (isSpace(cp)) {
                    break;
                }
                i += Character.charCount(cp);
            }
            out.add(s.substring(start, i));
        }
        return out;
    }

    /** Python {@code ' '.join(s.split())}. */
    public static String normalizeSpaces(String s) {
        return String.join(" ", split(s));
    }

    /** Python {@code s.rstrip()}. */
    public static String rstrip(String s) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (!isSpace(cp)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    /** Python {@code s.lower()} (full Unicode mappings; identical to {@code toLowerCase(Locale.ROOT)}). */
    public static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /**
     * Python's {@code f"{x:.{digits}f}"}: the exact binary value rounded half-to-even (so 0.125 -> "0.12" and
     * 2.675 -> "2.67", as Python prints them).
     */
    public static String fixed(double x, int digits) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return Double.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
        }
        String s = new BigDecimal(Math.abs(x)).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
        boolean negative = x < 0 || (x == 0 && 1 / x < 0); // Python keeps the sign: -0.001 -> "-0.00"
        return negative ? "-" + s : s;
    }

    /** Number of code points, Python's {@code len(s)}. */
    public static int len(String s) {
        return s.codePointCount(0, s.length());
    }
}
