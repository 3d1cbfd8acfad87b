package io.llmops4j.core.chat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * Python's printf-style formatting ({@code text % values}), which Jinja's {@code format} filter applies:
 * {@code '%s, %5.2f, %-3d|%x'|format(true, 3.14159, 7, 255)} is {@code True,  3.14, 7  |ff}. Conversions
 * {@code s r a d i u o x X e E f F g G c %}, flags {@code - + space # 0}, width and precision (also {@code *}),
 * and {@code %(name)s} with keyword arguments; {@code %s} writes a value as Python's {@code str}. Errors are
 * Python's {@code TypeError} / {@code ValueError}. The result is refused before it outgrows {@code maxChars}.
 */
final class PyFormat {

    private final String template;
    private final List<Object> args;
    private final Map<String, Object> kwargs;
    private final long maxChars;
    private final StringBuilder out = new StringBuilder();
    private int next;

    private PyFormat(String template, List<Object> args, Map<String, Object> kwargs, long maxChars) {
        this.template = template;
        this.args = args;
        this.kwargs = kwargs;
        this.maxChars = maxChars;
    }

    /**
     * {@code template % tuple(args)}, or {@code template % kwargs} when keyword arguments are given (Jinja refuses
     * both at once).
     */
    static String format(String template, List<Object> args, Map<String, Object> kwargs, long maxChars) {
        if (!args.isEmpty() && !kwargs.isEmpty()) {
            throw new IllegalArgumentException("can't handle positional and keyword arguments at the same time");
        }
        PyFormat f = new PyFormat(template, args, kwargs, maxChars);
        f.run();
        return f.out.toString();
    }

    private void run() {
        int i = 0;
        int n = template.length();
        while (i < n) {
            char c = template.charAt(i++);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i == n) {
                throw PythonError.valueError("incomplete format");
            }
            String key = null;
            if (template.charAt(i) == '(') {
                int close = template.indexOf(')', i);
                if (close < 0) {
                    throw PythonError.valueError("incomplete format key");
                }
                key = template.substring(i + 1, close);
                i = close + 1;
            }
            Spec spec = new Spec();
            for (; i < n && "-+ #0".indexOf(template.charAt(i)) >= 0; i++) {
                spec.flag(template.charAt(i));
            }
            if (i < n && template.charAt(i) == '*') {
                spec.width = integer(argument(null), "* wants int");
                if (spec.width < 0) {
                    spec.left = true;
                    spec.width = -spec.width;
                }
                i++;
            } else {
                int start = i;
                while (i < n && Character.isDigit(template.charAt(i))) {
                    i++;
                }
                spec.width = number(template.substring(start, i), 0);
            }
            if (i < n && template.charAt(i) == '.') {
                i++;
                if (i < n && template.charAt(i) == '*') {
                    spec.precision = Math.max(0, integer(argument(null), "* wants int"));
                    i++;
                } else {
                    int start = i;
                    while (i < n && Character.isDigit(template.charAt(i))) {
                        i++;
                    }
                    spec.precision = number(template.substring(start, i), 0);
                }
            }
            while (i < n && "hlL".indexOf(template.charAt(i)) >= 0) {
                i++;
            }
            if (i == n) {
                throw PythonError.valueError("incomplete format");
            }
            char conversion = template.charAt(i++);
            if (conversion == '%') {
                out.append('%');
                continue;
            }
            SizeLimits.requireChars("filter format", Math.max(spec.width, spec.precision));
            write(spec, conversion, argument(key), i - 1);
            SizeLimits.requireChars("filter format", out.length());
        }
        if (kwargs.isEmpty() && next < args.size()) {
            throw PythonError.typeError("not all arguments converted during string formatting");
        }
    }

    /** The next positional argument, or the keyword argument {@code key}. */
    private Object argument(String key) {
        if (key != null) {
            if (kwargs.isEmpty()) {
                throw PythonError.typeError("format requires a mapping");
            }
            if (!kwargs.containsKey(key)) {
                throw PythonError.of("KeyError", "'" + key + "'");
            }
            return kwargs.get(key);
        }
        if (!kwargs.isEmpty()) {
            return kwargs; // Python formats the mapping itself
        }
        if (next >= args.size()) {
            throw PythonError.typeError("not enough arguments for format string");
        }
        return args.get(next++);
    }

    private static final class Spec {
        boolean left;
        boolean plus;
        boolean space;
        boolean alternate;
        boolean zero;
        long width;
        long precision = -1;

        void flag(char c) {
            switch (c) {
                case '-' -> left = true;
                case '+' -> plus = true;
                case ' ' -> space = true;
                case '#' -> alternate = true;
                default -> zero = true;
            }
        }
    }

    private void write(Spec spec, char conversion, Object value, int at) {
        switch (conversion) {
            case 's', 'r', 'a' -> {
                String text = conversion == 's' ? SizeLimits.asText(value, String::valueOf)
                        : PyStrings.repr(value, maxChars);
                if (conversion == 'a') {
                    text = ascii(text);
                }
                if (spec.precision >= 0 && spec.precision < text.length()) {
                    text = text.substring(0, text.offsetByCodePoints(0,
                            (int) Math.min(spec.precision, PyStrings.length(text))));
                }
                pad(spec, "", text, false);
            }
            case 'c' -> {
                String text;
                if (value instanceof String s && PyStrings.length(s) == 1) {
                    text = s;
                } else if (isInteger(value)) {
                    long cp = ((Number) value).longValue();
                    if (cp < 0 || cp > Character.MAX_CODE_POINT) {
                        throw PythonError.of("OverflowError", "%c arg not in range(0x110000)");
                    }
                    text = Character.toString((int) cp);
                } else {
                    throw PythonError.typeError("%c requires int or char");
                }
                pad(spec, "", text, false);
            }
            case 'd', 'i', 'u', 'o', 'x', 'X' -> {
                BigInteger v = integerValue(value, conversion);
                String digits = v.abs().toString(conversion == 'o' ? 8 : conversion == 'x' || conversion == 'X' ? 16 : 10);
                if (conversion == 'X') {
                    digits = digits.toUpperCase(java.util.Locale.ROOT);
                }
                if (spec.precision > digits.length()) {
                    digits = "0".repeat((int) (spec.precision - digits.length())) + digits;
                }
                String prefix = !spec.alternate ? "" : conversion == 'o' ? "0o" : conversion == 'x' ? "0x"
                        : conversion == 'X' ? "0X" : "";
                pad(spec, sign(spec, v.signum() < 0) + prefix, digits, true);
            }
            case 'e', 'E', 'f', 'F', 'g', 'G' -> {
                if (!(value instanceof Number || value instanceof Boolean)) {
                    throw PythonError.typeError("must be real number, not " + PyStrings.pythonType(value));
                }
                double d = value instanceof Boolean b ? (b ? 1 : 0) : ((Number) value).doubleValue();
                boolean negative = d < 0 || (d == 0 && 1 / d < 0);
                boolean upper = Character.isUpperCase(conversion);
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    String text = Double.isNaN(d) ? "nan" : "inf";
                    spec.zero = false; // Python pads inf and nan with spaces
                    pad(spec, sign(spec, negative && !Double.isNaN(d)),
                            upper ? text.toUpperCase(java.util.Locale.ROOT) : text, true);
                    return;
                }
                int precision = spec.precision < 0 ? 6 : (int) spec.precision;
                String text = switch (Character.toLowerCase(conversion)) {
                    case 'f' -> fixed(Math.abs(d), precision, spec.alternate);
                    case 'e' -> exponent(Math.abs(d), precision, spec.alternate);
                    default -> general(Math.abs(d), precision, spec.alternate);
                };
                pad(spec, sign(spec, negative), upper ? text.toUpperCase(java.util.Locale.ROOT) : text, true);
            }
            default -> throw PythonError.valueError("unsupported format character '" + conversion + "' (0x"
                    + Integer.toHexString(conversion) + ") at index " + at);
        }
    }

    private static String sign(Spec spec, boolean negative) {
        return negative ? "-" : spec.plus ? "+" : spec.space ? " " : "";
    }

    /** Writes sign and prefix and body, padded to the width: spaces, or zeros after the sign for numbers. */
    private void pad(Spec spec, String signAndPrefix, String body, boolean numeric) {
        long length = signAndPrefix.length() + (long) PyStrings.length(body);
        int fill = (int) Math.max(0, spec.width - length);
        if (spec.left) {
            out.append(signAndPrefix).append(body).append(" ".repeat(fill));
        } else if (spec.zero && numeric) {
            out.append(signAndPrefix).append("0".repeat(fill)).append(body);
        } else {
            out.append(" ".repeat(fill)).append(signAndPrefix).append(body);
        }
    }

    private static String fixed(double d, int precision, boolean alternate) {
        String text = new BigDecimal(d).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
        return alternate && precision == 0 ? text + "." : text;
    }

    private static String exponent(double d, int precision, boolean alternate) {
        String digits;
        long exponent;
        if (d == 0) {
            digits = "0".repeat(precision + 1);
            exponent = 0;
        } else {
            BigDecimal rounded = new BigDecimal(d).round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
            digits = rounded.unscaledValue().toString();
            exponent = digits.length() - 1L - rounded.scale();
            digits = digits.length() > precision + 1 ? digits.substring(0, precision + 1)
                    : digits + "0".repeat(precision + 1 - digits.length());
        }
        String mantissa = digits.charAt(0) + (precision > 0 || alternate ? "." + digits.substring(1) : "");
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }

    private static String general(double d, int precision, boolean alternate) {
        int p = Math.max(1, precision);
        long exponent = 0;
        if (d != 0) {
            BigDecimal rounded = new BigDecimal(d).round(new MathContext(p, RoundingMode.HALF_EVEN));
            exponent = rounded.precision() - 1L - rounded.scale();
        }
        String text = exponent >= -4 && exponent < p ? fixed(d, (int) (p - 1 - exponent), alternate)
                : exponent(d, p - 1, alternate);
        if (alternate) {
            return text;
        }
        int e = text.indexOf('e');
        String mantissa = e < 0 ? text : text.substring(0, e);
        if (mantissa.indexOf('.') >= 0) {
            mantissa = mantissa.replaceAll("0+$", "");
            if (mantissa.endsWith(".")) {
                mantissa = mantissa.substring(0, mantissa.length() - 1);
            }
        }
        return e < 0 ? mantissa : mantissa + text.substring(e);
    }

    private static BigInteger integerValue(Object value, char conversion) {
        if (value instanceof Boolean b) {
            return b ? BigInteger.ONE : BigInteger.ZERO;
        }
        if (value instanceof BigInteger big) {
            return big;
        }
        if (isInteger(value)) {
            return BigInteger.valueOf(((Number) value).longValue());
        }
        if (value instanceof Number n && "diu".indexOf(conversion) >= 0) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw Double.isNaN(d) ? PythonError.valueError("cannot convert float NaN to integer")
                        : PythonError.of("OverflowError", "cannot convert float infinity to integer");
            }
            return new BigDecimal(d).toBigInteger();
        }
        throw PythonError.typeError("%" + conversion + " format: "
                + ("diu".indexOf(conversion) >= 0 ? "a real number" : "an integer") + " is required, not "
                + PyStrings.pythonType(value));
    }

    private static boolean isInteger(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
    }

    private static long integer(Object value, String error) {
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (!isInteger(value)) {
            throw PythonError.typeError(error);
        }
        return ((Number) value).longValue();
    }

    private static long number(String digits, long fallback) {
        if (digits.isEmpty()) {
            return fallback;
        }
        return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    /** Python's {@code ascii()} of a repr: characters beyond ASCII written as escapes. */
    private static String ascii(String repr) {
        StringBuilder b = new StringBuilder(repr.length());
        repr.codePoints().forEach(cp -> b.append(cp < 0x80 ? Character.toString(cp)
                : cp < 0x100 ? String.format("\\x%02x", cp)
                : cp < 0x10000 ? String.format("\\u%04x", cp) : String.format("\\U%08x", cp)));
        return b.toString();
    }
}
