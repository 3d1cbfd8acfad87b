package io.llmops4j.core.model;

import static io.llmops4j.core.testing.HandWiredChatModel.greedy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmops4j.core.ChatMessage;
import io.llmops4j.core.FinishReason;
import io.llmops4j.core.Generation;
import io.llmops4j.core.InvalidRequestException;
import io.llmops4j.core.LanguageModel;
import io.llmops4j.core.testing.HandWiredChatModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * chat() splits the reasoning of models that think in {@code <think>} blocks from their answer, and passes extra
 * variables to the chat template. The models ({@link HandWiredChatModel}) write known replies: after
 * {@code assistant} one writes {@code <think> Hmm, </think> Paris. <|im_end|>}, the other calls a tool after the
 * same reasoning. As in Qwen3's tokenizer, the think tags are added tokens that are not special, so they stay in
 * the decoded text.
 */
class ChatReasoningTest {
    @TempDir
    static Path tmp;
    static LanguageModel answers;
    static LanguageModel calls;
    static LanguageModel muses; // writes a call inside its reasoning, then answers

    private static final String CALL = "{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}";
    private static final String[] VOCAB = {"<unk>", "<|im_start|>", "<|im_end|>", "<think>", "</think>", "user",
        "assistant", "Hmm,", "Paris.", "<tool_call>", "</tool_call>", CALL};
    // assistant -> <think> -> Hmm, -> </think> -> Paris. -> <|im_end|>
    private static final int[][] ANSWER = {{6, 3}, {3, 7}, {7, 4}, {4, 8}, {8, 2}};
    // assistant -> <think> -> Hmm, -> </think> -> <tool_call> -> call -> </tool_call> -> <|im_end|>
    private static final int[][] CALLS = {{6, 3}, {3, 7}, {7, 4}, {4, 9}, {9, 11}, {11, 10}, {10, 2}};
    // assistant -> <think> -> <tool_call> -> call -> </tool_call> -> </think> -> Paris. -> <|im_end|>
    private static final int[][] MUSES = {{6, 3}, {3, 9}, {9, 11}, {11, 10}, {10, 4}, {4, 8}, {8, 2}};
    // like Qwen3's: enable_thinking=false closes an empty block in the prompt; open_think opens one, as DeepSeek-R1
    private static final String TEMPLATE = "{% if tools %}<|im_start|>system Call tools as <tool_call> JSON "
            + "</tool_call><|im_end|> {% endif %}{% for m in messages %}<|im_start|>{{ m.role }} {{ m.content }}"
            + "<|im_end|> {% endfor %}{% if add_generation_prompt %}<|im_start|>assistant"
            + "{% if enable_thinking is defined and enable_thinking is false %} <think> </think>"
            + "{% elif open_think %} <think>{% endif %}{% endif %}";
    private static final List<ChatMessage> ASK = List.of(ChatMessage.user("Capital of France?"));
    private static final List<Object> TOOLS = HandWiredChatModel.WEATHER_TOOLS;

    @BeforeAll
    static void load() throws Exception {
        Set<Integer> added = Set.of(0, 1, 2, 3, 4, 9, 10);
        Set<Integer> special = Set.of(0, 1, 2);
        answers = LanguageModel.load(HandWiredChatModel.write(tmp.resolve("a"), VOCAB, ANSWER, added, special,
                TEMPLATE));
        calls = LanguageModel.load(HandWiredChatModel.write(tmp.resolve("c"), VOCAB, CALLS, added, special,
                TEMPLATE));
        muses = LanguageModel.load(HandWiredChatModel.write(tmp.resolve("m"), VOCAB, MUSES, added, special,
                TEMPLATE));
    }

    @AfterAll
    static void close() {
        answers.close();
        calls.close();
        muses.close();
    }

    @Test
    void theReasoningIsSplitFromTheAnswer() {
        List<String> pieces = new ArrayList<>();
        Generation g = answers.chat(ASK, null, Map.of(), greedy(10), t -> pieces.add(t.text()), null);
        assertThat(g.tokenIds()).containsExactly(3, 7, 4, 8, 2);
        assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);
        // the word-level tokenizer joins words with spaces; only newlines are trimmed, as Qwen3's template does
        assertThat(g.reasoning()).isEqualTo(" Hmm, ");
        assertThat(g.text()).isEqualTo(" Paris.");
        // the stream carries the reply as the model wrote it
        assertThat(String.join("", pieces)).isEqualTo("<think> Hmm, </think> Paris.");
        assertThat(answers.chat(ASK, greedy(10))).satisfies(same -> {
            assertThat(same.reasoning()).isEqualTo(g.reasoning());
            assertThat(same.text()).isEqualTo(g.text());
        });
    }

    @Test
    void aFormattedPromptGetsTheSameReplyAsChat() {
        String formatted = answers.formatPrompt("Capital of France?");
        Generation viaReply = answers.reply(formatted, greedy(10));
        assertThat(viaReply.reasoning()).isEqualTo(" Hmm, ");
        assertThat(viaReply.text()).isEqualTo(" Paris.");
        assertThat(viaReply.tokenIds()).isEqualTo(answers.chat(ASK, greedy(10)).tokenIds());
        // generating from the encoded prompt gives the reply as written
        assertThat(answers.generate(answers.encodePrompt(formatted), greedy(10)).text())
                .isEqualTo("<think> Hmm, </think> Paris.");
    }

    @Test
    void templateVariablesReachTheTemplate() {
        Generation thinking = answers.chat(ASK, greedy(10));
        Generation direct = answers.chat(ASK, null, Map.of("enable_thinking", false), greedy(10));
        assertThat(answers.chat(ASK, null, null, greedy(10)).tokenIds()).isEqualTo(thinking.tokenIds());
        // the prompt closed an empty block, so the model answers at once
        assertThat(direct.promptTokens()).isEqualTo(thinking.promptTokens() + 2);
        assertThat(direct.tokenIds()).containsExactly(8, 2);
        assertThat(direct.reasoning()).isEmpty();
        assertThat(direct.text()).isEqualTo("Paris.");
    }

    @Test
    void aBlockOpenedByThePromptMakesTheReplyStartInIt() {
        Generation g = answers.chat(ASK, null, Map.of("open_think", true), greedy(10));
        assertThat(g.tokenIds()).containsExactly(7, 4, 8, 2);
        assertThat(g.reasoning()).isEqualTo("Hmm, ");
        assertThat(g.text()).isEqualTo(" Paris.");
    }

    @Test
    void aReplyCutOffWhileReasoningHasNoAnswerYet() {
        Generation opened = answers.chat(ASK, null, Map.of("open_think", true), greedy(1));
        assertThat(opened.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(opened.reasoning()).isEqualTo("Hmm,");
        assertThat(opened.text()).isEmpty();
        Generation own = answers.chat(ASK, greedy(2));
        assertThat(own.tokenIds()).containsExactly(3, 7);
        assertThat(own.reasoning()).isEqualTo(" Hmm,");
        assertThat(own.text()).isEmpty();
    }

    @Test
    void toolCallsAreReadAfterTheReasoning() {
        Generation g = calls.chat(ASK, TOOLS, greedy(10));
        assertThat(g.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(g.reasoning()).isEqualTo(" Hmm, ");
        assertThat(g.text()).isEmpty();
        assertThat(g.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(call.arguments()).isEqualTo(Map.of("city", "Paris"));
        });
    }

    @Test
    void aCallWrittenWhileReasoningIsNotACall() {
        Generation g = muses.chat(ASK, TOOLS, greedy(10));
        assertThat(g.tokenIds()).containsExactly(3, 9, 11, 10, 4, 8, 2);
        assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(g.toolCalls()).isEmpty();
        assertThat(g.reasoning()).contains("<tool_call>", CALL);
        assertThat(g.text()).isEqualTo(" Paris.");
    }

    @Test
    void aReplyWithToolsCutOffWhileReasoningIsReasoningOnly() {
        Generation g = calls.chat(ASK, TOOLS, greedy(2));
        assertThat(g.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(g.toolCalls()).isEmpty();
        assertThat(g.reasoning()).isEqualTo(" Hmm,");
        assertThat(g.text()).isEmpty();
    }

    @Test
    void toolsGoThroughTheirOwnArgument() {
        assertThatThrownBy(() -> answers.chat(ASK, null, Map.of("tools", TOOLS), greedy(5)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'tools' is set by the tools argument");
        assertThatThrownBy(() -> answers.chat(ASK, null, Map.of("messages", List.of()), greedy(5)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'messages'");
        assertThatThrownBy(() -> answers.chat(ASK, null, Map.of("add_generation_prompt", false), greedy(5)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'add_generation_prompt'");
        java.util.Map<String, Object> unnamed = new java.util.HashMap<>();
        unnamed.put(null, 1);
        assertThatThrownBy(() -> answers.chat(ASK, null, unnamed, greedy(5)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("must not be null");
    }
}
