package io.llmops4j.core.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.parse.TagToken;
import com.hubspot.jinjava.util.ForLoop;
import com.hubspot.jinjava.util.ObjectTruthValue;
import org.apache.commons.lang3.tuple.Pair;

import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.WeakHashMap;

/**
 * Jinjava's {@code for} tag with two parts of Jinja's loop it lacks: {@code loop.previtem} and {@code loop.nextitem}
 * (undefined on the first / last iteration), and the loop filter {@code {% for x in xs if cond %}}, which jinjava
 * reads as the conditional expression {@code xs if cond} and so ignores. Everything else ({@code loop.index},
 * {@code loop.length}, {@code loop.cycle}, {@code loop.depth}, unpacking, the output limit) is
 * jinjava's own loop, run over the items through a {@link Lookahead}.
 *
 * <p>{@code nextitem} reads one item ahead of the loop, and only when asked for: lazy sequences are consumed at
 * most one item early. A filtered loop over a list or map filters it up front (so {@code loop.length} and
 * {@code loop.last} count the items that pass, as in Jinja); over a lazy sequence it filters as it goes.
 */
final class LoopTag extends ForTag {
    private static final long serialVersionUID = 1L;

    /** The item sources of the loops now running, by their {@code loop} object (identity: ForLoop keeps Object's). */
    private static final Map<ForLoop, Lookahead> RUNNING = Collections.synchronizedMap(new WeakHashMap<>());

    /** Marks "no item" (an item may itself be null, i.e. none). */
    private static final Object NOTHING = new Object();

    @Override
    public String interpretUnchecked(TagNode tagNode, JinjavaInterpreter interpreter) {
        Pair<List<String>, String> varsAndExpression = getLoopVarsAndExpression((TagToken) tagNode.getMaster());
        List<String> loopVars = varsAndExpression.getLeft();
        String expression = varsAndExpression.getRight();
        int split = filterKeyword(expression);
        String iterable = split < 0 ? expression : expression.substring(0, split).trim();
        String filter = split < 0 ? null : expression.substring(split + 2).trim();

        Object collection = interpreter.resolveELExpression(iterable, tagNode.getLineNumber());
        Iterator<?> items = items(collection, interpreter);
        int size = collection instanceof Map<?, ?> map ? map.size()
                : collection instanceof Collection<?> c ? c.size() : -1;
        if (items == null) {
            return renderForCollection(tagNode, interpreter, loopVars, collection); // none or a single value
        }
        if (filter != null) {
            items = new Filtered(items, loopVars, filter, tagNode.getLineNumber(), interpreter);
            if (size >= 0) {
                List<Object> passed = new ArrayList<>();
                items.forEachRemaining(passed::add);
                items = passed.iterator();
                size = passed.size();
            }
        }
        Lookahead lookahead = new Lookahead(items, interpreter);
        Object loopOver = lookahead;
        if (size >= 0) {
            loopOver = new SizedView(lookahead, size);
        }
        try {
            return renderForCollection(tagNode, interpreter, loopVars, loopOver);
        } finally {
            if (lookahead.owner != null) {
                RUNNING.remove(lookahead.owner);
            }
        }
    }

    /**
     * {@code loop.previtem} or {@code loop.nextitem} of a running loop (wrapped as the loop variable is), or null
     * when there is none (the first / last iteration).
     */
    static Object adjacentItem(ForLoop loop, String which) {
        Lookahead lookahead = RUNNING.get(loop);
        if (lookahead == null) {
            return null;
        }
        Object item = which.equals("previtem") ? lookahead.previous() : lookahead.peek();
        if (item == NOTHING) {
            return null;
        }
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        return interpreter == null ? item : interpreter.wrap(item);
    }

    /**
     * Whether {@code loop.previtem} / {@code loop.nextitem} exists (it may hold none): for the {@code defined} and
     * {@code none} tests.
     */
    static boolean hasAdjacentItem(ForLoop loop, String which) {
        Lookahead lookahead = RUNNING.get(loop);
        if (lookahead == null || !(which.equals("previtem") || which.equals("nextitem"))) {
            return false;
        }
        return (which.equals("previtem") ? lookahead.previous() : lookahead.peek()) != NOTHING;
    }

    /**
     * The items jinjava's loop would go through (for a map, its keys or values as the engine is configured), or
     * null for what it loops over once or not at all.
     */
    private static Iterator<?> items(Object collection, JinjavaInterpreter interpreter) {
        if (collection instanceof Collection<?> c) {
            return c.iterator();
        }
        if (collection instanceof Map<?, ?> map) {
            return interpreter.getConfig().getLegacyOverrides().isIterateOverMapKeys()
                    ? map.keySet().iterator() : map.values().iterator();
        }
        if (collection instanceof Iterable<?> iterable) {
            return iterable.iterator();
        }
        if (collection instanceof Iterator<?> iterator) {
            return iterator;
        }
        return null;
    }

    /**
     * Where the loop filter's {@code if} starts: the first {@code if} outside brackets and string literals (Jinja
     * parses a for's iterable without conditional expressions, so that {@code if} always starts the filter), or -1.
     */
    static int filterKeyword(String expression) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth = Math.max(0, depth - 1);
            } else if (depth == 0 && expression.startsWith("if", i)
                    && (i == 0 || !isNamePart(expression.charAt(i - 1)))
                    && (i + 2 == expression.length() || !isNamePart(expression.charAt(i + 2)))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isNamePart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.';
    }

    /**
     * The loop's item source: the items one by one, remembering the previous one and reading the next one ahead
     * only when {@code loop.nextitem} asks for it.
     */
    static final class Lookahead implements Iterator<Object> {
        private final Iterator<?> source;
        private final JinjavaInterpreter interpreter;
        private Object previous = NOTHING;
        private Object current = NOTHING;
        private Object ahead = NOTHING;
        /** The loop object jinjava made for these items, known from the first item on. */
        private ForLoop owner;

        Lookahead(Iterator<?> source, JinjavaInterpreter interpreter) {
            this.source = source;
            this.interpreter = interpreter;
        }

        @Override
        public boolean hasNext() {
            return ahead != NOTHING || source.hasNext();
        }

        @Override
        public Object next() {
            RenderBudget.check();
            if (owner == null && interpreter != null && interpreter.getContext().get(LOOP) instanceof ForLoop loop) {
                owner = loop; // jinjava puts its loop object into the loop's scope before the first item
                RUNNING.put(loop, this);
            }
            Object item;
            if (ahead != NOTHING) {
                item = ahead;
                ahead = NOTHING;
            } else {
                item = source.next();
            }
            previous = current;
            current = item;
            return item;
        }

        /** The previous item ({@code loop.previtem}), or {@link #NOTHING} on the first. */
        Object previous() {
            return previous;
        }

        /** The next item ({@code loop.nextitem}), read ahead now if not yet, or {@link #NOTHING} on the last. */
        Object peek() {
            if (ahead == NOTHING && source.hasNext()) {
                ahead = source.next();
            }
            return ahead;
        }
    }

    /** The items that pass the loop filter, evaluated with the loop variables bound to each item in turn. */
    private static final class Filtered implements Iterator<Object> {
        private final Iterator<?> source;
        private final List<String> loopVars;
        private final String condition;
        private final int line;
        private final JinjavaInterpreter interpreter;
        private Object next = NOTHING;

        Filtered(Iterator<?> source, List<String> loopVars, String condition, int line,
                 JinjavaInterpreter interpreter) {
            this.source = source;
            this.loopVars = loopVars;
            this.condition = condition;
            this.line = line;
            this.interpreter = interpreter;
        }

        @Override
        public boolean hasNext() {
            while (next == NOTHING && source.hasNext()) {
                Object item = source.next();
                if (passes(item)) {
                    next = item;
                }
            }
            return next != NOTHING;
        }

        @Override
        public Object next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Object item = next;
            next = NOTHING;
            return item;
        }

        @SuppressWarnings("try") // the scope is entered and left by the try statement itself
        private boolean passes(Object item) {
            RenderBudget.check();
            try (JinjavaInterpreter.InterpreterScopeClosable scope = interpreter.enterScope()) {
                Object value = interpreter.wrap(item);
                if (loopVars.size() == 1) {
                    interpreter.getContext().put(loopVars.get(0), value);
                } else {
                    for (int i = 0; i < loopVars.size(); i++) {
                        interpreter.getContext().put(loopVars.get(i), unpack(value, i));
                    }
                }
                return ObjectTruthValue.evaluate(interpreter.resolveELExpression(condition, line));
            }
        }

        /** The i-th of several loop variables, as jinjava's loop unpacks an item (a map entry or a list). */
        private static Object unpack(Object item, int i) {
            if (item instanceof Map.Entry<?, ?> entry) {
                return i == 0 ? entry.getKey() : i == 1 ? entry.getValue() : null;
            }
            if (item instanceof List<?> list) {
                return i < list.size() ? list.get(i) : null;
            }
            return null;
        }
    }

    /** The items with their count, so that jinjava's loop knows {@code loop.length} from the start. */
    private static final class SizedView extends AbstractCollection<Object> {
        private final Iterator<Object> items;
        private final int size;

        SizedView(Iterator<Object> items, int size) {
            this.items = items;
            this.size = size;
        }

        @Override
        public Iterator<Object> iterator() {
            return items;
        }

        @Override
        public int size() {
            return size;
        }
    }
}
