package io.llmops4j.core.chat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Python's {@code float(s)} and {@code int(s, base)} of a string, for Jinja's {@code float} and {@code int} filters:
 * surrounding whitespace ignored, a sign, single underscores between digits, {@code inf}/{@code nan} for floats and
 * {@code 0x}/{@code 0o}/{@code 0b} prefixes for ints in their base (any of them in base 0). Java's parsers differ
 * ({@code Double.parseDouble} takes {@code 1d} and {@code Infinity}, not {@code inf}), hence these.
 */
final class PyNumbers {
    private static final Pattern SPECIAL = Pattern.compile("[+-]?(?:inf|infinity|nan)", Pattern.CASE_INSENSITIVE);
    /** CPython's default limit on the digits of a string converted to an int (sys.get_int_max_str_digits()). */
    private static final int MAX_INT_DIGITS = 4300;

    private PyNumbers() {
    }

    /** {@code float(s)}, or null where Python raises a {@code ValueError}. */
    static Double parseFloat(String s) {
        String t = PyStrings.strip(s, null);
        if (SPECIAL.matcher(t).matches()) {
            boolean negative = t.startsWith("-");
            return t.toLowerCase(java.util.Locale.ROOT).endsWith("nan") ? Double.NaN
                    : negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        // [+-] (digits [. [digits]] | . digits) [(e|E) [+-] digits], digits with single underscores between them;
        // scanned by hand, as a regular expression's repeated group recurses once per character
        int i = !t.isEmpty() && (t.charAt(0) == '+' || t.charAt(0) == '-') ? 1 : 0;
        int intEnd = digits(t, i);
        int end = intEnd;
        boolean fraction = false;
        if (end < t.length() && t.charAt(end) == '.') {
            int fracEnd = digits(t, end + 1);
            fraction = fracEnd > end + 1;
            end = fracEnd;
        }
        if (intEnd == i && !fraction) {
            return null;
        }
        if (end < t.length() && (t.charAt(end) == 'e' || t.charAt(end) == 'E')) {
            int expStart = end + 1 < t.length() && (t.charAt(end + 1) == '+' || t.charAt(end + 1) == '-') ? end + 2 : end + 1;
            end = digits(t, expStart);
            if (end == expStart) {
                return null;
            }
        }
        return end == t.length() ? Double.parseDouble(t.replace("_", "")) : null;
    }

    /**
     * The end of the run of digits with single underscores between them that starts at {@code from} ({@code from}
     * itself if there is none); an underscore not followed by a digit ends it.
     */
    private static int digits(String t, int from) {
        int i = from;
        while (i < t.length()) {
            char c = t.charAt(i);
            if (c >= '0' && c <= '9') {
                i++;
            } else if (c == '_' && i > from && i + 1 < t.length() && t.charAt(i + 1) >= '0' && t.charAt(i + 1) <= '9') {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    /** {@code int(s, base)} (base 0 or 2 to 36), or null where Python raises a {@code ValueError}. */
    static Number parseInt(String s, int base) {
        String t = PyStrings.strip(s, null);
        boolean negative = false;
        if (!t.isEmpty() && (t.charAt(0) == '+' || t.charAt(0) == '-')) {
            negative = t.charAt(0) == '-';
            t = t.substring(1);
        }
        int prefixBase = t.length() > 1 && t.charAt(0) == '0' ? switch (Character.toLowerCase(t.charAt(1))) {
            case 'x' -> 16;
            case 'o' -> 8;
            case 'b' -> 2;
            default -> 0;
        } : 0;
        boolean prefixed = prefixBase != 0 && (base == 0 || base == prefixBase);
        if (prefixed) {
            t = t.substring(2);
            base = prefixBase;
            if (t.startsWith("_")) {
                t = t.substring(1); // Python allows one underscore after the prefix: 0x_1f
            }
        } else if (base == 0) {
            if (t.length() > 1 && t.chars().allMatch(c -> c == '0' || c == '_') && !t.startsWith("_")
                    && !t.endsWith("_") && !t.contains("__")) {
                return 0L; // "00", "0_0"
            }
            if (t.length() > 1 && t.charAt(0) == '0') {
                return null; // leading zeros are not allowed in base 0
            }
            base = 10;
        }
        if (t.isEmpty() || t.startsWith("_") || t.endsWith("_") || t.contains("__")) {
            return null;
        }
        String digits = t.replace("_", "");
        if (digits.length() > MAX_INT_DIGITS) {
            return null; // CPython's ValueError beyond its limit (which it waives for power-of-two bases)
        }
        for (int i = 0; i < digits.length(); i++) {
            if (Character.digit(digits.charAt(i), base) < 0) {
                return null;
            }
        }
        BigInteger value = new BigInteger(digits, base);
        return integer(negative ? value.negate() : value);
    }

    /** Python's {@code int(d)} of a finite double (truncated towards zero). */
    static Number truncate(double d) {
        return integer(new BigDecimal(d).toBigInteger());
    }

    private static Number integer(BigInteger value) {
        return value.bitLength() < 64 ? (Number) value.longValue() : value;
    }
}
