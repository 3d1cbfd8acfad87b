package io.llmops4j.eval;

import static io.llmops4j.eval.Golden.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeteorTest {
    static final Path WORDNET = Path.of("/usr/share/wordnet");

    private static SynonymSource wordNetOrSkip() {
        assumeThat(Files.isRegularFile(WORDNET.resolve("index.noun"))).as("WordNet (Debian wordnet-base) not installed").isTrue();
        return SynonymSource.wordNet(WORDNET);
    }

    /** golden/meteor.jsonl: NLTK 3.8 meteor_score on str.split() tokens, with WordNet stubbed out (no synonyms). */
    @Test
    void exactAndStemAgreeWithNltk() {
        Meteor m = Meteor.builder().build();
        Meteor custom = Meteor.builder().alpha(0.2).beta(1.0).gamma(0.2).build();
        List<JsonNode> cases = Golden.jsonl("meteor.jsonl");
        assertThat(cases).hasSize(160);
        for (JsonNode c : cases) {
            List<String> refs = Golden.strings(c.get("refs"));
            String hyp = c.get("hyp").asText();
            assertClose(c.get("exact_stem").asDouble(), m.score(refs, hyp), c.toString());
            assertClose(c.get("params_02_1_02").asDouble(), custom.score(refs, hyp), c.toString());
        }
    }

    /** golden/meteor.jsonl: NLTK 3.8 with Debian's WordNet 3.0 read by NLTK's WordNetCorpusReader. */
    @Test
    void wordNetSynonymsAgreeWithNltk() {
        Meteor m = Meteor.builder().synonyms(wordNetOrSkip()).build();
        for (JsonNode c : Golden.jsonl("meteor.jsonl")) {
            assertClose(c.get("wordnet").asDouble(), m.score(Golden.strings(c.get("refs")), c.get("hyp").asText()), c.toString());
        }
    }

    @Test
    void nltkDocumentationExample() {
        // NLTK meteor_score docstring: round(meteor_score([reference1], hypothesis1), 4) == 0.6944
        Meteor m = Meteor.builder().synonyms(wordNetOrSkip()).build();
        double s = m.score(List.of("It is a guide to action that ensures that the military will forever heed Party commands"),
                "It is a guide to action which ensures that the military always obeys the commands of the party");
        assertThat(Math.round(s * 1e4) / 1e4).isEqualTo(0.6944);
    }

    @Test
    void nltkDoctests() {
        // nltk/test/meteor.doctest (3.8) and meteor_score docstrings; inputs are word_tokenize output, which for
        // these sentences equals the whitespace split
        Meteor m = Meteor.builder().synonyms(wordNetOrSkip()).build();
        assertThat(m.score(List.of("The candidate has no alignment to any of the references"), "John loves Mary")).isZero();
        assertThat(Math.abs(m.score(List.of("The cat sat on the mat"), "The cat sat on the mat") - 0.9977)).isLessThan(1e-2);
        assertThat(m.score(List.of("The cat sat on the mat"), "on the mat sat the cat")).isEqualTo(0.5);
        assertThat(Math.round(m.score(List.of("The cat sat on the mat"), "The cat was sat on the mat") * 1e4) / 1e4).isEqualTo(0.9654);
        assertThat(Math.round(m.score(List.of("create or update a vm set"), "creates or updates a virtual machine scale set") * 1e4) / 1e4)
                .isEqualTo(0.7806);
        String h1 = "It is a guide to action which ensures that the military always obeys the commands of the party";
        List<String> refs = List.of("It is a guide to action that ensures that the military will forever heed Party commands",
                "It is the guiding principle which guarantees the military forces always being under the command of the Party",
                "It is the practical guide for the army always to heed the directions of the party");
        assertThat(Math.round(m.score(refs, h1) * 1e4) / 1e4).isEqualTo(0.6944);
        assertThat(m.score(List.of("this is a cat"), "non matching hypothesis")).isZero();
    }

    @Test
    void handComputed() {
        Meteor m = Meteor.builder().build();
        // "on the mat sat the cat" vs "the cat sat on the mat": NLTK's greedy scan from the last hypothesis word
        // takes the LAST unmatched equal reference word: cat->1, the->4, sat->2, mat->5, the->0, on->3, i.e. sorted
        // (0,3) (1,0) (2,5) (3,2) (4,4) (5,1): no two consecutive, 6 chunks (METEOR's minimum-crossing alignment
        // would find 3). P = R = 1, Fmean = 1, penalty = 0.5 * (6/6)^3 -> 0.5
        assertClose(0.5, m.score(List.of("the cat sat on the mat"), "on the mat sat the cat"), "reordered");
        // in order: one chunk, penalty 0.5 * (1/6)^3
        assertClose(1 - 0.5 * Math.pow(1.0 / 6, 3.0), m.score(List.of("the cat sat on the mat"), "the cat sat on the mat"), "same");
        // stem stage: "cats" ~ "cat" (stem cat); 2 matches out of 2 and 3, one chunk:
        // P = 1, R = 2/3, Fmean = (2/3) / (0.9 + 0.1 * 2/3), penalty = 0.5 * (1/2)^3
        double fmean = (1.0 * (2.0 / 3)) / (0.9 * 1.0 + (1 - 0.9) * (2.0 / 3));
        assertClose((1 - 0.5 * Math.pow(0.5, 3.0)) * fmean, m.score(List.of("the cats sat"), "The cat"), "stem");
        // empty hypothesis or reference -> 0; the best reference wins
        assertThat(m.score(List.of("a b"), "")).isZero();
        assertThat(m.score(List.of(""), "a")).isZero();
        assertThat(m.score(List.of("x y", "a b"), "a b")).isEqualTo(m.score(List.of("a b"), "a b"));
    }

    @Test
    void badInput() {
        Meteor m = Meteor.builder().build();
        assertThatThrownBy(() -> m.score(List.of(), "a")).isInstanceOf(InvalidMetricInputException.class)
                .hasMessageContaining("at least one reference");
        assertThatThrownBy(() -> m.score(Arrays.asList("a", null), "a")).hasMessageContaining("reference 1 is null");
        assertThatThrownBy(() -> m.score(List.of("a"), null)).hasMessageContaining("hypothesis must not be null");
        assertThatThrownBy(() -> Meteor.builder().alpha(1.5).build()).hasMessageContaining("alpha must be in [0, 1], found 1.5");
        assertThatThrownBy(() -> Meteor.builder().synonyms(null).build()).hasMessageContaining("synonyms");
        assertThatThrownBy(() -> SynonymSource.wordNet(Path.of("/nonexistent/wordnet"))).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("/nonexistent/wordnet");
    }
}
