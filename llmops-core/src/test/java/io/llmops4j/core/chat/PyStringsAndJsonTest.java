package io.llmops4j.core.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Python {@code str} semantics (expected values are CPython's results) and {@code json.dumps} layout. */
class PyStringsAndJsonTest {

    @Test
    void splitFollowsPython() {
        // ' 1  2   3  '.split() == ['1', '2', '3']; ' 1  2   3  '.split(None, 1) == ['1', '2   3  ']
        assertThat(PyStrings.split(" 1  2   3  ", null, -1)).containsExactly("1", "2", "3");
        assertThat(PyStrings.split(" 1  2   3  ", null, 1)).containsExactly("1", "2   3  ");
        // ''.split() == []; ''.split(',') == ['']; 'a,b,'.split(',') == ['a', 'b', '']
        assertThat(PyStrings.split("", null, -1)).isEmpty();
        assertThat(PyStrings.split("", ",", -1)).containsExactly("");
        assertThat(PyStrings.split("a,b,", ",", -1)).containsExactly("a", "b", "");
        // 'a.b.c'.split('.', 1) == ['a', 'b.c']; 'a<>b<>'.split('<>') == ['a', 'b', '']
        assertThat(PyStrings.split("a.b.c", ".", 1)).containsExactly("a", "b.c");
        assertThat(PyStrings.split("a<>b<>", "<>", -1)).containsExactly("a", "b", "");
        // '\u3000a\u00a0b'.split() == ['a', 'b'] (both are str.isspace())
        assertThat(PyStrings.split("\u3000a\u00a0b", null, -1)).containsExactly("a", "b");
        assertThatThrownBy(() -> PyStrings.split("a", "", -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty separator");
    }

    @Test
    void stripTitleCapitalizeReplaceFollowPython() {
        // '\t x \n'.strip() == 'x'; 'xyaxy'.strip('yx') == 'a'; '\x1cz\x1f'.strip() == 'z'; '\x00z'.strip() == '\x00z'
        assertThat(PyStrings.strip("\t x \n", null)).isEqualTo("x");
        assertThat(PyStrings.strip("xyaxy", "yx")).isEqualTo("a");
        assertThat(PyStrings.strip("\u001cz\u001f", null)).isEqualTo("z");
        assertThat(PyStrings.strip("\u0000z", null)).isEqualTo("\u0000z");
        assertThat(PyStrings.lstrip("  a ", null)).isEqualTo("a ");
        assertThat(PyStrings.rstrip("  a ", null)).isEqualTo("  a");
        // "they're bill's friends".title() == "They'Re Bill'S Friends" (Python's documented quirk)
        assertThat(PyStrings.title("they're bill's friends")).isEqualTo("They'Re Bill'S Friends");
        assertThat(PyStrings.title("ÉCOLE d'été 2x")).isEqualTo("École D'Été 2X");
        // 'hELLO wORLD'.capitalize() == 'Hello world'
        assertThat(PyStrings.capitalize("hELLO wORLD")).isEqualTo("Hello world");
        // 'aaa'.replace('a', 'b', 2) == 'bba'; 'ab'.replace('', '-') == '-a-b-'; 'ab'.replace('', '-', 2) == '-a-b'
        assertThat(PyStrings.replace("aaa", "a", "b", 2)).isEqualTo("bba");
        assertThat(PyStrings.replace("ab", "", "-", -1)).isEqualTo("-a-b-");
        assertThat(PyStrings.replace("ab", "", "-", 2)).isEqualTo("-a-b");
        assertThat(PyStrings.replace("ab", "", "-", 5)).isEqualTo("-a-b-");
        assertThat(PyStrings.startsWith("abc", List.of("x", "ab"))).isTrue();
        assertThat(PyStrings.endsWith("abc", "bc")).isTrue();
        assertThatThrownBy(() -> PyStrings.startsWith("abc", 3L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("startswith() takes a string or a tuple of strings, found number");
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.strings().withChars("ab ,\t\u00a0\u3000").ofMaxLength(20);
    }

    @Property(tries = 300)
    void splitOnASeparatorThenJoinIsIdentity(@ForAll("text") String s) {
        assertThat(String.join(",", PyStrings.split(s, ",", -1))).isEqualTo(s);
        for (String part : PyStrings.split(s, null, -1)) {
            assertThat(part).isNotEmpty().doesNotContain(" ", "\t", "\u00a0", "\u3000");
        }
        String stripped = PyStrings.strip(s, null);
        assertThat(s).contains(stripped);
        assertThat(stripped.isEmpty() || !PyStrings.isSpace(stripped.codePointAt(0))).isTrue();
    }

    // ---------------------------------------------------------------- json

    private static final ObjectMapper JACKSON = new ObjectMapper();

    @Provide
    Arbitrary<Object> json() {
        Arbitrary<Object> leaf = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(8).map(s -> (Object) s),
                Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(3).map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles().filter(Double::isFinite).map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just(null));
        return Arbitraries.recursive(() -> leaf, this::container, 3);
    }

    private Arbitrary<Object> container(Arbitrary<Object> inner) {
        return Arbitraries.oneOf(
                inner.list().ofMaxSize(3).map(l -> (Object) new ArrayList<>(l)),
                Arbitraries.maps(Arbitraries.strings().ofMaxLength(4), inner).ofMaxSize(3)
                        .map(m -> (Object) new LinkedHashMap<>(m)));
    }

    /** Jackson's view of a value: numbers as double/long pairs compare by value. */
    private static Object normalise(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, normalise(v)));
            return out;
        }
        if (o instanceof List<?> l) {
            return l.stream().map(PyStringsAndJsonTest::normalise).toList();
        }
        if (o instanceof Double || o instanceof Float) {
            return ((Number) o).doubleValue();
        }
        if (o instanceof Number n) {
            return n.longValue();
        }
        return o;
    }

    @Property(tries = 300)
    void dumpsIsJsonThatJacksonReadsBack(@ForAll("json") Object value) throws Exception {
        for (int indent : new int[]{-1, 2}) {
            String text = PyJson.dumps(value, indent, false);
            Object back = JACKSON.readValue(text, Object.class);
            assertThat(normalise(back)).isEqualTo(normalise(value));
        }
    }

    @Property(tries = 1000)
    void floatReprRoundTripsAndIsNoLongerThanJava(@ForAll double d) {
        String repr = PyJson.floatRepr(d);
        if (Double.isFinite(d)) {
            assertThat(Double.parseDouble(repr)).isEqualTo(d);
            String javaDigits = Double.toString(Math.abs(d)).replaceAll("E.*", "").replace(".", "").replaceAll("^0+", "")
                    .replaceAll("0+$", "");
            String pyDigits = repr.replace("-", "").replaceAll("e.*", "").replace(".", "").replaceAll("^0+", "")
                    .replaceAll("0+$", "");
            assertThat(pyDigits.length()).isLessThanOrEqualTo(Math.max(1, javaDigits.length()));
        }
    }

    @Test
    void dumpsLayout() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("k", List.of(1L, "x"));
        m.put("e", List.of());
        // json.dumps({'k': [1, 'x'], 'e': []}) and with indent=1
        assertThat(PyJson.dumps(m, -1, false)).isEqualTo("{\"k\": [1, \"x\"], \"e\": []}");
        assertThat(PyJson.dumps(m, 1, false)).isEqualTo("{\n \"k\": [\n  1,\n  \"x\"\n ],\n \"e\": []\n}");
        // json.dumps({'k': ..., 'e': ...}, sort_keys=True) puts "e" first
        assertThat(PyJson.dumps(m, -1, true)).isEqualTo("{\"e\": [], \"k\": [1, \"x\"]}");
        // ensure_ascii=False keeps non-ASCII and U+2028 as is; json.dumps('\x7f\u2028é') == '"\x7f\u2028é"'
        assertThat(PyJson.dumps("\u007f\u2028é", -1, false)).isEqualTo("\"\u007f\u2028é\"");
        assertThat(PyJson.dumps(Double.NaN, -1, false)).isEqualTo("NaN");
        assertThatThrownBy(() -> PyJson.dumps(new Object(), -1, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot serialise a Object");
    }
}
