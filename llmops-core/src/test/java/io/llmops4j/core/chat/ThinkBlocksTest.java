package io.llmops4j.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmops4j.core.chat.ThinkBlocks.Split;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class ThinkBlocksTest {
    /**
     * {reply, reasoning, answer} for replies that close their block, printed by src/test/python/think_split.py:
     * Python evaluating the expressions with which Qwen3's chat template reads an assistant turn back.
     */
    static final String[][] CLOSED = {
        {"<think>\nplan\n</think>\n\nanswer", "plan", "answer"},
        {"plan\n</think>\n\nanswer", "plan", "answer"},
        {"<think>\n\n</think>\n\nanswer", "", "answer"},
        {"<think>a</think>b</think>c", "a", "c"},
        {"x<think>y</think>z", "y", "z"},
        {"\n\n<think>\n  hmm \n\n</think>\nok\n", "  hmm ", "ok\n"},
        {"<think>one<think>two\n</think>", "two", ""},
        {"</think>", "", ""},
    };

    @ParameterizedTest
    @FieldSource("CLOSED")
    void aClosedBlockSplitsAsTheTemplateReadsIt(String reply, String reasoning, String answer) {
        assertThat(ThinkBlocks.split(reply, false)).isEqualTo(new Split(reasoning, answer));
        assertThat(ThinkBlocks.split(reply, true)).isEqualTo(new Split(reasoning, answer));
    }

    @Test
    void anUnclosedBlockIsAllReasoningAndNoBlockIsAllAnswer() {
        assertThat(ThinkBlocks.split("<think>\nstill going", false)).isEqualTo(new Split("still going", ""));
        assertThat(ThinkBlocks.split("\n<think>", false)).isEqualTo(new Split("", ""));
        assertThat(ThinkBlocks.split("still going\n", true)).isEqualTo(new Split("still going", ""));
        // without a block the reply is the answer, untouched (no stripping)
        assertThat(ThinkBlocks.split("\nParis.\n", false)).isEqualTo(new Split("", "\nParis.\n"));
        assertThat(ThinkBlocks.split("I <think> so", false)).isEqualTo(new Split("", "I <think> so"));
        assertThat(ThinkBlocks.split("", true)).isEqualTo(new Split("", ""));
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
