package io.llmops4j.core.chat;

import com.hubspot.jinjava.objects.collections.SizeLimitingPyList;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstRightValue;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELException;
import jinjava.javax.el.PropertyNotFoundException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Python's slicing {@code seq[start:stop:step]} of lists and strings, every part optional and the step possibly
 * negative ({@code messages[::-1]}, which Qwen3's template uses). Jinjava's own slice has no step and clamps
 * differently; this is CPython's {@code PySlice_AdjustIndices}. Strings are sliced by code point, as Python's
 * {@code str} is (never splitting a surrogate pair). A slice is never longer than its input, so it needs no size
 * check of its own.
 */
final class PySlice {

    private PySlice() {
    }

    /** {@code seq[start:stop:step]}; a null bound is Python's omitted (or None) bound. */
    static Object slice(Object seq, Object start, Object stop, Object step) {
        long stepValue = step == null ? 1 : index(step);
        if (stepValue == 0) {
            throw new ELException("slice step cannot be zero");
        }
        if (seq instanceof CharSequence cs) {
            String s = cs.toString();
            int[] codePoints = s.codePoints().toArray();
            long[] range = range(codePoints.length, start, stop, stepValue);
            StringBuilder out = new StringBuilder((int) Math.min(range[2], s.length()));
            for (long i = range[0], n = 0; n < range[2]; i += stepValue, n++) {
                out.appendCodePoint(codePoints[(int) i]);
            }
            return out.toString();
        }
        List<?> items;
        if (seq instanceof List<?> list) {
            items = list;
        } else if (seq instanceof Object[] array) {
            items = Arrays.asList(array);
        } else if (seq instanceof Iterable<?> iterable && !(seq instanceof java.util.Map<?, ?>)) {
            List<Object> copy = new ArrayList<>();
            iterable.forEach(copy::add);
            items = copy;
        } else {
            throw new ELException("a " + PyStrings.typeName(seq) + " cannot be sliced");
        }
        long[] range = range(items.size(), start, stop, stepValue);
        List<Object> out = new SizeLimitingPyList(new ArrayList<>((int) range[2]), (int) SizeLimits.maxItems());
        for (long i = range[0], n = 0; n < range[2]; i += stepValue, n++) {
            out.add(items.get((int) i));
        }
        return out;
    }

    /** {@code {first index, step, number of items}} of {@code [start:stop:step]} over a sequence of {@code length}. */
    private static long[] range(long length, Object start, Object stop, long step) {
        long first = start == null ? (step < 0 ? length - 1 : 0) : adjust(index(start), length, step);
        long end = stop == null ? (step < 0 ? -1 : length) : adjust(index(stop), length, step);
        long count;
        if (step < 0) {
            count = end < first ? (first - end - 1) / -step + 1 : 0;
        } else {
            count = first < end ? (end - first - 1) / step + 1 : 0;
        }
        return new long[] {first, step, count};
    }

    /** A given bound: negative counts from the end, then clamped to the sequence (to -1 / length for a backward step). */
    private static long adjust(long i, long length, long step) {
        if (i < 0) {
            i += length;
            if (i < 0) {
                return step < 0 ? -1 : 0;
            }
            return i;
        }
        return i >= length ? (step < 0 ? length - 1 : length) : i;
    }

    /** A slice bound as Python accepts it: an integer (or a boolean), saturated to the long range. */
    private static long index(Object bound) {
        if (bound instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (bound instanceof Integer || bound instanceof Long || bound instanceof Short || bound instanceof Byte) {
            return ((Number) bound).longValue();
        }
        if (bound instanceof java.math.BigInteger big) {
            return big.signum() < 0 ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
        }
        throw new ELException("slice indices must be integers or none, found a " + PyStrings.typeName(bound));
    }

    /** The parsed {@code base[start:stop:step]}; each of start, stop and step may be null (omitted). */
    static final class Node extends AstRightValue {
        private final AstNode base;
        private final AstNode start;
        private final AstNode stop;
        private final AstNode step;

        Node(AstNode base, AstNode start, AstNode stop, AstNode step) {
            this.base = base;
            this.start = start;
            this.stop = stop;
            this.step = step;
        }

        @Override
        public Object eval(Bindings bindings, ELContext context) {
            Object seq = base.eval(bindings, context);
            if (seq == null || seq == PyNone.NONE) {
                throw new PropertyNotFoundException("cannot slice an undefined value or none (" + base + ")");
            }
            Object from = start == null ? null : PyNone.toNull(start.eval(bindings, context));
            Object to = stop == null ? null : PyNone.toNull(stop.eval(bindings, context));
            Object by = step == null ? null : PyNone.toNull(step.eval(bindings, context));
            RenderBudget.check();
            return slice(seq, from, to, by);
        }

        @Override
        public void appendStructure(StringBuilder b, Bindings bindings) {
            base.appendStructure(b, bindings);
            b.append('[');
            if (start != null) {
                start.appendStructure(b, bindings);
            }
            b.append(':');
            if (stop != null) {
                stop.appendStructure(b, bindings);
            }
            b.append(':');
            if (step != null) {
                step.appendStructure(b, bindings);
            }
            b.append(']');
        }

        @Override
        public int getCardinality() {
            return 1 + (start == null ? 0 : 1) + (stop == null ? 0 : 1) + (step == null ? 0 : 1);
        }

        @Override
        public AstNode getChild(int i) {
            List<AstNode> children = new ArrayList<>(4);
            children.add(base);
            for (AstNode n : new AstNode[] {start, stop, step}) {
                if (n != null) {
                    children.add(n);
                }
            }
            return i >= 0 && i < children.size() ? children.get(i) : null;
        }

        @Override
        public String toString() {
            return "[::]";
        }
    }
}
