package io.llmops4j.core.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.util.HasObjectTruthValue;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.javax.el.ELContext;

import java.util.Collection;
import java.util.Map;

/**
 * Python's truth value ({@code bool(x)}), which Jinja's {@code if}, {@code not}, {@code and}, {@code or}, loop
 * filters and {@code selectattr} use: none and undefined, {@code False}, zero and empty strings, lists and maps are
 * false, everything else is true. Jinjava's own rule also takes the string {@code "false"} (in any case) as false,
 * so {@code {% if message.content %}} dropped a message that read "False".
 */
final class PyTruth {

    private PyTruth() {
    }

    static boolean of(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof HasObjectTruthValue truth) {
            return truth.getObjectTruthValue();
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0; // NaN is true, as in Python
        }
        if (value instanceof CharSequence s) {
            return !s.isEmpty();
        }
        if (value instanceof SafeString s) {
            return !s.getValue().isEmpty();
        }
        if (value instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        if (value instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (value instanceof Object[] array) {
            return array.length > 0;
        }
        return true;
    }

    /** Jinjava's {@code truthy} test, which {@code selectattr} and {@code rejectattr} use without a test name. */
    static final class Test implements ExpTest {
        @Override
        public String getName() {
            return "truthy";
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return of(var);
        }
    }

    /**
     * Python's {@code a and b}: {@code a} if it is false, else {@code b} (evaluated only then); jinjava's gives a
     * boolean ({@code 'x' and 'y'} is {@code y} in Jinja).
     */
    static final class And implements AstBinary.Operator {
        static final And OP = new And();

        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            Object a = left.eval(bindings, context);
            return of(a) ? right.eval(bindings, context) : a;
        }

        @Override
        public String toString() {
            return "&&";
        }
    }
}
