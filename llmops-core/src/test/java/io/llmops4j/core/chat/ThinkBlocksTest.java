package io.llmops4j.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmops4j.core.chat.ThinkBlocks.Split;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class ThinkBlocksTest {
    /**
     * {reply, opened by the prompt, reasoning, answer}, printed by src/test/python/think_split.py: a second
     * implementation of the rules in Python, which also checks that Qwen3's chat template reads the first four (one
     * well-formed block each) back the same way.
     */
    static final String[][] REPLIES = {
        {"<think>\nplan\n</think>\n\nanswer", "false", "plan", "answer"},
        {"<think>\n\n</think>\n\nanswer", "false", "", "answer"},
        {"\n\n<think>\n  hmm \n\n</think>\nok\n", "false", "  hmm ", "ok\n"},
        {"<think>\na\nb\n</think>\n\nline 1\nline 2", "false", "a\nb", "line 1\nline 2"},
        {"plan\n</think>\n\nanswer", "true", "plan", "answer"},
        {"plan\n</think>\n\nanswer", "false", "", "plan\n</think>\n\nanswer"},
        {"<think>a</think>b</think>c", "false", "a", "b</think>c"},
        {"x<think>y</think>z", "false", "", "x<think>y</think>z"},
        {"<think>one<think>two\n</think>", "false", "one<think>two", ""},
        {"</think>", "true", "", ""},
        {"<think>\nstill going", "false", "still going", ""},
        {"\n<think>", "false", "", ""},
        {"still going\n", "true", "still going", ""},
        {"\nParis.\n", "false", "", "\nParis.\n"},
        {"\n\n<thi", "false", "", "\n\n<thi"},
        {"<think>\ncut at </thi", "false", "cut at </thi", ""},
        {"\n\n", "true", "", ""},
        {"", "false", "", ""},
        {"<think>\nplan\n</think>\n\nanswer", "true", "plan", "answer"},
        {"\n<think>", "true", "", ""},
        {"\n\n<thi", "true", "<thi", ""},
        {"<think><think>x</think>y", "false", "<think>x", "y"},
        {"a\n\n\n</thinking>\n</think>\n\n\nb\n", "true", "a\n\n\n</thinking>", "b\n"},
    };

    @ParameterizedTest
    @FieldSource("REPLIES")
    void aWholeReplySplitsAsThePythonReferenceDoes(String reply, String opened, String reasoning, String answer) {
        assertThat(ThinkBlocks.split(reply, Boolean.parseBoolean(opened))).isEqualTo(new Split(reasoning, answer));
    }

    @ParameterizedTest
    @FieldSource("REPLIES")
    void everyWayOfStreamingAReplyInThreePiecesGivesTheWholeSplit(String reply, String opened, String reasoning,
                                                                    String answer) {
        for (int i = 0; i <= reply.length(); i++) {
            for (int j = i; j <= reply.length(); j++) {
                List<String> pieces = List.of(reply.substring(0, i), reply.substring(i, j), reply.substring(j));
                assertThat(streamed(pieces, Boolean.parseBoolean(opened))).as("cut at %d and %d", i, j)
                        .isEqualTo(new Split(reasoning, answer));
            }
        }
    }

    @Property(tries = 500)
    void streamingInAnyPiecesEqualsSplittingWhole(@ForAll("replies") List<String> pieces, @ForAll boolean opened) {
        assertThat(streamed(pieces, opened)).isEqualTo(ThinkBlocks.split(String.join("", pieces), opened));
    }

    @Provide
    Arbitrary<List<String>> replies() {
        return Arbitraries.of("<think>", "</think>", "<th", "ink>", "</", "think>", "\n", "\n\n", "a", " b", "<",
                "x\n</think>\n").list().ofMaxSize(12);
    }

    private static Split streamed(List<String> pieces, boolean opened) {
        ThinkBlocks.Splitter splitter = new ThinkBlocks.Splitter(opened);
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        for (String piece : pieces) {
            Split part = splitter.accept(piece);
            reasoning.append(part.reasoning());
            content.append(part.content());
        }
        Split rest = splitter.finish();
        return new Split(reasoning.append(rest.reasoning()).toString(), content.append(rest.content()).toString());
    }

    @Test
    void nothingUndecidedIsPassedOnEarly() {
        ThinkBlocks.Splitter splitter = new ThinkBlocks.Splitter(false);
        assertThat(splitter.accept("\n<thi")).isEqualTo(new Split("", "")); // may still open a block
        assertThat(splitter.accept("nk>\nStep one.\n")).isEqualTo(new Split("Step one.", "")); // newline held
        assertThat(splitter.accept("</th")).isEqualTo(new Split("", "")); // may close the block
        assertThat(splitter.accept("ink>\n\nThe answer")).isEqualTo(new Split("", "The answer"));
        assertThat(splitter.accept(" is 42.")).isEqualTo(new Split("", " is 42."));
        assertThat(splitter.finish()).isEqualTo(new Split("", ""));
    }

    @Test
    void longRunsOfNewlinesAreHeldAsACount() {
        ThinkBlocks.Splitter splitter = new ThinkBlocks.Splitter(false);
        StringBuilder reasoning = new StringBuilder(splitter.accept("<think>a").reasoning());
        for (int i = 0; i < 100_000; i++) {
            assertThat(splitter.accept("\n")).isEqualTo(new Split("", ""));
        }
        Split end = splitter.accept("b</think>c");
        assertThat(reasoning.append(end.reasoning()).toString()).isEqualTo("a" + "\n".repeat(100_000) + "b");
        assertThat(end.content()).isEqualTo("c");
        assertThat(splitter.finish()).isEqualTo(new Split("", ""));
    }

    @Test
    void promptsAndTemplatesAreRecognised() throws IOException {
        assertThat(ThinkBlocks.opensBlock("<|im_start|>assistant\n<think>\n")).isTrue();
        assertThat(ThinkBlocks.opensBlock("<|im_start|>assistant\n<think>\n\n</think>\n\n")).isFalse();
        assertThat(ThinkBlocks.opensBlock("<|im_start|>assistant\n")).isFalse();
        assertThat(ThinkBlocks.usedBy(resource("qwen3.jinja"))).isTrue();
        assertThat(ThinkBlocks.usedBy(resource("qwen2.5-instruct.jinja"))).isFalse();
        assertThat(ThinkBlocks.usedBy(resource("llama-3.1-instruct.jinja"))).isFalse();
    }

    private String resource(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
