package io.llmops4j.core.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.el.ext.AdditionOperator;
import com.hubspot.jinjava.el.ext.AstDict;
import com.hubspot.jinjava.el.ext.CollectionMembershipOperator;
import com.hubspot.jinjava.el.ext.CollectionNonMembershipOperator;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.expression.ExpressionStrategy;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.EscapeFilter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.mode.ExecutionMode;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.tree.output.RenderedOutputNode;
import com.hubspot.jinjava.tree.parse.ExpressionToken;
import jinjava.de.odysseus.el.misc.TypeConverter;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstBracket;
import jinjava.de.odysseus.el.tree.impl.ast.AstIdentifier;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.javax.el.ELContext;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Size checks for values that one expression can build, made before they are built. Jinjava bounds string
 * concatenation, {@code slice} and {@code range} itself (with the limits of the engine's
 * {@link com.hubspot.jinjava.JinjavaConfig}); the built-in filters whose result size is chosen by an argument
 * ({@code format}, {@code center}, {@code indent}, {@code replace}, {@code batch}, ...) are not, so a ten-character
 * template can ask for a string of a billion characters. {@link #install} wraps every filter of an engine so that
 * it refuses such a result, and any filter input that would have to be written out at more than the limit, before
 * the filter runs. The limits are the engine's own: {@code maxStringLength} for strings, {@code maxListSize} for
 * lists, read from the config of the rendering interpreter. A refusal is a {@link LimitExceeded}, which
 * {@link ChatTemplate} turns into a {@link ChatTemplateException} with the same message.
 */
final class SizeLimits {

    private SizeLimits() {
    }

    /**
     * Filters that select, reorder, count or convert items without writing their input out as text; their input may
     * be larger than the string limit (a long conversation passed through {@code selectattr}, say).
     */
    private static final Set<String> STRUCTURAL = Set.of("length", "count", "first", "last", "list", "sort",
            "reverse", "unique", "select", "reject", "selectattr", "rejectattr", "map", "groupby", "dictsort",
            "batch", "slice", "default", "d", "attr", "bool", "random", "shuffle", "union", "intersect",
            "difference", "symmetric_difference");

    /** A {@code java.util.Formatter} specifier: index, flags, width, precision, conversion. */
    private static final Pattern FORMAT_SPECIFIER =
            Pattern.compile("%(\\d+\\$|<)?([-#+ 0,(]*)?(\\d+)?(\\.\\d+)?([tT])?([a-zA-Z%])");

    /** Allowance per format specifier for the digits of a number ({@code %f} of 1e308 writes 309 digits). */
    private static final int NUMBER_DIGITS = 400;

    /** Thrown when a result would exceed a limit; the message names the operation and the limit. */
    static final class LimitExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LimitExceeded(String message) {
            super(message, null, false, false);
        }
    }

    /** The longest string a render may build: the engine's {@code maxStringLength}. */
    static long maxChars() {
        return JinjavaInterpreter.getCurrent().getConfig().getMaxStringLength();
    }

    /** The longest list a render may build: the engine's {@code maxListSize}. */
    static long maxItems() {
        return JinjavaInterpreter.getCurrent().getConfig().getMaxListSize();
    }

    /** Refuses an operation whose result would have {@code chars} characters, more than {@link #maxChars()}. */
    static void requireChars(String operation, long chars) {
        long max = maxChars();
        if (chars > max) {
            throw exceeded(operation, chars, max);
        }
    }

    /** The refusal of an operation whose result would have {@code chars} characters, more than {@code max}. */
    static LimitExceeded exceeded(String operation, long chars, long max) {
        return new LimitExceeded(operation + " would build a string of "
                + (chars == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : Long.toString(chars))
                + " characters, more than the limit of " + max);
    }

    /** Refuses an operation whose result would have {@code items} items, more than {@link #maxItems()}. */
    static void requireItems(String operation, long items) {
        long max = maxItems();
        if (items > max) {
            throw new LimitExceeded(operation + " would build a list of " + items + " items, more than the limit of "
                    + max);
        }
    }

    /**
     * An upper bound of the characters {@code value} takes when written out (strings, numbers, and maps and lists
     * of them, with two characters per item for separators), counted only up to {@code budget}: once the count
     * passes it the walk stops and returns it. Every item counts, so a self-containing structure ends the walk too.
     */
    static long textSize(Object value, long budget) {
        long[] size = {0};
        addTextSize(value, budget, size);
        return size[0];
    }

    private static void addTextSize(Object value, long budget, long[] size) {
        if (size[0] > budget) {
            return;
        }
        if (value instanceof CharSequence s) {
            size[0] += s.length();
        } else if (value instanceof SafeString s) {
            size[0] += s.getValue().length();
        } else if (value instanceof Map<?, ?> map) {
            size[0] += 2;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                size[0] += 4;
                addTextSize(e.getKey(), budget, size);
                addTextSize(e.getValue(), budget, size);
                if (size[0] > budget) {
                    return;
                }
            }
        } else if (value instanceof Iterable<?> items) {
            size[0] += 2;
            for (Object item : items) {
                size[0] += 2;
                addTextSize(item, budget, size);
                if (size[0] > budget) {
                    return;
                }
            }
        } else if (value instanceof Map.Entry<?, ?> e) {
            size[0] += 1; // key=value
            addTextSize(e.getKey(), budget, size);
            addTextSize(e.getValue(), budget, size);
        } else if (value instanceof Object[] items) {
            addTextSize(java.util.Arrays.asList(items), budget, size);
        } else {
            size[0] += value == null ? 4 : Math.min(String.valueOf(value).length(), NUMBER_DIGITS);
        }
    }

    /**
     * Wraps every filter of the engine (built-in and registered so far) in a {@link BoundedFilter}, and every test
     * ({@code is ...}) in a {@link BoundedTest}.
     */
    static void install(Jinjava engine) {
        List<Filter> filters = new ArrayList<>(engine.getGlobalContext().getAllFilters());
        for (Filter filter : filters) {
            if (!(filter instanceof BoundedFilter)) {
                engine.registerFilter(new BoundedFilter(filter));
            }
        }
        List<ExpTest> tests = new ArrayList<>(engine.getGlobalContext().getAllExpTests());
        for (ExpTest test : tests) {
            if (!(test instanceof BoundedTest)) {
                engine.getGlobalContext().registerExpTest(new BoundedTest(test));
            }
        }
    }

    /**
     * A test that checks the render budget and refuses a list or map argument (and, for the {@code string_...}
     * tests, value) that it would write out at more than the limit, before calling the test it wraps.
     */
    static final class BoundedTest implements ExpTest {
        private final ExpTest delegate;

        BoundedTest(ExpTest delegate) {
            this.delegate = delegate;
        }

        @Override
        public String getName() {
            return delegate.getName();
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            check(var, args);
            return delegate.evaluate(var, interpreter, args);
        }

        @Override
        public boolean evaluateNegated(Object var, JinjavaInterpreter interpreter, Object... args) {
            check(var, args);
            return delegate.evaluateNegated(var, interpreter, args);
        }

        private void check(Object var, Object[] args) {
            RenderBudget.check();
            String operation = "test " + getName();
            if (getName().startsWith("string")) {
                requireWritable(operation + " on its input", var);
            }
            if (args != null) {
                for (Object arg : args) {
                    requireWritable(operation + " on its argument", arg);
                }
            }
        }
    }

    /**
     * A filter that checks the size of what it is given and of what it would return before calling the filter it
     * wraps, and the length of the string it returned afterwards. Behaviour is otherwise the wrapped filter's.
     */
    static final class BoundedFilter implements Filter {
        private final Filter delegate;

        BoundedFilter(Filter delegate) {
            this.delegate = delegate;
        }

        @Override
        public String getName() {
            return delegate.getName();
        }

        @Override
        public boolean preserveSafeString() {
            return delegate.preserveSafeString();
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            RenderBudget.check();
            check(var, args, Map.of());
            return checked(delegate.filter(var, interpreter, args));
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            RenderBudget.check();
            Object[] positional = args == null ? new Object[0] : args;
            Map<String, Object> named = kwargs == null ? Map.of() : kwargs;
            check(var, positional, named);
            return checked(delegate.filter(var, interpreter, args, kwargs));
        }

        @Override
        public Object filter(SafeString var, JinjavaInterpreter interpreter, String... args) {
            RenderBudget.check();
            check(var, args, Map.of());
            return checked(delegate.filter(var, interpreter, args));
        }

        private String operation() {
            return "filter " + getName();
        }

        private Object checked(Object result) {
            RenderBudget.check();
            if (result instanceof CharSequence s) {
                requireChars(operation(), s.length());
            }
            return result;
        }

        private void check(Object var, Object[] args, Map<String, Object> kwargs) {
            long max = maxChars();
            String name = getName();
            if (!STRUCTURAL.contains(name)) {
                requireChars(operation() + " on its input", textSize(var, max));
                for (Object arg : args) {
                    requireChars(operation() + " on its argument", textSize(arg, max));
                }
                for (Object arg : kwargs.values()) {
                    requireChars(operation() + " on its argument", textSize(arg, max));
                }
            }
            switch (name) {
                case "center" -> {
                    // StringUtils.center(s, width): max(len, width) characters
                    long width = args.length > 0 ? number(args[0], 80) : 80;
                    requireChars(operation() + "(" + width + ")", Math.max(width, textSize(var, max)));
                }
                case "indent" -> {
                    // width spaces before each line (at most newlines + 1 of them)
                    long width = number(kwargs.getOrDefault("width", args.length > 0 ? args[0] : null), 4);
                    String s = var == null ? "" : var.toString();
                    long lines = s.chars().filter(c -> c == '\n').count() + 1;
                    requireChars(operation() + "(" + width + ")", saturatingAdd(s.length(), saturatingMultiply(width, lines)));
                }
                case "format" -> requireChars(operation(), formatSize(var == null ? "" : var.toString(), args, max));
                case "replace" -> {
                    if (var != null && args.length >= 2 && args[0] != null && args[1] != null) {
                        long count = args.length > 2 ? number(args[2], -1) : -1;
                        String s = var.toString();
                        requireChars(operation(), replacedSize(s, args[0].toString(), args[1].toString(), count));
                    }
                }
                case "join" -> {
                    // the items written out, plus a separator between each two
                    String separator = args.length > 0 && args[0] != null ? args[0].toString() : "";
                    long items = var instanceof Collection<?> c ? c.size() : var instanceof Map<?, ?> m ? m.size() : 0;
                    requireChars(operation(), saturatingAdd(textSize(var, max),
                            saturatingMultiply(separator.length(), Math.max(0, items - 1))));
                }
                case "batch" -> {
                    // with a fill value the last batch is padded to the batch size
                    if (args.length > 1) {
                        requireItems(operation(), number(args[0], 0));
                    }
                }
                default -> {
                }
            }
        }
    }

    /**
     * Whether converting {@code value} to {@code type} may write it out as text: a container converted to a string,
     * a number or a character (the expression language's conversions to numbers put the value into their error
     * message).
     */
    private static boolean writesOut(Object value, Class<?> type) {
        if (!(value instanceof Collection<?> || value instanceof Map<?, ?> || value instanceof Map.Entry<?, ?>
                || value instanceof Object[])) {
            return false;
        }
        return type == String.class || type == CharSequence.class || type == Character.class || type == char.class
                || Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class);
    }

    /**
     * Jinjava's type converter for the expression language, bounded: every conversion checks the render budget,
     * and a list or map converted to text (by {@code ~}, {@code in} on a string, a comparison or arithmetic with a
     * string or number, a function's string parameter, ...) is refused if it would be written out at more than
     * {@link #maxChars()} characters, before it is.
     */
    static final class BoundedTypeConverter extends TruthyTypeConverter {
        private static final long serialVersionUID = 1L;

        @Override
        protected Object coerceToType(Object value, Class<?> type) {
            RenderBudget.check();
            if (type != null && writesOut(value, type) && JinjavaInterpreter.getCurrent() != null) {
                requireChars("converting a " + PyStrings.typeName(value) + " to "
                        + (type == String.class ? "a string" : type.getSimpleName()), textSize(value, maxChars()));
            }
            return super.coerceToType(value, type);
        }

        /** Python's truth value, see {@link PyTruth}. */
        @Override
        protected Boolean coerceToBoolean(Object value) {
            return PyTruth.of(value);
        }

        /** Python's {@code str} of booleans, floats, lists and maps, see {@link #asText}. */
        @Override
        protected String coerceToString(Object value) {
            return asText(value, super::coerceToString);
        }
    }

    /** Refuses {@code value} if it is a list or map that would be written out at more than the limit. */
    private static void requireWritable(String operation, Object value) {
        if (value instanceof Collection<?> || value instanceof Map<?, ?> || value instanceof Map.Entry<?, ?>
                || value instanceof Object[]) {
            requireChars(operation, textSize(value, maxChars()));
        }
    }

    /**
     * Python's {@code +}: strings join (refused before the result outgrows the limit), lists join, numbers add; any
     * other pair is Python's {@code TypeError} ({@code 'a' + none}, a string and a number, a list and an item, two
     * maps), and an undefined operand an error as Jinja's {@code Undefined} raises. Jinjava's wrote the other operand
     * out as Java's text ({@code 'a' + none} was {@code anull}, a map {@code {k=1}}), appended an item to a list and
     * merged maps.
     */
    static final class BoundedAddition extends AdditionOperator {
        static final BoundedAddition OP = new BoundedAddition();

        @Override
        protected Object apply(TypeConverter converter, Object a, Object b) {
            RenderBudget.check();
            Object x = a instanceof SafeString s ? s.getValue() : a;
            Object y = b instanceof SafeString s ? s.getValue() : b;
            if (x == null || y == null) {
                throw PythonError.of("UndefinedError", "an undefined value cannot be an operand of '+'");
            }
            if (x instanceof String s && y instanceof String t) {
                requireChars("'+' with a string", (long) s.length() + t.length());
                return s + t;
            }
            if (x instanceof Collection<?> l && y instanceof Collection<?> m) {
                requireItems("'+' of two lists", (long) l.size() + m.size());
                return super.apply(converter, x, y);
            }
            boolean numbers = (x instanceof Number || x instanceof Boolean) && (y instanceof Number || y instanceof Boolean);
            if (!numbers) {
                String left = PyStrings.pythonType(x);
                String right = PyStrings.pythonType(y);
                throw PythonError.typeError(left.equals("str") || left.equals("list")
                        ? "can only concatenate " + left + " (not \"" + right + "\") to " + left
                        : "unsupported operand type(s) for +: '" + left + "' and '" + right + "'");
            }
            return super.apply(converter, x instanceof Boolean p ? (p ? 1L : 0L) : x,
                    y instanceof Boolean q ? (q ? 1L : 0L) : y);
        }
    }

    /**
     * Jinjava's dict literal, which (with evaluated keys) writes a variable used as a key out as the key: a list or
     * map too long for the limit is refused before. (The key variable is looked up twice, once here; a lookup has
     * no side effects.)
     */
    static final class BoundedDict extends AstDict {
        BoundedDict(Map<AstNode, AstNode> dict) {
            super(dict);
        }

        @Override
        public Object eval(Bindings bindings, ELContext context) {
            RenderBudget.check();
            for (AstNode key : dict.keySet()) {
                if (key instanceof AstIdentifier) {
                    requireWritable("a dict key", key.eval(bindings, context));
                }
            }
            return super.eval(bindings, context);
        }
    }

    /**
     * A subscript ({@code x[key]}): jinjava's resolver writes the key out as text before looking it up, so a list or
     * map key too long for the limit is refused first.
     */
    static final class BoundedBracket extends AstBracket {
        BoundedBracket(AstNode base, AstNode property, boolean lvalue, boolean strict) {
            super(base, property, lvalue, strict);
        }

        @Override
        protected Object getProperty(Bindings bindings, ELContext context) {
            Object key = super.getProperty(bindings, context);
            RenderBudget.check();
            requireWritable("a subscript", key);
            return key;
        }
    }

    /** Jinjava's {@code in}, refusing to write out a value too long for the limit to look for it in a string. */
    static final class BoundedMembership extends CollectionMembershipOperator {
        @Override
        public Object apply(TypeConverter converter, Object value, Object container) {
            checkMembership("'in'", value, container);
            return super.apply(converter, value, container);
        }
    }

    /** Jinjava's {@code not in}, bounded as {@link BoundedMembership}. */
    static final class BoundedNonMembership extends CollectionNonMembershipOperator {
        @Override
        public Object apply(TypeConverter converter, Object value, Object container) {
            checkMembership("'not in'", value, container);
            return super.apply(converter, value, container);
        }
    }

    /**
     * The checks of {@code value in container}: the budget, the size of a value to be looked for in a string, and
     * Python's {@code TypeError} for a container that is none, a number or a boolean (jinjava answered false).
     */
    private static void checkMembership(String operator, Object value, Object container) {
        RenderBudget.check();
        if (container instanceof CharSequence) {
            requireChars(operator + " on a string", textSize(value, maxChars()));
        }
        if (container == PyNone.NONE || container instanceof Number || container instanceof Boolean) {
            throw PythonError.typeError("argument of type '" + PyStrings.pythonType(container) + "' is not iterable");
        }
    }

    /**
     * A value written out as text by printing ({@code {{ x }}}), {@code ~} or the {@code string} filter: Python's
     * {@code str} ({@link PyStrings#str}) for booleans, floats, lists and maps, as Jinja writes them, bounded by
     * {@link #maxChars()}; an empty string for none, which jinjava does not tell from an undefined value here (Jinja
     * writes {@code None} for none and nothing for undefined); other values (strings, integers, jinjava's own
     * objects) by {@code jinjava}'s own conversion.
     */
    static String asText(Object value, java.util.function.Function<Object, String> jinjava) {
        if (value == null) {
            return "";
        }
        if (value == PyNone.NONE) {
            return "None";
        }
        if (value instanceof Boolean || value instanceof Double || value instanceof Float
                || value instanceof java.math.BigDecimal || value instanceof Collection<?> || value instanceof Map<?, ?>) {
            JinjavaInterpreter current = JinjavaInterpreter.getCurrent();
            return PyStrings.str(value, current == null ? Long.MAX_VALUE : current.getConfig().getMaxStringLength());
        }
        return jinjava.apply(value);
    }

    /**
     * Jinjava's strategy for printing an expression ({@code {{ x }}}), bounded: it checks the render budget and
     * refuses a value that would be written out at more than {@link #maxChars()} characters, before jinjava
     * turns it into one string (a list that holds one long string many times, say), and writes values out as
     * {@link #asText} does.
     */
    static final class BoundedExpressionStrategy implements ExpressionStrategy {
        private static final long serialVersionUID = 1L;

        /** Jinjava's DefaultExpressionStrategy with the check between evaluating and writing out (and no nested
         *  interpretation, which the engine's config disables). */
        @Override
        public RenderedOutputNode interpretOutput(ExpressionToken master, JinjavaInterpreter interpreter) {
            Object value = interpreter.resolveELExpression(master.getExpr(), master.getLineNumber());
            RenderBudget.check();
            requireChars("printing a " + PyStrings.typeName(value), textSize(value, maxChars()));
            String result = asText(value, interpreter::getAsString);
            if (interpreter.getContext().isAutoEscape() && !(value instanceof SafeString)) {
                result = EscapeFilter.escapeHtmlEntities(result);
            }
            return new RenderedOutputNode(result);
        }
    }

    /** The execution mode of the engine: jinjava's default one, printing expressions with a
     *  {@link BoundedExpressionStrategy}. */
    static final class BoundedExecutionMode implements ExecutionMode {
        @Override
        public void prepareContext(Context context) {
            context.setExpressionStrategy(new BoundedExpressionStrategy());
        }
    }

    /**
     * An upper bound of the length of {@code String.format(format, args)}: the literal text, and per specifier the
     * larger of its width and precision plus the longest argument written out (plus room for a number's digits).
     */
    static long formatSize(String format, Object[] args, long max) {
        long longestArg = 0;
        for (Object arg : args) {
            longestArg = Math.max(longestArg, textSize(arg, max));
        }
        long size = format.length();
        Matcher m = FORMAT_SPECIFIER.matcher(format);
        while (m.find()) {
            long width = m.group(3) == null ? 0 : parse(m.group(3));
            long precision = m.group(4) == null ? 0 : parse(m.group(4).substring(1));
            long one = saturatingAdd(saturatingAdd(width, precision), longestArg + NUMBER_DIGITS);
            size = saturatingAdd(size, one);
        }
        return size;
    }

    /** The length of {@code s} with (at most {@code count}, all if negative) occurrences of {@code old} replaced. */
    static long replacedSize(String s, String old, String replacement, long count) {
        if (old.isEmpty()) {
            // Python inserts the replacement around every character; jinjava's filter leaves the string alone
            long n = count < 0 ? s.length() + 1L : Math.min(count, s.length() + 1L);
            return saturatingAdd(s.length(), saturatingMultiply(replacement.length(), n));
        }
        long n = 0;
        for (int at = s.indexOf(old); at >= 0 && (count < 0 || n < count); at = s.indexOf(old, at + old.length())) {
            n++;
        }
        return saturatingAdd(s.length(), saturatingMultiply(replacement.length() - (long) old.length(), n));
    }

    private static long parse(String digits) {
        return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    /** A filter argument as a number ({@code fallback} when absent or not numeric, as jinjava's filters parse). */
    private static long number(Object arg, long fallback) {
        if (arg instanceof Number n) {
            return n.longValue();
        }
        if (arg != null) {
            try {
                double d = Double.parseDouble(arg.toString().trim());
                return Double.isNaN(d) ? fallback : (long) d; // saturates at Long.MIN_VALUE / MAX_VALUE
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }

    static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    static long saturatingMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi == 0 && lo >= 0) || (hi == -1 && lo < 0) ? lo : Long.MAX_VALUE;
    }
}
