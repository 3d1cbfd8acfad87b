package io.llmops4j.core.chat;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeStore;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Cache;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.Scanner;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstUnary;
import jinjava.javax.el.ExpressionFactory;

/**
 * Jinja's precedence for {@code not}. Jinjava inherits the expression language's rule that {@code not} binds
 * tighter than everything, so {@code not x is defined} means {@code (not x) is defined}. In Jinja {@code not} sits
 * between {@code and} and the comparisons: {@code not x is defined} is {@code not (x is defined)} and
 * {@code not a == b} is {@code not (a == b)}, which HF templates rely on ({@code {% if not tools is defined %}}).
 */
final class JinjaPrecedence {

    private JinjaPrecedence() {
    }

    /** An expression factory like jinjava's default one, parsing with Jinja's {@code not} precedence. */
    static ExpressionFactory expressionFactory() {
        Builder builder = new JinjaSyntaxBuilder(Builder.Feature.METHOD_INVOCATIONS, Builder.Feature.VARARGS);
        return new ExpressionFactoryImpl(new TreeStore(builder, new Cache(1000)), new TruthyTypeConverter());
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
        }

        /** {@code and := not ('and' not)*} */
        @Override
        protected AstNode and(boolean required) throws Scanner.ScanException, ParseException {
            AstNode v = not(required);
            while (getToken().getSymbol() == Scanner.Symbol.AND) {
                consumeToken();
                v = createAstBinary(v, not(true), AstBinary.AND);
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
}
