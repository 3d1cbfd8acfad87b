package io.llmops4j.core.chat;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.ext.AdditionOperator;
import com.hubspot.jinjava.el.ext.AstDict;
import com.hubspot.jinjava.el.ext.CollectionMembershipOperator;
import com.hubspot.jinjava.el.ext.CollectionNonMembershipOperator;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeStore;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Cache;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.Scanner;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import com.hubspot.jinjava.el.ext.AstNamedParameter;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstBracket;
import jinjava.de.odysseus.el.tree.impl.ast.AstIdentifier;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstParameters;
import jinjava.de.odysseus.el.tree.impl.ast.AstRightValue;
import jinjava.de.odysseus.el.tree.impl.ast.AstUnary;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ExpressionFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Jinja's expression syntax where jinjava's parser differs from it:
 * <ul>
 * <li>precedence of {@code not}. Jinjava inherits the expression language's rule that {@code not} binds
 * tighter than everything, so {@code not x is defined} means {@code (not x) is defined}. In Jinja {@code not} sits
 * between {@code and} and the comparisons: {@code not x is defined} is {@code not (x is defined)} and
 * {@code not a == b} is {@code not (a == b)}, which HF templates rely on ({@code {% if not tools is defined %}});</li>
 * <li>keyword arguments take a whole expression: jinjava parses {@code name=} as an additive operator, so
 * {@code namespace(i=messages|length - 1)} was {@code (i=messages|length) - 1} (Qwen3's template);</li>
 * <li>subscripts and slices follow Python: {@code x[start:stop:step]} with every part optional and the step
 * possibly negative ({@code messages[::-1]}), see {@link PySlice};</li>
 * <li>the tests {@code defined}, {@code undefined} and {@code none} tell none ({@link PyNone}) from an undefined
 * value (null), as Jinja does: {@code tools is defined} and {@code tools is none} are both true when {@code tools}
 * is none, and an undefined value is not none.</li>
 * </ul>
 *
 * <p>The parser also builds the size-checked operators and nodes of {@link SizeLimits} ({@code +}, {@code in},
 * {@code not in}, subscripts, dict literals) where jinjava's would write a list or map out as text unchecked.
 */
final class JinjaPrecedence {

    private JinjaPrecedence() {
    }

    /** An expression factory like jinjava's default one, parsing with Jinja's {@code not} precedence and converting
     *  values with {@link SizeLimits.BoundedTypeConverter}. */
    static ExpressionFactory expressionFactory() {
        Builder builder = new JinjaSyntaxBuilder(Builder.Feature.METHOD_INVOCATIONS, Builder.Feature.VARARGS);
        return new ExpressionFactoryImpl(new TreeStore(builder, new Cache(1000)), new SizeLimits.BoundedTypeConverter());
    }

    private static final class JinjaSyntaxBuilder extends ExtendedSyntaxBuilder {
        private static final long serialVersionUID = 1L;

        JinjaSyntaxBuilder(Builder.Feature... features) {
            super(features);
        }

        @Override
        protected Parser createParser(String expression) {
            return new JinjaParser(this, expression);
        }
    }

    private static final class JinjaParser extends ExtendedParser {
        JinjaParser(Builder context, String input) {
            super(context, input);
            // 'x in s' / 'x not in s' write x out as text when s is a string; these operators check its size first
            putExtensionHandler(CollectionMembershipOperator.TOKEN,
                    binary(CollectionMembershipOperator.HANDLER, new SizeLimits.BoundedMembership()));
            putExtensionHandler(CollectionNonMembershipOperator.TOKEN,
                    binary(CollectionNonMembershipOperator.HANDLER, new SizeLimits.BoundedNonMembership()));
        }

        /**
         * {@code +} with a string writes the other operand out: {@link SizeLimits.BoundedAddition} checks it first;
         * {@code %}, {@code /}, {@code *}, {@code ==} and {@code !=} are Python's ({@link PythonModulo},
         * {@link PythonDivision}, {@link PythonMultiplication}, {@link PythonEquality}).
         */
        @Override
        protected AstBinary createAstBinary(AstNode left, AstNode right, AstBinary.Operator operator) {
            return super.createAstBinary(left, right, operator == AdditionOperator.OP ? SizeLimits.BoundedAddition.OP
                    : operator == AstBinary.MOD ? PythonModulo.OP
                    : operator == AstBinary.DIV ? PythonDivision.OP
                    : operator == AstBinary.MUL ? PythonMultiplication.OP
                    : operator == AstBinary.EQ ? PythonEquality.EQ
                    : operator == AstBinary.NE ? PythonEquality.NE : operator);
        }

        /** String literals with Python's escapes, see {@link PyStrings#unescape}. */
        @Override
        protected Scanner createScanner(String expression) {
            return new PythonStringScanner(expression);
        }

        /** A dict literal writes a variable used as a key out as its key: {@link SizeLimits.BoundedDict} checks it. */
        @Override
        protected AstDict createAstDict(java.util.Map<AstNode, AstNode> dict) {
            return new SizeLimits.BoundedDict(dict);
        }

        /** A subscript is written out as text before it is looked up: {@link SizeLimits.BoundedBracket} checks it. */
        @Override
        protected AstBracket createAstBracket(AstNode base, AstNode property, boolean lvalue, boolean strict) {
            return new SizeLimits.BoundedBracket(base, property, lvalue, strict);
        }

        private static ExtensionHandler binary(ExtensionHandler original, AstBinary.Operator operator) {
            return new ExtensionHandler(original.getExtensionPoint()) {
                @Override
                public AstNode createAstNode(AstNode... children) {
                    return new AstBinary(children[0], children[1], operator);
                }
            };
        }

        /** A keyword argument's value is a whole expression (jinjava would stop at the first {@code +} or {@code -}). */
        @Override
        protected AstParameters params(Scanner.Symbol left, Scanner.Symbol right)
                throws Scanner.ScanException, ParseException {
            consumeToken(left);
            List<AstNode> arguments = new ArrayList<>();
            AstNode v = argument(false);
            if (v != null) {
                arguments.add(v);
                while (getToken().getSymbol() == Scanner.Symbol.COMMA) {
                    consumeToken();
                    arguments.add(argument(true));
                }
            }
            consumeToken(right);
            return createAstParameters(arguments);
        }

        /** {@code argument := IDENTIFIER '=' expr | expr} */
        private AstNode argument(boolean required) throws Scanner.ScanException, ParseException {
            if (getToken().getSymbol() == Scanner.Symbol.IDENTIFIER
                    && lookahead(0).getSymbol() == Scanner.Symbol.EXTENSION && "=".equals(lookahead(0).getImage())) {
                AstIdentifier name = identifier(consumeToken().getImage());
                consumeToken(); // '='
                return new AstNamedParameter(name, expr(true));
            }
            return expr(required);
        }

        /**
         * {@code value := primary ('.' IDENTIFIER params? | '[' subscript ']' params?)*} with Python's subscripts:
         * {@code [i]}, and {@code [start:stop]} / {@code [start:stop:step]} with every part optional. Filters and tests
         * after a value are parsed by {@code filter()}, as the engine always uses natural operator precedence.
         */
        @Override
        protected AstNode value() throws Scanner.ScanException, ParseException {
            boolean lvalue = true;
            AstNode v = nonliteral();
            if (v == null) {
                v = literal();
                if (v == null) {
                    return null;
                }
                lvalue = false;
            }
            while (true) {
                switch (getToken().getSymbol()) {
                    case DOT -> {
                        consumeToken();
                        String name = consumeToken(Scanner.Symbol.IDENTIFIER).getImage();
                        v = callIfParenthesis(createAstDot(v, name, lvalue));
                    }
                    case LBRACK -> {
                        consumeToken();
                        AstNode start = expr(false);
                        if (getToken().getSymbol() == Scanner.Symbol.COLON) {
                            consumeToken();
                            AstNode stop = expr(false);
                            AstNode step = null;
                            if (getToken().getSymbol() == Scanner.Symbol.COLON) {
                                consumeToken();
                                step = expr(false);
                            }
                            consumeToken(Scanner.Symbol.RBRACK);
                            v = new PySlice.Node(v, start, stop, step);
                        } else {
                            if (start == null) {
                                fail("an index or a slice");
                            }
                            consumeToken(Scanner.Symbol.RBRACK);
                            v = callIfParenthesis(createAstBracket(v, start, lvalue,
                                    !context.isEnabled(Builder.Feature.NULL_PROPERTIES)));
                        }
                    }
                    default -> {
                        return v;
                    }
                }
            }
        }

        private AstNode callIfParenthesis(jinjava.de.odysseus.el.tree.impl.ast.AstProperty property)
                throws Scanner.ScanException, ParseException {
            if (getToken().getSymbol() == Scanner.Symbol.LPAREN && context.isEnabled(Builder.Feature.METHOD_INVOCATIONS)) {
                return createAstMethod(property, params());
            }
            return property;
        }

        /** Set by {@code filter()} for the {@code unary()} call that parses its operand (not for nested ones). */
        private boolean operandOfFilter;

        /**
         * A filter chain, and the test after it: Jinja reads {@code x|length is even} as {@code (x|length) is even},
         * where jinjava's parser took either filters or a test.
         */
        @Override
        protected AstNode filter(boolean required) throws Scanner.ScanException, ParseException {
            operandOfFilter = true;
            AstNode v = super.filter(required);
            if (v == null || !"is".equals(getToken().getImage())) {
                return v;
            }
            boolean negated = "not".equals(lookahead(0).getImage());
            Scanner.Token name = lookahead(negated ? 1 : 0);
            if (name.getSymbol() != Scanner.Symbol.IDENTIFIER) {
                return v;
            }
            consumeToken(); // 'is'
            if (negated) {
                consumeToken();
            }
            consumeToken(); // the test's name
            PresenceTest.Kind kind = PresenceTest.kind(name);
            if (kind != null) {
                return new PresenceTest(v, kind, negated);
            }
            List<AstNode> arguments = new ArrayList<>(List.of(v, interpreter()));
            AstNode argument = value();
            if (argument != null) {
                arguments.add(argument);
            }
            return createAstMethod(createAstDot(identifier(EXPTEST_PREFIX + name.getImage()),
                    negated ? "evaluateNegated" : "evaluate", true), createAstParameters(arguments));
        }

        /**
         * The operand of a filter chain or test, followed by {@code is [not] defined|undefined|none}: these three
         * tests become a {@link PresenceTest}; every other test and filter is left to jinjava's {@code filter()}.
         */
        @Override
        protected AstNode unary(boolean required) throws Scanner.ScanException, ParseException {
            boolean operand = operandOfFilter;
            operandOfFilter = false;
            AstNode v = super.unary(required);
            if (operand && v != null && "is".equals(getToken().getImage())) {
                boolean negated = "not".equals(lookahead(0).getImage());
                Scanner.Token name = lookahead(negated ? 1 : 0);
                PresenceTest.Kind kind = PresenceTest.kind(name);
                if (kind != null) {
                    consumeToken(); // 'is'
                    if (negated) {
                        consumeToken();
                    }
                    consumeToken(); // the test's name
                    v = new PresenceTest(v, kind, negated);
                }
            }
            return v;
        }

        /** {@code and := not ('and' not)*} */
        @Override
        protected AstNode and(boolean required) throws Scanner.ScanException, ParseException {
            AstNode v = not(required);
            while (getToken().getSymbol() == Scanner.Symbol.AND) {
                consumeToken();
                v = createAstBinary(v, not(true), PyTruth.And.OP);
            }
            return v;
        }

        /** {@code not := 'not' not | eq}: the operand of {@code not} is a whole comparison or test. */
        private AstNode not(boolean required) throws Scanner.ScanException, ParseException {
            if (getToken().getSymbol() == Scanner.Symbol.NOT) {
                consumeToken();
                return createAstUnary(not(true), AstUnary.NOT);
            }
            return eq(required);
        }
    }

    /**
     * Python's {@code %}: on numbers the result has the sign of the divisor ({@code -7 % 3} is {@code 2}), where
     * jinjava's, Java's, has the sign of the dividend; on a string it is printf-style formatting ({@link PyFormat}),
     * with a list (how a tuple literal {@code ('a', 'b')} arrives here) as the arguments, a map for {@code %(name)s},
     * anything else as the single argument. Other operands are left to jinjava's {@code %}.
     */
    /**
     * Python's true division {@code /}: a float, booleans counting as 0 and 1, and a {@code ZeroDivisionError} for a
     * zero divisor (jinjava's gave {@code inf}, and refused booleans).
     */
    static final class PythonDivision extends AstBinary.SimpleOperator {
        static final PythonDivision OP = new PythonDivision();

        @Override
        protected Object apply(jinjava.de.odysseus.el.misc.TypeConverter converter, Object a, Object b) {
            Object x = a instanceof Boolean t ? (t ? 1L : 0L) : a;
            Object y = b instanceof Boolean t ? (t ? 1L : 0L) : b;
            if (x instanceof Number n && y instanceof Number d) {
                if (d.doubleValue() == 0) {
                    throw PythonError.of("ZeroDivisionError", PythonModulo.isInteger(x) && PythonModulo.isInteger(y)
                            ? "division by zero" : "float division by zero");
                }
                return n.doubleValue() / d.doubleValue();
            }
            return jinjava.de.odysseus.el.misc.NumberOperations.div(converter, a, b);
        }

        @Override
        public String toString() {
            return "/";
        }
    }

    static final class PythonModulo extends AstBinary.SimpleOperator {
        static final PythonModulo OP = new PythonModulo();

        @Override
        @SuppressWarnings("unchecked")
        protected Object apply(jinjava.de.odysseus.el.misc.TypeConverter converter, Object a, Object b) {
            if (a instanceof String template) {
                List<Object> args = b instanceof List<?> list ? new ArrayList<>(list)
                        : b instanceof Map<?, ?> ? List.of() : java.util.Collections.singletonList(b);
                Map<String, Object> kwargs = b instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
                return PyFormat.format(template, args, kwargs, SizeLimits.maxChars());
            }
            if (isInteger(a) && isInteger(b)) {
                long divisor = ((Number) b).longValue();
                if (divisor == 0) {
                    throw new ArithmeticException("integer division or modulo by zero");
                }
                return Math.floorMod(((Number) a).longValue(), divisor);
            }
            if (a instanceof Number x && b instanceof Number y) {
                double divisor = y.doubleValue();
                if (divisor == 0) {
                    throw new ArithmeticException("float modulo");
                }
                double r = x.doubleValue() % divisor;
                return r != 0 && (r < 0) != (divisor < 0) ? r + divisor : (r == 0 ? Math.copySign(0.0, divisor) : r);
            }
            return jinjava.de.odysseus.el.misc.NumberOperations.mod(converter, a, b);
        }

        static boolean isInteger(Object o) {
            return o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte;
        }

        @Override
        public String toString() {
            return "%";
        }
    }

    /**
     * Python's {@code *} where a string meets an integer: the string repeated ({@code '=' * 3}, {@code 3 * 'ab'};
     * none for a count below one), refused before it is built if longer than the limit. Other operands are left
     * to jinjava's {@code *}.
     */
    static final class PythonMultiplication extends AstBinary.SimpleOperator {
        static final PythonMultiplication OP = new PythonMultiplication();

        @Override
        protected Object apply(jinjava.de.odysseus.el.misc.TypeConverter converter, Object a, Object b) {
            if (a instanceof String s && PythonModulo.isInteger(b)) {
                return repeat(s, ((Number) b).longValue());
            }
            if (b instanceof String s && PythonModulo.isInteger(a)) {
                return repeat(s, ((Number) a).longValue());
            }
            return jinjava.de.odysseus.el.misc.NumberOperations.mul(converter, a, b);
        }

        private static String repeat(String s, long count) {
            if (count <= 0 || s.isEmpty()) {
                return "";
            }
            SizeLimits.requireChars("'*' on a string", SizeLimits.saturatingMultiply(s.length(), count));
            return s.repeat((int) count);
        }

        @Override
        public String toString() {
            return "*";
        }
    }

    /**
     * Python's {@code ==} and {@code !=}: numbers (and booleans, which are integers) by value, strings by their
     * text, lists item by item and maps key by key with the same rule, anything else only equal to itself; two
     * undefined values are equal, as in Jinja. Jinjava's converted one operand to the other's type first, so
     * {@code '1' == 1} and {@code none == false} were true and {@code 0 == false} failed.
     */
    static final class PythonEquality extends AstBinary.SimpleOperator {
        static final PythonEquality EQ = new PythonEquality(true);
        static final PythonEquality NE = new PythonEquality(false);

        private final boolean equal;

        private PythonEquality(boolean equal) {
            this.equal = equal;
        }

        @Override
        protected Object apply(jinjava.de.odysseus.el.misc.TypeConverter converter, Object a, Object b) {
            RenderBudget.check();
            return equal(a, b) == equal;
        }

        static boolean equal(Object a, Object b) {
            Object x = a instanceof com.hubspot.jinjava.objects.SafeString s ? s.getValue() : a;
            Object y = b instanceof com.hubspot.jinjava.objects.SafeString s ? s.getValue() : b;
            if (x == y) {
                return true;
            }
            if (x == null || y == null) {
                return false;
            }
            if ((x instanceof Number || x instanceof Boolean) && (y instanceof Number || y instanceof Boolean)) {
                java.math.BigDecimal p = decimal(x);
                java.math.BigDecimal q = decimal(y);
                return p != null && q != null && p.compareTo(q) == 0;
            }
            if (x instanceof CharSequence || y instanceof CharSequence) {
                return x instanceof CharSequence && y instanceof CharSequence && x.toString().equals(y.toString());
            }
            if (x instanceof List<?> l && y instanceof List<?> m) {
                if (l.size() != m.size()) {
                    return false;
                }
                for (int i = 0; i < l.size(); i++) {
                    if (!equal(l.get(i), m.get(i))) {
                        return false;
                    }
                }
                return true;
            }
            if (x instanceof Map<?, ?> l && y instanceof Map<?, ?> m) {
                if (l.size() != m.size()) {
                    return false;
                }
                for (Map.Entry<?, ?> e : l.entrySet()) {
                    if (!m.containsKey(e.getKey()) || !equal(e.getValue(), m.get(e.getKey()))) {
                        return false;
                    }
                }
                return true;
            }
            return x.equals(y);
        }

        /** A number's exact value (null for NaN and infinities, which equal nothing here but themselves). */
        private static java.math.BigDecimal decimal(Object n) {
            if (n instanceof Boolean b) {
                return b ? java.math.BigDecimal.ONE : java.math.BigDecimal.ZERO;
            }
            if (n instanceof java.math.BigDecimal d) {
                return d;
            }
            if (n instanceof java.math.BigInteger i) {
                return new java.math.BigDecimal(i);
            }
            if (n instanceof Double || n instanceof Float) {
                double d = ((Number) n).doubleValue();
                return Double.isFinite(d) ? new java.math.BigDecimal(d) : null;
            }
            return java.math.BigDecimal.valueOf(((Number) n).longValue());
        }

        @Override
        public String toString() {
            return equal ? "==" : "!=";
        }
    }

    /** Jinjava's expression scanner, reading string literals as Jinja does ({@link PyStrings#unescape}). */
    private static final class PythonStringScanner extends com.hubspot.jinjava.el.ext.ExtendedScanner {
        PythonStringScanner(String input) {
            super(input);
        }

        @Override
        protected Token nextString() throws ScanException {
            String input = getInput();
            int start = getPosition();
            char quote = input.charAt(start);
            for (int i = start + 1; i < input.length(); i++) {
                char c = input.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    try {
                        return token(Symbol.STRING, PyStrings.unescape(input.substring(start + 1, i)), i + 1 - start);
                    } catch (IllegalArgumentException e) {
                        throw new ScanException(start, e.getMessage(), "a valid escape sequence");
                    }
                }
            }
            throw new ScanException(start, "unterminated string", String.valueOf(quote));
        }
    }

    /**
     * Jinja's tests {@code defined}, {@code undefined} and {@code none} (optionally negated): a value is defined unless
     * it is null (undefined), and none if it is {@link PyNone} (jinjava's tests took null for both).
     */
    static final class PresenceTest extends AstRightValue {
        enum Kind { DEFINED, UNDEFINED, NONE }

        private static final Map<String, Kind> NAMES =
                Map.of("defined", Kind.DEFINED, "undefined", Kind.UNDEFINED, "none", Kind.NONE);

        private final AstNode operand;
        private final Kind kind;
        private final boolean negated;

        PresenceTest(AstNode operand, Kind kind, boolean negated) {
            this.operand = operand;
            this.kind = kind;
            this.negated = negated;
        }

        /** The test a token names, if it is one of these three. */
        static Kind kind(Scanner.Token token) {
            return token.getSymbol() == Scanner.Symbol.IDENTIFIER ? NAMES.get(token.getImage()) : null;
        }

        @Override
        public Object eval(Bindings bindings, ELContext context) {
            RenderBudget.check();
            Object value = operand.eval(bindings, context);
            boolean result = switch (kind) {
                case DEFINED -> value != null;
                case UNDEFINED -> value == null;
                case NONE -> value == PyNone.NONE;
            };
            return result != negated;
        }

        @Override
        public void appendStructure(StringBuilder b, Bindings bindings) {
            operand.appendStructure(b, bindings);
            b.append(negated ? " is not " : " is ").append(kind.name().toLowerCase(java.util.Locale.ROOT));
        }

        @Override
        public int getCardinality() {
            return 1;
        }

        @Override
        public AstNode getChild(int i) {
            return i == 0 ? operand : null;
        }

        @Override
        public String toString() {
            return "is " + kind.name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
