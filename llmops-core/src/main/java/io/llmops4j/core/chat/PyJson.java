package io.llmops4j.core.chat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON text exactly as Hugging Face's {@code tojson} filter writes it, which is Python's
 * {@code json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)}
 * (HF's defaults: {@code ensure_ascii=False}, no indent, default separators, unsorted keys): {@code ", "} and
 * {@code ": "} separators without indent, {@code ","} and newlines with it, unless separators are given;
 * non-ASCII characters unescaped, or as <code>&#92;uXXXX</code> escapes with {@code ensure_ascii}; floats as Python's
 * {@code repr}.
 */
final class PyJson {

    private PyJson() {
    }

    /**
     * The arguments of {@code json.dumps} that shape the text.
     *
     * @param indent        the text of one indentation level, or null for single-line output
     * @param itemSeparator between items, or null for Python's default ({@code ", "}, or {@code ","} with indent)
     * @param keySeparator  between a key and its value, or null for Python's default ({@code ": "})
     * @param ensureAscii   whether characters outside printable ASCII are written as <code>&#92;uXXXX</code> escapes
     * @param sortKeys      whether map entries are written in key order
     */
    record Format(String indent, String itemSeparator, String keySeparator, boolean ensureAscii, boolean sortKeys) {
        Format {
            if (itemSeparator == null) {
                itemSeparator = indent == null ? ", " : ",";
            }
            if (keySeparator == null) {
                keySeparator = ": ";
            }
        }

        /** Python's {@code indent} given as a number of spaces: negative or zero indents by nothing. */
        static String spaces(long indent) {
            return " ".repeat((int) Math.max(0, Math.min(indent, Integer.MAX_VALUE)));
        }
    }

    /**
     * @param value  maps, lists, strings, numbers, booleans or null
     * @param indent spaces per level, or {@code -1} for single-line output
     */
    static String dumps(Object value, int indent, boolean sortKeys) {
        return dumps(value, indent, sortKeys, Long.MAX_VALUE);
    }

    /** As {@link #dumps(Object, Format, long)} with HF's defaults, {@code indent} spaces (-1: single line). */
    static String dumps(Object value, int indent, boolean sortKeys, long maxChars) {
        return dumps(value, new Format(indent < 0 ? null : Format.spaces(indent), null, null, false, sortKeys),
                maxChars);
    }

    /**
     * {@code json.dumps} with the given format, refusing with a {@link SizeLimits.LimitExceeded} as soon as the text
     * would pass {@code maxChars} characters (checked before each indentation and separator and after each item,
     * so a large {@code indent} or separator is refused before it is copied).
     */
    static String dumps(Object value, Format format, long maxChars) {
        StringBuilder out = new StringBuilder();
        write(out, value, format, 0, maxChars);
        check(out.length(), maxChars);
        return out.toString();
    }

    private static void check(long length, long maxChars) {
        if (length > maxChars) {
            throw SizeLimits.exceeded("filter tojson", length, maxChars);
        }
    }

    private static void write(StringBuilder out, Object value, Format format, int depth, long max) {
        if (value == null || value == PyNone.NONE) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof CharSequence s) {
            string(out, s.toString(), format.ensureAscii());
        } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            out.append(floatRepr(((Number) value).doubleValue()));
        } else if (value instanceof Number n) {
            out.append(n.toString());
        } else if (value instanceof Map<?, ?> map) {
            Map<?, ?> entries = format.sortKeys() ? new TreeMap<>(stringKeys(map)) : map;
            if (entries.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = entries.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                newline(out, format, depth + 1, max);
                string(out, key(e.getKey()), format.ensureAscii());
                separator(out, format.keySeparator(), max);
                write(out, e.getValue(), format, depth + 1, max);
                check(out.length(), max);
                if (it.hasNext()) {
                    separator(out, format.itemSeparator(), max);
                }
            }
            newline(out, format, depth, max);
            out.append('}');
        } else if (value instanceof Iterable<?> list) {
            Iterator<?> it = list.iterator();
            if (!it.hasNext()) {
                out.append("[]");
                return;
            }
            out.append('[');
            while (it.hasNext()) {
                newline(out, format, depth + 1, max);
                write(out, it.next(), format, depth + 1, max);
                check(out.length(), max);
                if (it.hasNext()) {
                    separator(out, format.itemSeparator(), max);
                }
            }
            newline(out, format, depth, max);
            out.append(']');
        } else {
            throw new IllegalArgumentException("tojson: cannot serialise a " + PyStrings.typeName(value));
        }
    }

    private static void separator(StringBuilder out, String separator, long max) {
        check(out.length() + (long) separator.length(), max);
        out.append(separator);
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(key(k), v));
        return copy;
    }

    private static String key(Object k) {
        if (k instanceof String s) {
            return s;
        }
        if (k == null) {
            return "null";
        }
        if (k instanceof Boolean || k instanceof Number) {
            return k instanceof Double || k instanceof Float ? floatRepr(((Number) k).doubleValue()) : k.toString();
        }
        throw new IllegalArgumentException("tojson: keys must be strings, found " + PyStrings.typeName(k));
    }

    private static void newline(StringBuilder out, Format format, int depth, long max) {
        if (format.indent() != null) {
            check(out.length() + 1L + (long) format.indent().length() * depth, max);
            out.append('\n');
            out.append(format.indent().repeat(depth));
        }
    }

    private static void string(StringBuilder out, String s, boolean ensureAscii) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    // UTF-16 units, so a character outside the BMP becomes a surrogate pair of escapes, as in Python
                    if (c < 0x20 || (ensureAscii && c > 0x7e)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** The decimal with the fewest significant digits that parses back to {@code d}, nearest to it among those. */
    private static BigDecimal shortestRoundTrip(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int digits = 1; digits < 17; digits++) {
            BigDecimal candidate = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == d) {
                return candidate.stripTrailingZeros();
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }

    /**
     * Python's {@code repr(float)}: the shortest digits that round-trip, positional when the decimal exponent is in
     * [-4, 16), otherwise scientific with a signed exponent of at least two digits.
     */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal shortest = shortestRoundTrip(Math.abs(d));
        String digits = shortest.unscaledValue().toString();
        int decpt = digits.length() - shortest.scale(); // value = 0.DIGITS * 10^decpt
        StringBuilder out = new StringBuilder(d < 0 ? "-" : "");
        if (decpt > -4 && decpt <= 16) {
            if (decpt <= 0) {
                out.append("0.").append("0".repeat(-decpt)).append(digits);
            } else if (decpt >= digits.length()) {
                out.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
            } else {
                out.append(digits, 0, decpt).append('.').append(digits.substring(decpt));
            }
        } else {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits.substring(1));
            }
            int exp = decpt - 1;
            out.append('e').append(exp < 0 ? '-' : '+');
            String e = Integer.toString(Math.abs(exp));
            out.append(e.length() < 2 ? "0" + e : e);
        }
        return out.toString();
    }
}
