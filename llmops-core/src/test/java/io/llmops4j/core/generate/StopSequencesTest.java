package io.llmops4j.core.generate;

import io.llmops4j.core.InvalidRequestException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StopSequencesTest {

    /** Pushes the pieces, stopping at the first stop; returns [emitted text, "stopped"/"flushed"]. */
    private static String[] run(List<String> stops, String... pieces) {
        StopSequences s = new StopSequences(stops);
        StringBuilder out = new StringBuilder();
        for (String piece : pieces) {
            StopSequences.Result r = s.push(piece);
            out.append(r.text());
            if (r.stopped()) {
                return new String[]{out.toString(), "stopped"};
            }
        }
        out.append(s.flush());
        return new String[]{out.toString(), "flushed"};
    }

    @Test
    void stopSplitAcrossTwoPiecesIsHeldBackThenCut() {
        StopSequences s = new StopSequences(List.of("</s>"));
        assertThat(s.push("Hello </")).isEqualTo(new StopSequences.Result("Hello ", false));
        assertThat(s.push("s> world")).isEqualTo(new StopSequences.Result("", true));
        assertThat(s.stopped()).isTrue();
        assertThat(s.push("more")).isEqualTo(new StopSequences.Result("", true));
        assertThat(s.flush()).isEmpty();
    }

    @Test
    void stopSplitAcrossThreePieces() {
        StopSequences s = new StopSequences(List.of("<|im_end|>"));
        assertThat(s.push("Sure.<|im")).isEqualTo(new StopSequences.Result("Sure.", false));
        assertThat(s.push("_end")).isEqualTo(new StopSequences.Result("", false));
        assertThat(s.push("|>\n<|im_start|>")).isEqualTo(new StopSequences.Result("", true));
    }

    @Test
    void falseStartIsReleasedWhenItCannotBecomeAStop() {
        StopSequences s = new StopSequences(List.of("</s>"));
        assertThat(s.push("a <")).isEqualTo(new StopSequences.Result("a ", false));
        assertThat(s.push("b")).isEqualTo(new StopSequences.Result("<b", false));
        assertThat(s.push("</")).isEqualTo(new StopSequences.Result("", false));
        assertThat(s.flush()).isEqualTo("</");
        assertThat(s.flush()).isEmpty();
    }

    @Test
    void overlappingCandidatesKeepOnlyTheLongestPossibleStart() {
        // "aab" inside "aaab": after "aaa" the tail "aa" could still start the stop, the first "a" cannot
        StopSequences s = new StopSequences(List.of("aab"));
        assertThat(s.push("a").text()).isEmpty();
        assertThat(s.push("a").text()).isEmpty();
        assertThat(s.push("a")).isEqualTo(new StopSequences.Result("a", false));
        assertThat(s.push("b")).isEqualTo(new StopSequences.Result("", true));
    }

    @Test
    void stopThatIsAPrefixOfAnotherEndsFirstAndWins() {
        assertThat(run(List.of("abc", "ab"), "x", "a", "bc")).containsExactly("x", "stopped");
        assertThat(run(List.of("abc", "ab"), "xabcd")).containsExactly("x", "stopped");
    }

    @Test
    void amongStopsEndingAtTheSamePlaceTheLongestCuts() {
        // "bc" and "abc" both end after "abc": the cut starts at the longer one
        assertThat(run(List.of("bc", "abc"), "zab", "cd")).containsExactly("z", "stopped");
        // "bc" ends before "abcd" could: the output stops at "bc"
        assertThat(run(List.of("abcd", "bc"), "ab", "cd")).containsExactly("a", "stopped");
    }

    @Test
    void withoutStopsEverythingPassesStraightThrough() {
        StopSequences s = new StopSequences(List.of());
        assertThat(s.push("<")).isEqualTo(new StopSequences.Result("<", false));
        assertThat(s.push("")).isEqualTo(new StopSequences.Result("", false));
        assertThat(s.flush()).isEmpty();
    }

    @Test
    void unicodeStops() {
        assertThat(run(List.of("終了"), "こんにちは終", "了です")).containsExactly("こんにちは", "stopped");
        // an emoji outside the BMP is two UTF-16 chars: the held tail never splits it from what follows
        assertThat(run(List.of("🛑 end"), "go 🛑", " en", "d!")).containsExactly("go ", "stopped");
        assertThat(run(List.of("🛑 end"), "go 🛑", " e", "ñ")).containsExactly("go 🛑 eñ", "flushed");
        StopSequences s = new StopSequences(List.of("🛑🛑"));
        assertThat(s.push("ok🛑")).isEqualTo(new StopSequences.Result("ok", false));
        assertThat(s.push("🙂")).isEqualTo(new StopSequences.Result("🛑🙂", false));
    }

    @Test
    void rejectsEmptyStops() {
        assertThatThrownBy(() -> new StopSequences(List.of("ok", "")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("stop sequence 1 must be a non-empty string, was \"\"");
        assertThatThrownBy(() -> new StopSequences(Arrays.asList("ok", null)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("was null");
    }

    // ---- property: any split of the text gives the cut of a character-by-character reference ----

    /** Reference: read the text one character at a time; at the first end of any stop, cut at its start. */
    private static String[] reference(List<String> stops, String text) {
        for (int end = 1; end <= text.length(); end++) {
            String prefix = text.substring(0, end);
            int longest = 0;
            for (String stop : stops) {
                if (prefix.endsWith(stop)) {
                    longest = Math.max(longest, stop.length());
                }
            }
            if (longest > 0) {
                return new String[]{text.substring(0, end - longest), "stopped"};
            }
        }
        return new String[]{text, "flushed"};
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.strings().withChars("abc").ofMinLength(0).ofMaxLength(30);
    }

    @Provide
    Arbitrary<List<String>> stops() {
        return Arbitraries.strings().withChars("abc").ofMinLength(1).ofMaxLength(4).list().ofMaxSize(3);
    }

    @Property(tries = 500)
    void resultDoesNotDependOnHowTheTextIsSplit(@ForAll("text") String text, @ForAll("stops") List<String> stops,
                                                 @ForAll("cuts") List<Integer> cuts) {
        List<String> pieces = new ArrayList<>();
        int from = 0;
        for (int cut : cuts.stream().map(c -> Math.min(c, text.length())).sorted().toList()) {
            pieces.add(text.substring(from, Math.max(from, cut)));
            from = Math.max(from, cut);
        }
        pieces.add(text.substring(from));
        assertThat(run(stops, pieces.toArray(String[]::new))).containsExactly(reference(stops, text));
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 30).list().ofMaxSize(10);
    }
}
