package io.llmops4j.core.chat;

import com.hubspot.jinjava.util.HasObjectTruthValue;

/**
 * Python's {@code None} inside a render. Jinjava has one null for both None and an undefined value, where Jinja tells
 * them apart: None is defined, prints {@code None} and cannot be looped over; an undefined value prints nothing and
 * loops over nothing. So None is this object from where it enters a render (variables and special tokens, which are
 * copied with null turned into this, HF's {@code tools=None} and {@code documents=None}, the literal {@code none},
 * {@code dict.get} of a missing key; data that {@link ChatTemplate} builds itself must use it for None too), and null
 * is left to mean undefined. It is false, and written out as
 * {@code None} by printing, {@code ~}, {@code string}, {@code trim} and the other filters that write their input out
 * as text, as Jinja's do; {@code tojson} writes {@code null}.
 */
final class PyNone implements HasObjectTruthValue {

    static final PyNone NONE = new PyNone();

    private PyNone() {
    }

    /** null for None, for the arguments where Python's None means "not given" (slice bounds, method arguments). */
    static Object toNull(Object value) {
        return value == NONE ? null : value;
    }

    @Override
    public boolean getObjectTruthValue() {
        return false;
    }

    @Override
    public String toString() {
        return "None";
    }
}
