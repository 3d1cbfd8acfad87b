package io.llmops4j.core.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;

import java.util.Map;

/**
 * Jinja's tests {@code iterable} and {@code sequence}, which jinjava answers false for strings and maps. Python
 * iterates a string (its characters) and a dict (its keys), and both have a length and items, so Jinja answers
 * true; Llama-3.1's template relies on it, writing a tool result whose content {@code is iterable} with
 * {@code tojson}, i.e. a string as a quoted JSON string. None ({@link PyNone}) is neither; an undefined value (null
 * here) is both, as Jinja's {@code Undefined} iterates as empty: Hermes-3's tool template relies on that, writing
 * {@code Union[]} for a parameter schema without a {@code type}.
 */
final class PyTests {

    private PyTests() {
    }

    /** Replaces jinjava's {@code iterable} and {@code sequence} (before {@link SizeLimits#install} wraps tests). */
    static void install(Jinjava engine) {
        engine.getGlobalContext().registerExpTest(new Collectionlike("iterable"));
        engine.getGlobalContext().registerExpTest(new Collectionlike("sequence"));
    }

    /**
     * True for strings, lists (any Java iterable or array) and maps, as Python's str, list, tuple and dict, and for
     * an undefined value.
     */
    private static final class Collectionlike implements ExpTest {
        private final String name;

        Collectionlike(String name) {
            this.name = name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return var == null || var instanceof CharSequence || var instanceof Iterable<?> || var instanceof Map<?, ?>
                    || (var != null && var.getClass().isArray());
        }
    }
}
