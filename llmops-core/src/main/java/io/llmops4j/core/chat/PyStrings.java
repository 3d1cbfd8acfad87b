package io.llmops4j.core.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Python {@code str} methods that Hugging Face chat templates call ({@code strip}, {@code split},
 * {@code startswith}, ...), with Python's semantics: whitespace is what {@code str.isspace()} accepts, {@code split}
 * separators are literal strings (never regular expressions).
 */
final class PyStrings {

    private PyStrings() {
    }

    /** Python's {@code str.isspace()} for one code point (Unicode White_Space plus the ASCII separators). */
    static boolean isSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0
                || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029
                || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    private static boolean stripped(int cp, String chars) {
        return chars == null ? isSpace(cp) : chars.indexOf(cp) >= 0;
    }

    /** {@code s.strip(chars)}; {@code chars == null} strips whitespace. */
    static String strip(String s, String chars) {
        return rstrip(lstrip(s, chars), chars);
    }

    static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (!stripped(cp, chars)) {
                break;
            }
            i += Character.charCount(cp);
        }
        return s.substring(i);
    }

    static String rstrip(String s, String chars) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (!stripped(cp, chars)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    /**
     * {@code s.split(sep, maxsplit)}: {@code sep == null} splits on runs of whitespace and drops empty ends;
     * {@code maxsplit < 0} means no limit.
     */
    static List<String> split(String s, String sep, long maxsplit) {
        List<String> parts = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && isSpace(s.codePointAt(i))) {
                    i += Character.charCount(s.codePointAt(i));
                }
                if (i >= n) {
                    return parts;
                }
                if (maxsplit >= 0 && parts.size() == maxsplit) {
                    parts.add(s.substring(i)); // Python keeps the remainder's trailing whitespace
                    return parts;
                }
                int start = i;
                while (i < n && !isSpace(s.codePointAt(i))) {
                    i += Character.charCount(s.codePointAt(i));
                }
                parts.add(s.substring(start, i));
            }
        }
        if (sep.isEmpty()) {
            throw new IllegalArgumentException("split(): empty separator");
        }
        int from = 0;
        while (maxsplit < 0 || parts.size() < maxsplit) {
            int at = s.indexOf(sep, from);
            if (at < 0) {
                break;
            }
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    /**
     * {@code s.rsplit(sep, maxsplit)}: as {@link #split}, but the at most {@code maxsplit} splits are made from the
     * right, so the remainder is the first part.
     */
    static List<String> rsplit(String s, String sep, long maxsplit) {
        if (maxsplit < 0) {
            return split(s, sep, maxsplit);
        }
        List<String> parts = new ArrayList<>();
        if (sep == null) {
            int i = s.length();
            while (true) {
                while (i > 0 && isSpace(s.codePointBefore(i))) {
                    i -= Character.charCount(s.codePointBefore(i));
                }
                if (i <= 0) {
                    break;
                }
                if (parts.size() == maxsplit) {
                    parts.add(s.substring(0, i)); // Python keeps the remainder's leading whitespace
                    break;
                }
                int end = i;
                while (i > 0 && !isSpace(s.codePointBefore(i))) {
                    i -= Character.charCount(s.codePointBefore(i));
                }
                parts.add(s.substring(i, end));
            }
            java.util.Collections.reverse(parts);
            return parts;
        }
        if (sep.isEmpty()) {
            throw new IllegalArgumentException("rsplit(): empty separator");
        }
        int to = s.length();
        while (parts.size() < maxsplit) {
            int at = s.lastIndexOf(sep, to - sep.length());
            if (at < 0) {
                break;
            }
            parts.add(s.substring(at + sep.length(), to));
            to = at;
        }
        parts.add(s.substring(0, to));
        java.util.Collections.reverse(parts);
        return parts;
    }

    /** {@code len(s)}: the number of code points (a character outside the BMP counts once, not as two UTF-16 units). */
    static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /** {@code s[i]} by code point, {@code i} negative from the end; null when out of range. */
    static String codePointAt(String s, long i) {
        long n = length(s);
        if (i < 0) {
            i += n;
        }
        if (i < 0 || i >= n) {
            return null;
        }
        return Character.toString(s.codePointAt(s.offsetByCodePoints(0, (int) i)));
    }

    /** {@code s.find(sub)}: the code point index of the first occurrence, or -1. */
    static long find(String s, String sub) {
        int at = s.indexOf(sub);
        return at < 0 ? -1 : s.codePointCount(0, at);
    }

    /** {@code s.rfind(sub)}: the code point index of the last occurrence, or -1. */
    static long rfind(String s, String sub) {
        int at = s.lastIndexOf(sub);
        return at < 0 ? -1 : s.codePointCount(0, at);
    }

    /**
     * {@code s.ljust(width, fill)}, {@code s.rjust(width, fill)} and {@code s.zfill(width)} ({@code how}): {@code s}
     * padded to {@code width} code points on the right, on the left, or with zeros after a leading sign.
     */
    static String pad(String s, long width, int fill, String how) {
        long length = length(s);
        if (width <= length) {
            return s;
        }
        String pad = Character.toString(fill).repeat((int) (width - length));
        return switch (how) {
            case "ljust" -> s + pad;
            case "zfill" -> !s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')
                    ? s.charAt(0) + pad + s.substring(1) : pad + s;
            default -> pad + s;
        };
    }

    /** {@code s.splitlines()}: split at Python's line boundaries ({@code \r\n} counts once), dropping them. */
    static List<String> splitlines(String s) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D || c == 0x1E
                    || c == 0x85 || c == 0x2028 || c == 0x2029) {
                lines.add(s.substring(start, i));
                i += c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n' ? 2 : 1;
                start = i;
            } else {
                i++;
            }
        }
        if (start < s.length()) {
            lines.add(s.substring(start));
        }
        return lines;
    }

    /** {@code s.center(width, fill)}: {@code s} padded with {@code fill} to {@code width} code points, as CPython. */
    static String center(String s, long width, int fill) {
        long length = length(s);
        if (width <= length) {
            return s;
        }
        long margin = width - length;
        long left = margin / 2 + (margin & width & 1);
        String pad = Character.toString(fill);
        return pad.repeat((int) left) + s + pad.repeat((int) (margin - left));
    }

    /**
     * The {@code str.is...()} predicates: true when {@code s} is not empty and every code point passes (for
     * {@code islower}/{@code isupper}: no code point of the other case and at least one cased one).
     */
    static boolean is(String s, String predicate) {
        return switch (predicate) {
            case "isdigit" -> all(s, Character::isDigit);
            case "isalpha" -> all(s, Character::isLetter);
            case "isalnum" -> all(s, Character::isLetterOrDigit);
            case "isspace" -> all(s, PyStrings::isSpace);
            case "islower" -> s.codePoints().noneMatch(cp -> Character.isUpperCase(cp) || Character.isTitleCase(cp))
                    && s.codePoints().anyMatch(Character::isLowerCase);
            case "isupper" -> s.codePoints().noneMatch(cp -> Character.isLowerCase(cp) || Character.isTitleCase(cp))
                    && s.codePoints().anyMatch(Character::isUpperCase);
            default -> throw new IllegalStateException(predicate);
        };
    }

    private static boolean all(String s, java.util.function.IntPredicate test) {
        return !s.isEmpty() && s.codePoints().allMatch(test);
    }

    /** {@code s.title()}: the first cased letter of each run of letters upper (title) case, the others lower. */
    static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetter(cp)) {
                out.appendCodePoint(previousCased ? Character.toLowerCase(cp) : Character.toTitleCase(cp));
                previousCased = true;
            } else {
                out.appendCodePoint(cp);
                previousCased = false;
            }
        }
        return out.toString();
    }

    /** {@code s.capitalize()}: first character title case, the rest lower case. */
    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        return new StringBuilder().appendCodePoint(Character.toTitleCase(first))
                .append(s.substring(Character.charCount(first)).toLowerCase(Locale.ROOT)).toString();
    }

    /** {@code s.replace(old, new, count)}; {@code count < 0} replaces every occurrence. */
    static String replace(String s, String old, String replacement, long count) {
        if (count < 0) {
            return s.replace(old, replacement);
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (long done = 0; done < count; done++) {
            int at = old.isEmpty() ? (from <= s.length() ? from : -1) : s.indexOf(old, from);
            if (at < 0) {
                break;
            }
            out.append(s, from, at).append(replacement);
            if (old.isEmpty()) {
                if (at < s.length()) {
                    out.append(s.charAt(at));
                }
                from = at + 1;
            } else {
                from = at + old.length();
            }
        }
        if (from <= s.length()) {
            out.append(s.substring(from));
        }
        return out.toString();
    }

    /** {@code s.startswith(prefix)} where prefix is a string or a list/tuple of strings. */
    static boolean startsWith(String s, Object prefix) {
        return matchesAny(prefix, "startswith", s::startsWith);
    }

    /** {@code s.endswith(suffix)} where suffix is a string or a list/tuple of strings. */
    static boolean endsWith(String s, Object suffix) {
        return matchesAny(suffix, "endswith", s::endsWith);
    }

    private static boolean matchesAny(Object candidates, String method,
                                      java.util.function.Predicate<String> test) {
        if (candidates instanceof String one) {
            return test.test(one);
        }
        if (candidates instanceof List<?> many) {
            for (Object c : many) {
                if (!(c instanceof String str)) {
                    throw new IllegalArgumentException(method + "() takes strings, found " + typeName(c));
                }
                if (test.test(str)) {
                    return true;
                }
            }
            return false;
        }
        throw new IllegalArgumentException(method + "() takes a string or a tuple of strings, found "
                + typeName(candidates));
    }

    /**
     * Python's {@code str(value)} for a template value: strings as they are, {@code None}, {@code True} and
     * {@code False}, integers in decimal, floats as Python writes them ({@code 1e-05}, {@code 1e+16}, {@code 2.0},
     * {@code nan}, {@code inf}), lists as {@code ['a', 1, True, None]} and maps as {@code {'k': 'v'}} with their items
     * in Python's {@code repr}; anything else by its {@code toString}. Refuses with a {@link SizeLimits.LimitExceeded}
     * as soon as the text passes {@code maxChars} characters.
     */
    static String str(Object value, long maxChars) {
        if (value instanceof CharSequence s) {
            return s.toString();
        }
        StringBuilder out = new StringBuilder();
        repr(out, value, new Limit("writing a " + typeName(value) + " out as text", maxChars));
        return out.toString();
    }

    /** Python's {@code repr(value)} for a template value, bounded as {@link #str}. */
    static String repr(Object value, long maxChars) {
        StringBuilder out = new StringBuilder();
        repr(out, value, new Limit("writing a " + typeName(value) + " out as text", maxChars));
        return out.toString();
    }

    /** The most characters {@link #repr} may write, and the operation it names when it refuses. */
    private record Limit(String operation, long max) {
        void check(StringBuilder out) {
            if (out.length() > max) {
                throw SizeLimits.exceeded(operation, out.length(), max);
            }
        }
    }

    private static void repr(StringBuilder out, Object value, Limit limit) {
        if (value == null || value == PyNone.NONE) {
            out.append("None");
        } else if (value instanceof Boolean b) {
            out.append(b ? "True" : "False");
        } else if (value instanceof CharSequence s) {
            stringRepr(out, s.toString(), limit);
        } else if (value instanceof Double || value instanceof Float || value instanceof java.math.BigDecimal) {
            double d = ((Number) value).doubleValue();
            out.append(Double.isNaN(d) ? "nan" : Double.isInfinite(d) ? (d > 0 ? "inf" : "-inf") : PyJson.floatRepr(d));
        } else if (value instanceof java.util.Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (java.util.Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(", ");
                }
                first = false;
                repr(out, e.getKey(), limit);
                out.append(": ");
                repr(out, e.getValue(), limit);
                limit.check(out);
            }
            out.append('}');
        } else if (value instanceof Iterable<?> items) {
            out.append('[');
            boolean first = true;
            for (Object item : items) {
                if (!first) {
                    out.append(", ");
                }
                first = false;
                repr(out, item, limit);
                limit.check(out);
            }
            out.append(']');
        } else {
            out.append(value);
        }
        limit.check(out);
    }

    /**
     * Python's {@code repr} of a string: in single quotes, or double quotes when it holds a single quote and no
     * double quote; backslashes and that quote escaped, <code>&#92;t &#92;n &#92;r</code>, other control characters and
     * characters that are not printable ({@code str.isprintable}) as <code>&#92;xhh</code>,
     * <code>&#92;uhhhh</code> or <code>&#92;Uhhhhhhhh</code>.
     */
    private static void stringRepr(StringBuilder out, String s, Limit limit) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        out.append(quote);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == quote || cp == '\\') {
                out.append('\\').appendCodePoint(cp);
            } else if (cp == '\t') {
                out.append("\\t");
            } else if (cp == '\n') {
                out.append("\\n");
            } else if (cp == '\r') {
                out.append("\\r");
            } else if (cp < 0x20 || cp == 0x7f) {
                out.append(String.format("\\x%02x", cp));
            } else if (cp < 0x7f || isPrintable(cp)) {
                out.appendCodePoint(cp);
            } else if (cp <= 0xff) {
                out.append(String.format("\\x%02x", cp));
            } else if (cp <= 0xffff) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.append(String.format("\\U%08x", cp));
            }
            limit.check(out);
        }
        out.append(quote);
    }

    /** Python's {@code str.isprintable()} for one non-ASCII code point: not a control, format, surrogate, private-use,
     *  unassigned or separator character. */
    private static boolean isPrintable(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /**
     * A string literal's text as Jinja's lexer reads it, which is Python's {@code unicode-escape} decoding of the
     * literal with its non-ASCII characters written as escapes first: <code>&#92;n</code>, <code>&#92;t</code>,
     * <code>&#92;&#92;</code>, quotes, <code>&#92;xhh</code>, <code>&#92;uhhhh</code>, <code>&#92;Uhhhhhhhh</code>,
     * <code>&#92;N{name}</code>, octal <code>&#92;ooo</code>, <code>&#92;a &#92;b &#92;f &#92;r &#92;v</code>, a
     * backslash before a newline dropped, and any other backslash kept.
     *
     * @throws IllegalArgumentException with Python's message for a malformed escape
     */
    static String unescape(String literal) {
        if (literal.indexOf('\\') < 0) {
            return literal;
        }
        StringBuilder out = new StringBuilder(literal.length());
        int i = 0;
        while (i < literal.length()) {
            char c = literal.charAt(i);
            if (c != '\\') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 == literal.length()) {
                throw new IllegalArgumentException("\\ at end of string");
            }
            int e = literal.codePointAt(i + 1);
            i += 1 + Character.charCount(e);
            switch (e) {
                case '\n' -> { }
                case '\\', '\'', '"' -> out.append((char) e);
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'v' -> out.append('\u000b');
                case 'x', 'u', 'U' -> {
                    int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    int cp = hex(literal, i, digits, "truncated \\" + (e == 'x' ? "xXX" : e == 'u' ? "uXXXX"
                            : "UXXXXXXXX") + " escape");
                    if (cp > Character.MAX_CODE_POINT || cp < 0) {
                        throw new IllegalArgumentException("illegal Unicode character");
                    }
                    out.appendCodePoint(cp);
                    i += digits;
                }
                case 'N' -> {
                    int close = literal.indexOf('}', i);
                    if (i >= literal.length() || literal.charAt(i) != '{' || close < 0) {
                        throw new IllegalArgumentException("malformed \\N character escape");
                    }
                    try {
                        out.appendCodePoint(Character.codePointOf(literal.substring(i + 1, close)));
                    } catch (IllegalArgumentException unknown) {
                        throw new IllegalArgumentException("unknown Unicode character name");
                    }
                    i = close + 1;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int value = e - '0';
                        for (int n = 0; n < 2 && i < literal.length() && literal.charAt(i) >= '0'
                                && literal.charAt(i) <= '7'; n++, i++) {
                            value = value * 8 + literal.charAt(i) - '0';
                        }
                        out.append((char) value);
                    } else if (e > 0x7f) {
                        // the codec sees the character as its own escape (backslashreplace), after this backslash
                        out.append('\\').append(e < 0x100 ? String.format("x%02x", e)
                                : e < 0x10000 ? String.format("u%04x", e) : String.format("U%08x", e));
                    } else {
                        out.append('\\').append((char) e);
                    }
                }
            }
        }
        return out.toString();
    }

    private static int hex(String s, int from, int digits, String error) {
        if (from + digits > s.length()) {
            throw new IllegalArgumentException(error);
        }
        long value = 0;
        for (int i = from; i < from + digits; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0 || s.charAt(i) > 0x7f) {
                throw new IllegalArgumentException(error);
            }
            value = value * 16 + d;
        }
        return value > Integer.MAX_VALUE ? -1 : (int) value;
    }

    /** Python's {@code type(value).__name__} of a template value, as Jinja's error messages name it. */
    static String pythonType(Object value) {
        if (value == null || value == PyNone.NONE) {
            return "NoneType";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof java.math.BigInteger) {
            return "int";
        }
        if (value instanceof Number) {
            return "float";
        }
        if (value instanceof CharSequence) {
            return "str";
        }
        if (value instanceof java.util.Map) {
            return "dict";
        }
        if (value instanceof List) {
            return "list";
        }
        return value.getClass().getSimpleName();
    }

    /** The Python-ish type name of a template value, for error messages. */
    static String typeName(Object value) {
        if (value == null || value == PyNone.NONE) {
            return "none";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Number) {
            return "number";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof java.util.Map) {
            return "mapping";
        }
        if (value instanceof List) {
            return "list";
        }
        return value.getClass().getSimpleName();
    }
}
