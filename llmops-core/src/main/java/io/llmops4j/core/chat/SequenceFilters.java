package io.llmops4j.core.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.objects.SafeString;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Jinja's filters that go through a sequence ({@code list}, {@code first}, {@code last}, {@code sum}, {@code min},
 * {@code max}, {@code sort}, {@code batch}), taking their items as a loop does ({@link LoopTag#items}: a string's
 * characters, a map's keys) and comparing and adding them as Python does. Jinjava's took a string or map as one item
 * ({@code 'abc'|first} was {@code abc}), summed into floats ({@code [1, 2]|sum} was {@code 3.0}), had no {@code min}
 * or {@code max}, ignored {@code sort(attribute=...)} and padded the last batch with none.
 */
final class SequenceFilters {

    private SequenceFilters() {
    }

    static void register(Jinjava engine) {
        engine.registerFilter(new SequenceFilter("list", (items, a) -> items));
        engine.registerFilter(new SequenceFilter("first", (items, a) -> items.isEmpty() ? null : items.get(0)));
        engine.registerFilter(new SequenceFilter("last",
                (items, a) -> items.isEmpty() ? null : items.get(items.size() - 1)));
        engine.registerFilter(new SequenceFilter("sum", SequenceFilters::sum));
        engine.registerFilter(new SequenceFilter("min", (items, a) -> extreme(items, a, -1)));
        engine.registerFilter(new SequenceFilter("max", (items, a) -> extreme(items, a, 1)));
        engine.registerFilter(new SequenceFilter("sort", SequenceFilters::sort));
        engine.registerFilter(new SequenceFilter("batch", SequenceFilters::batch));
    }

    /** The arguments of one filter call, by position or by name, in the filter's parameter order. */
    record Arguments(JinjavaInterpreter interpreter, Object[] positional, Map<String, Object> named) {
        Object get(int position, String name, Object fallback) {
            return position < positional.length ? positional[position] : named.getOrDefault(name, fallback);
        }

        /** The value of {@code attribute} (a dotted path, as Jinja's {@code make_attrgetter}) of an item. */
        Object attribute(Object item, Object attribute) {
            return attribute == null || attribute == PyNone.NONE ? item
                    : interpreter.resolveProperty(item, List.of(String.valueOf(attribute).split("\\.")));
        }
    }

    interface Body {
        Object apply(List<Object> items, Arguments arguments);
    }

    /** A filter over the items of its input: none, numbers and booleans are a TypeError, an undefined value empty. */
    private static final class SequenceFilter extends KeywordFilter {
        private final Body body;

        SequenceFilter(String name, Body body) {
            super(name);
            this.body = body;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            List<Object> items = new ArrayList<>();
            if (var != null) {
                Iterator<?> it = LoopTag.items(var instanceof SafeString s ? s.getValue() : var, interpreter);
                if (it == null) {
                    throw PythonError.typeError("'" + PyStrings.pythonType(var) + "' object is not iterable");
                }
                while (it.hasNext()) {
                    RenderBudget.check();
                    items.add(it.next());
                }
            }
            return body.apply(items, new Arguments(interpreter, args == null ? new Object[0] : args,
                    kwargs == null ? Map.of() : kwargs));
        }
    }

    /** {@code sum(attribute=None, start=0)}: integers stay integers, a float makes the sum a float. */
    private static Object sum(List<Object> items, Arguments a) {
        Object attribute = a.get(0, "attribute", null);
        Object total = a.get(1, "start", 0L);
        for (Object item : items) {
            total = add(total, a.attribute(item, attribute));
        }
        return total;
    }

    private static Object add(Object x, Object y) {
        if (!isNumber(x) || !isNumber(y)) {
            throw PythonError.typeError("unsupported operand type(s) for +: '" + PyStrings.pythonType(x) + "' and '"
                    + PyStrings.pythonType(y) + "'");
        }
        if (isInteger(x) && isInteger(y)) {
            BigInteger sum = integer(x).add(integer(y));
            return sum.bitLength() < 64 ? (Object) sum.longValue() : sum;
        }
        return number(x) + number(y);
    }

    /** {@code min} / {@code max(case_sensitive=False, attribute=None)}: undefined for no items. */
    private static Object extreme(List<Object> items, Arguments a, int sign) {
        if (items.isEmpty()) {
            return null;
        }
        Comparator<Object> order = order(a, a.get(1, "attribute", null), PyTruth.of(a.get(0, "case_sensitive", false)));
        Object best = items.get(0);
        for (Object item : items) {
            if (order.compare(item, best) * sign > 0) {
                best = item;
            }
        }
        return best;
    }

    /**
     * {@code sort(reverse=False, case_sensitive=False, attribute=None)}: stable, as Python's {@code sorted}; the
     * attribute may name several, separated by commas, compared in turn.
     */
    private static Object sort(List<Object> items, Arguments a) {
        Object attribute = a.get(2, "attribute", null);
        boolean caseSensitive = PyTruth.of(a.get(1, "case_sensitive", false));
        Comparator<Object> order = (x, y) -> 0;
        for (String one : attribute == null || attribute == PyNone.NONE ? new String[] {null}
                : String.valueOf(attribute).split(",")) {
            order = order.thenComparing(order(a, one == null ? null : one.trim(), caseSensitive));
        }
        List<Object> sorted = new ArrayList<>(items);
        sorted.sort(PyTruth.of(a.get(0, "reverse", false)) ? order.reversed() : order);
        return sorted;
    }

    /** {@code batch(linecount, fill_with=None)}: lists of {@code linecount} items, the last filled only if asked. */
    private static Object batch(List<Object> items, Arguments a) {
        Object count = a.get(0, "linecount", null);
        if (!isInteger(count) || integer(count).signum() <= 0) {
            throw PythonError.valueError("batch needs a positive number of items, not " + count);
        }
        int size = (int) Math.min(Integer.MAX_VALUE, integer(count).longValue());
        Object fill = a.get(1, "fill_with", null);
        List<Object> batches = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            List<Object> batch = new ArrayList<>(items.subList(i, Math.min(items.size(), i + size)));
            if (fill != null && fill != PyNone.NONE) {
                SizeLimits.requireItems("filter batch", size);
                while (batch.size() < size) {
                    batch.add(fill);
                }
            }
            batches.add(batch);
        }
        return batches;
    }

    /** Python's ordering of the items (or of an attribute of each); strings ignore case unless asked not to. */
    private static Comparator<Object> order(Arguments a, Object attribute, boolean caseSensitive) {
        return (x, y) -> compare(key(a.attribute(x, attribute), caseSensitive), key(a.attribute(y, attribute),
                caseSensitive));
    }

    private static Object key(Object value, boolean caseSensitive) {
        Object v = value instanceof SafeString s ? s.getValue() : value;
        return !caseSensitive && v instanceof String s ? s.toLowerCase(java.util.Locale.ROOT) : v;
    }

    /** Python's {@code <} between two values: numbers, strings (by code point) and lists of them. */
    static int compare(Object x, Object y) {
        RenderBudget.check();
        if (isNumber(x) && isNumber(y)) {
            if (isInteger(x) && isInteger(y)) {
                return integer(x).compareTo(integer(y));
            }
            double p = number(x);
            double q = number(y);
            return Double.isFinite(p) && Double.isFinite(q) ? decimal(x).compareTo(decimal(y)) : Double.compare(p, q);
        }
        if (x instanceof String s && y instanceof String t) {
            return compareCodePoints(s, t);
        }
        if (x instanceof List<?> l && y instanceof List<?> m) {
            for (int i = 0; i < Math.min(l.size(), m.size()); i++) {
                int c = compare(l.get(i), m.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(l.size(), m.size());
        }
        throw PythonError.typeError("'<' not supported between instances of '" + PyStrings.pythonType(x)
                + "' and '" + PyStrings.pythonType(y) + "'");
    }

    private static int compareCodePoints(String s, String t) {
        int i = 0;
        int j = 0;
        while (i < s.length() && j < t.length()) {
            int a = s.codePointAt(i);
            int b = t.codePointAt(j);
            if (a != b) {
                return Integer.compare(a, b);
            }
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Boolean.compare(i < s.length(), j < t.length());
    }

    private static boolean isNumber(Object o) {
        return o instanceof Number || o instanceof Boolean;
    }

    private static boolean isInteger(Object o) {
        return o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte
                || o instanceof BigInteger || o instanceof Boolean;
    }

    private static BigInteger integer(Object o) {
        return o instanceof Boolean b ? (b ? BigInteger.ONE : BigInteger.ZERO)
                : o instanceof BigInteger i ? i : BigInteger.valueOf(((Number) o).longValue());
    }

    private static double number(Object o) {
        return o instanceof Boolean b ? (b ? 1 : 0) : ((Number) o).doubleValue();
    }

    private static BigDecimal decimal(Object o) {
        return isInteger(o) ? new BigDecimal(integer(o)) : new BigDecimal(number(o));
    }
}
