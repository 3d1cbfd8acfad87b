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
import jinjava.de.odysseus.el.tree.impl.ast.AstBracket;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstUnary;
import jinjava.javax.el.ExpressionFactory;

/**
 * Jinja's precedence for {@code not}. Jinjava inherits the expression language's rule that {@code not} binds
 * tighter than everything, so {@code not x is defined} means {@code (not x) is defined}. In Jinja {@code not} sits
 * between {@code and} and the comparisons: {@code not x is defined} is {@code not (x is defined)} and
 * {@code not a == b} is {@code not (a == b)}, which HF templates rely on ({@code {% if not tools is defined %}}).
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

        /** {@code +} with a string writes the other operand out: {@link SizeLimits.BoundedAddition} checks it first. */
        @Override
        protected AstBinary createAstBinary(AstNode left, AstNode right, AstBinary.Operator operator) {
            return super.createAstBinary(left, right,
                    operator == AdditionOperator.OP ? SizeLimits.BoundedAddition.OP : operator);
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
