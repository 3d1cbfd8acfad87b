package io.llmops4j.core.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.ElseIfTag;
import com.hubspot.jinjava.lib.tag.ElseTag;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.lib.tag.IfTag;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.output.OutputNode;
import com.hubspot.jinjava.tree.output.RenderedOutputNode;
import com.hubspot.jinjava.tree.parse.TagToken;
import com.hubspot.jinjava.util.ForLoop;
import com.hubspot.jinjava.util.LengthLimitingStringBuilder;
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
 * Jinjava's {@code for} tag with the parts of Jinja's loop it lacks or does differently:
 * <ul>
 * <li>{@code loop.previtem} and {@code loop.nextitem} (undefined on the first / last iteration);</li>
 * <li>the loop filter {@code {% for x in xs if cond %}}, which jinjava reads as the conditional expression
 * {@code xs if cond} and so ignores;</li>
 * <li>the {@code else} branch, rendered only when no iteration ran the body to its end (jinjava rendered it as part of
 * the body, in every iteration);</li>
 * <li>what is iterable: a string goes through its characters (code points; jinjava looped once over the whole string),
 * an undefined value through nothing, and none, numbers and booleans are Python's {@code TypeError} (jinjava looped
 * over nothing or once); several loop variables unpack each item as Python does, or fail as it does.</li>
 * </ul>
 * Everything else ({@code loop.index}, {@code loop.length}, {@code loop.cycle}, {@code loop.depth}, the output limit)
 * is jinjava's own loop, run over the items through a {@link Lookahead}. {@link If} replaces jinjava's {@code if}, so
 * that a {@code continue} or {@code break} inside one skips its remaining children as in Jinja.
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
        if (collection instanceof SafeString safe) {
            collection = safe.getValue();
        }
        Iterator<?> items = items(collection, interpreter);
        if (items == null) {
            if (collection != null) {
                throw PythonError.typeError("'" + PyStrings.pythonType(collection) + "' object is not iterable");
            }
            items = Collections.emptyIterator(); // undefined: Jinja's Undefined iterates as empty
        }
        int size = collection instanceof Map<?, ?> map ? map.size()
                : collection instanceof Collection<?> c ? c.size()
                : collection instanceof Object[] array ? array.length
                : collection instanceof String s ? PyStrings.length(s) : collection == null ? 0 : -1;
        if (loopVars.size() > 1) {
            items = new Unpacked(items, loopVars.size());
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
        Branches branches = Branches.of(tagNode);
        String output;
        try {
            output = renderForCollection(branches.body(), interpreter, loopVars, loopOver);
        } finally {
            if (lookahead.owner != null) {
                RUNNING.remove(lookahead.owner);
            }
        }
        return branches.completed() ? output : output + branches.renderElse(interpreter);
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
     * The items Jinja's loop goes through: a list's or other iterable's items, a map's keys (or values, as the engine
     * is configured), a string's characters (code points, as Python's {@code str}); null for what is not iterable
     * (none, undefined, numbers, booleans).
     */
    static Iterator<?> items(Object collection, JinjavaInterpreter interpreter) {
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
        if (collection instanceof Object[] array) {
            return java.util.Arrays.asList(array).iterator();
        }
        if (collection instanceof String s) {
            return s.codePoints().mapToObj(Character::toString).iterator();
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
                return PyTruth.of(interpreter.resolveELExpression(condition, line));
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

    /**
     * A loop's body and its {@code else} branch (the children after a top-level {@code {% else %}}, which jinjava's
     * loop renders as part of the body), and whether an iteration ran the body to its end. Jinja renders the else
     * branch unless one did: after a loop over nothing, or one whose every iteration ended in {@code break} or
     * {@code continue}.
     */
    private static final class Branches {
        private final TagNode body;
        private final List<Node> orElse;
        private boolean completed;

        private Branches(TagNode body, List<Node> orElse) {
            this.body = body;
            this.orElse = orElse;
        }

        static Branches of(TagNode loop) {
            List<Node> children = loop.getChildren();
            int split = 0;
            while (split < children.size()
                    && !(children.get(split) instanceof TagNode t && t.getTag() instanceof ElseTag)) {
                split++;
            }
            if (split == children.size()) {
                Branches branches = new Branches(loop, List.of());
                branches.completed = true; // nothing to render otherwise
                return branches;
            }
            TagNode body = new TagNode(loop.getTag(), (TagToken) loop.getMaster(), loop.getSymbols());
            body.setParent(loop.getParent());
            body.getChildren().addAll(children.subList(0, split));
            Branches branches = new Branches(body, children.subList(split + 1, children.size()));
            body.getChildren().add(branches.new EndOfBody(loop));
            return branches;
        }

        TagNode body() {
            return body;
        }

        boolean completed() {
            return completed;
        }

        /** The else branch, in a scope of its own as Jinja's. */
        @SuppressWarnings("try") // the scope is entered and left by the try statement itself
        String renderElse(JinjavaInterpreter interpreter) {
            LengthLimitingStringBuilder out = new LengthLimitingStringBuilder(interpreter.getConfig().getMaxOutputSize());
            try (JinjavaInterpreter.InterpreterScopeClosable scope = interpreter.enterScope()) {
                for (Node child : orElse) {
                    out.append(child.render(interpreter));
                }
            }
            return out.toString();
        }

        /** The last node of the body: reached when an iteration ran the whole body (jinjava's loop stops rendering
         *  the body's nodes at a {@code break} or {@code continue}). */
        private final class EndOfBody extends Node {
            private static final long serialVersionUID = 1L;

            EndOfBody(TagNode loop) {
                super(loop.getMaster(), loop.getLineNumber(), loop.getStartPosition());
            }

            @Override
            public OutputNode render(JinjavaInterpreter interpreter) {
                completed = true;
                return new RenderedOutputNode("");
            }

            @Override
            public String getName() {
                return "end of loop body";
            }
        }
    }

    /**
     * The items of a loop with several variables ({@code for a, b in pairs}), checked as Python unpacks them: each
     * must have exactly as many parts as there are variables (a list, a key-value pair, a string's characters, a
     * map's keys).
     */
    private static final class Unpacked implements Iterator<Object> {
        private final Iterator<?> source;
        private final int count;

        Unpacked(Iterator<?> source, int count) {
            this.source = source;
            this.count = count;
        }

        @Override
        public boolean hasNext() {
            return source.hasNext();
        }

        @Override
        public Object next() {
            Object item = source.next();
            if (item instanceof Map.Entry<?, ?>) {
                return check(item, 2);
            }
            Object whole = item instanceof SafeString safe ? safe.getValue()
                    : item instanceof Map<?, ?> map ? map.keySet() : item;
            Iterator<?> parts = items(whole, null);
            if (parts == null) {
                throw PythonError.typeError("cannot unpack non-iterable " + PyStrings.pythonType(item) + " object");
            }
            List<Object> list = new ArrayList<>(count);
            while (parts.hasNext() && list.size() <= count) {
                list.add(parts.next());
            }
            return check(list, list.size());
        }

        private Object check(Object item, int size) {
            if (size > count) {
                throw PythonError.valueError("too many values to unpack (expected " + count + ")");
            }
            if (size < count) {
                throw PythonError.valueError("not enough values to unpack (expected " + count + ", got "
                        + size + ")");
            }
            return item;
        }
    }

    /**
     * Jinjava's {@code if} tag, testing conditions by Python's truth value ({@link PyTruth}) and stopping where Jinja
     * does after a {@code continue} or {@code break} inside it: jinjava's loop skips the rest of its body after one,
     * but an {@code if} around it rendered its own remaining children ({@code {% if x %}{% continue %}text{% endif %}}
     * wrote {@code text}).
     */
    static final class If extends IfTag {
        private static final long serialVersionUID = 1L;

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            TagNode guarded = new TagNode(tagNode.getTag(), (TagToken) tagNode.getMaster(), tagNode.getSymbols());
            guarded.setParent(tagNode.getParent());
            for (Node child : tagNode.getChildren()) {
                boolean branch = child instanceof TagNode t
                        && (t.getTag() instanceof ElseTag || t.getTag() instanceof ElseIfTag);
                guarded.getChildren().add(branch ? child : new UnlessLoopStopped(child));
            }
            return super.interpret(guarded, interpreter);
        }

        /** The condition of the {@code if} or an {@code elif}, by Python's truth value ({@link PyTruth}). */
        @Override
        public boolean isPositiveIfElseNode(TagNode tagNode, JinjavaInterpreter interpreter) {
            return PyTruth.of(interpreter.resolveELExpression(tagNode.getHelpers(), tagNode.getLineNumber(),
                    tagNode.getStartPosition()));
        }
    }

    /** A node rendered only while the innermost loop has not met a {@code continue} or {@code break}. */
    private static final class UnlessLoopStopped extends Node {
        private static final long serialVersionUID = 1L;

        private final Node node;

        UnlessLoopStopped(Node node) {
            super(node.getMaster(), node.getLineNumber(), node.getStartPosition());
            this.node = node;
        }

        @Override
        public OutputNode render(JinjavaInterpreter interpreter) {
            if (interpreter.getContext().get(LOOP) instanceof ForLoop loop && loop.isContinued()) {
                return new RenderedOutputNode("");
            }
            return node.render(interpreter);
        }

        @Override
        public String getName() {
            return node.getName();
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
