package io.llmops4j.rag.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmops4j.rag.CharSpan;
import io.llmops4j.rag.Chunk;
import io.llmops4j.rag.Document;
import io.llmops4j.rag.RagConfigException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkerTest {
    private static final Pattern WORD = Pattern.compile("\\S+");

    /**
     * A counter unlike the chunker's helpers: splits on letters/digits runs and single punctuation marks, roughly as
     * WordPiece's pre-tokenizer does ("three." is 2 tokens), so token counts are not additive over words.
     */
    private static final TokenCounter PRE_TOKENIZER = text -> {
        Matcher m = Pattern.compile("[\\p{L}\\p{N}]+|[^\\s\\p{L}\\p{N}]").matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    };

    private static List<String> texts(Chunker c, String text) {
        return c.split(text).stream().map(s -> text.substring(s.start(), s.end())).toList();
    }

    /**
     * Whitespace counter, max 4 tokens. Paragraph 1 has 6 words, so it is split into its two sentences (3 + 3); they
     * do not fit together (6 > 4), nor does sentence 2 with paragraph 2 (3 + 2 = 5).
     */
    @Test
    void handWorkedExampleWithoutOverlap() {
        String text = "One two three. Four five six.\n\nSeven eight.";
        assertThat(texts(Chunker.recursive(TokenCounter.whitespace(), 4, 0), text))
                .containsExactly("One two three.", "Four five six.", "Seven eight.");
    }

    /** Overlap 1: each chunk after the first starts with the previous chunk's last word (1 + 3 = 4, 1 + 2 = 3). */
    @Test
    void handWorkedExampleWithOverlap() {
        String text = "One two three. Four five six.\n\nSeven eight.";
        assertThat(texts(Chunker.recursive(TokenCounter.whitespace(), 4, 1), text))
                .containsExactly("One two three.", "three. Four five six.", "six.\n\nSeven eight.");
    }

    @Test
    void shortTextIsOneChunkAndBlankTextNone() {
        assertThat(texts(Chunker.recursive(TokenCounter.whitespace(), 10, 2), "  Just a few words.  "))
                .containsExactly("Just a few words.");
        assertThat(Chunker.recursive(TokenCounter.whitespace(), 10, 2).split(" \n\n \t")).isEmpty();
    }

    @Test
    void aWordLongerThanTheLimitIsCutBetweenCharacters() {
        String blob = "x".repeat(25);
        TokenCounter perFiveChars = t -> (t.strip().length() + 4) / 5;
        assertThat(texts(Chunker.recursive(perFiveChars, 2, 0), "ab " + blob))
                .containsExactly("ab", "x".repeat(10), "x".repeat(10), "x".repeat(5));
    }

    /** Invariants on random texts, with a counter that is not additive over words. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void recursiveChunksRespectLimitOffsetsWordsAndOverlap(int seed) {
        Random rnd = new Random(seed);
        String text = randomText(rnd, 400 + rnd.nextInt(1500));
        int max = 8 + rnd.nextInt(60);
        int overlap = rnd.nextInt(Math.max(1, max / 3));
        Chunker chunker = Chunker.recursive(PRE_TOKENIZER, max, overlap);
        List<Chunk> chunks = chunker.chunk(new Document("d", text, 1000, Map.of("k", "v")), 5);
        assertThat(chunks).isNotEmpty();
        boolean[] covered = new boolean[text.length()];
        for (int i = 0; i < chunks.size(); i++) {
            Chunk c = chunks.get(i);
            int s = c.offsets().start() - 1000;
            int e = c.offsets().end() - 1000;
            assertThat(c.id()).isEqualTo("d#" + (5 + i));
            assertThat(c.ordinal()).isEqualTo(5 + i);
            assertThat(c.metadata()).containsEntry("k", "v");
            assertThat(c.text()).isEqualTo(text.substring(s, e));
            assertThat(PRE_TOKENIZER.count(c.text())).as("tokens of chunk %d", i).isLessThanOrEqualTo(max);
            assertThat(s == 0 || Character.isWhitespace(text.charAt(s - 1))).as("chunk %d starts inside a word", i).isTrue();
            assertThat(e == text.length() || Character.isWhitespace(text.charAt(e))).as("chunk %d ends inside a word", i)
                    .isTrue();
            for (int k = s; k < e; k++) {
                covered[k] = true;
            }
            if (i > 0) {
                CharSpan prev = chunks.get(i - 1).offsets();
                assertThat(c.offsets().start()).isGreaterThan(prev.start());
                assertThat(c.offsets().end()).isGreaterThan(prev.end());
                if (c.offsets().start() < prev.end()) {
                    String repeated = text.substring(s, prev.end() - 1000);
                    // measured word by word, as the overlap is chosen
                    int ovTokens = WORD.matcher(repeated).results().mapToInt(r -> PRE_TOKENIZER.count(r.group())).sum();
                    assertThat(ovTokens).isLessThanOrEqualTo(overlap);
                }
            }
        }
        Matcher words = WORD.matcher(text);
        while (words.find()) {
            assertThat(covered[words.start()] && covered[words.end() - 1]).as("word at %d covered", words.start()).isTrue();
        }
    }

    private static String randomText(Random rnd, int words) {
        String[] vocab = {"the", "heat", "pump", "moves", "energy", "from", "air", "into", "water", "efficiently",
                "co-efficient", "3.5", "(see", "table)", "e.g.", "kW", "units", "and", "so", "on"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            sb.append(vocab[rnd.nextInt(vocab.length)]);
            int r = rnd.nextInt(40);
            sb.append(r == 0 ? ".\n\n" : r < 4 ? ". " : r == 4 ? "\n" : " ");
        }
        return sb.toString();
    }

    @Test
    void markdownSectionsCarryHeadingPathsAndIgnoreFencedCode() {
        String md = "Intro line.\n"
                + "# Guide\n"
                + "Welcome.\n"
                + "## Install\n"
                + "Run it.\n"
                + "```\n# not a heading\n```\n"
                + "### Linux ###\n"
                + "apt install.\n"
                + "## Use\n"
                + "Type.\n";
        Chunker c = Chunker.markdown(TokenCounter.whitespace(), 100, 0);
        List<Chunker.Span> spans = c.split(md);
        assertThat(spans).extracting(Chunker.Span::headingPath)
                .containsExactly("", "Guide", "Guide > Install", "Guide > Install > Linux", "Guide > Use");
        assertThat(spans).extracting(s -> md.substring(s.start(), s.end())).containsExactly(
                "Intro line.", "# Guide\nWelcome.", "## Install\nRun it.\n```\n# not a heading\n```",
                "### Linux ###\napt install.", "## Use\nType.");
        assertThat(MarkdownSectionChunker.headings(md)).extracting(MarkdownSectionChunker.Heading::title)
                .containsExactly("Guide", "Install", "Linux", "Use");
    }

    /** Section A is 12 whitespace tokens ("#" and "A" count): words packed 5 per chunk, 5 + 5 + 2. */
    @Test
    void longMarkdownSectionsAreSplitFurtherWithTheSamePath() {
        String md = "# A\none two three four five six seven eight nine ten\n# B\nshort";
        List<Chunker.Span> spans = Chunker.markdown(TokenCounter.whitespace(), 5, 0).split(md);
        assertThat(spans).extracting(Chunker.Span::headingPath).containsExactly("A", "A", "A", "B");
        assertThat(spans).extracting(s -> md.substring(s.start(), s.end()))
                .containsExactly("# A\none two three", "four five six seven eight", "nine ten", "# B\nshort");
    }

    /** Window 10, overlap 4 over "aaaa bbbb cccc dddd": [0,10) ends at a space -> "aaaa bbbb"; next from 10-4=6. */
    @Test
    void fixedWindowsNeverCutWords() {
        String text = "aaaa bbbb cccc dddd";
        assertThat(texts(Chunker.fixedWindow(10, 4), text)).containsExactly("aaaa bbbb", "cccc dddd");
        assertThat(texts(Chunker.fixedWindow(12, 6), text)).containsExactly("aaaa bbbb", "bbbb cccc", "cccc dddd");
        assertThat(texts(Chunker.fixedWindow(4, 0), "abcdefghij k")).containsExactly("abcd", "efgh", "ij k");
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThatThrownBy(() -> Chunker.recursive(TokenCounter.whitespace(), 10, 10))
                .isInstanceOf(RagConfigException.class).hasMessageContaining("overlapTokens").hasMessageContaining("[0, 9]");
        assertThatThrownBy(() -> Chunker.recursive(TokenCounter.whitespace(), 0, 0))
                .isInstanceOf(RagConfigException.class).hasMessageContaining("maxTokens");
        assertThatThrownBy(() -> Chunker.fixedWindow(5, 5)).isInstanceOf(RagConfigException.class)
                .hasMessageContaining("overlapChars");
    }
}
