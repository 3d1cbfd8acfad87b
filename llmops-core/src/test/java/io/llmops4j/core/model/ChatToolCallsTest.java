package io.llmops4j.core.model;

import static io.llmops4j.core.testing.HandWiredChatModel.greedy;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmops4j.core.ChatMessage;
import io.llmops4j.core.FinishReason;
import io.llmops4j.core.GeneratedToken;
import io.llmops4j.core.Generation;
import io.llmops4j.core.GenerationConfig;
import io.llmops4j.core.LanguageModel;
import io.llmops4j.core.ToolCall;
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
 * chat() with tools reads the calls out of a model's reply. The model ({@link HandWiredChatModel}) writes a known
 * reply: greedy decoding after the prompt's last token ({@code assistant}) writes
 * {@code <|im_start|> Checking. <tool_call> {...} </tool_call> <|im_end|>} with a word-level tokenizer (the special
 * token before the content must not reach the content).
 */
class ChatToolCallsTest {
    @TempDir
    static Path tmp;
    static LanguageModel lm;

    private static final String CALL = "{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}";
    // token ids: the tokenizer's vocabulary; EOS (2) is TinyCheckpoints' EOS, so generation_config stops on it
    private static final String[] VOCAB = {"<unk>", "<|im_start|>", "<|im_end|>", "<tool_call>", "</tool_call>",
        "user", "assistant", "Checking.", CALL};
    // assistant -> <|im_start|> -> Checking. -> <tool_call> -> call -> </tool_call> -> <|im_end|>
    private static final int[][] NEXT = {{6, 1}, {1, 7}, {7, 3}, {3, 8}, {8, 4}, {4, 2}};
    private static final String TEMPLATE = "{% if tools %}<|im_start|>system Call tools as <tool_call> JSON "
            + "</tool_call><|im_end|> {% endif %}{% for m in messages %}<|im_start|>{{ m.role }} {{ m.content }}"
            + "<|im_end|> {% endfor %}{% if add_generation_prompt %}<|im_start|>assistant{% endif %}";
    private static final List<ChatMessage> ASK = List.of(ChatMessage.user("Weather in Paris?"));
    private static final List<Object> TOOLS = HandWiredChatModel.WEATHER_TOOLS;

    @BeforeAll
    static void load() throws Exception {
        // <tool_call> and </tool_call> are plain added tokens, as in Qwen2.5
        lm = LanguageModel.load(HandWiredChatModel.write(tmp.resolve("m"), VOCAB, NEXT, Set.of(0, 1, 2, 3, 4),
                Set.of(0, 1, 2), TEMPLATE));
    }

    @AfterAll
    static void close() {
        lm.close();
    }

    @Test
    void aReplyThatCallsAToolComesBackAsToolCalls() {
        List<String> pieces = new ArrayList<>();
        Generation g = lm.chat(ASK, TOOLS, greedy(10), t -> pieces.add(t.text()), null);
        assertThat(g.tokenIds()).containsExactly(1, 7, 3, 8, 4, 2);
        assertThat(g.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(g.text()).isEqualTo("Checking.");
        assertThat(g.toolCalls()).hasSize(1);
        ToolCall call = g.toolCalls().get(0);
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo(Map.of("city", "Paris"));
        assertThat(call.id()).matches("[a-zA-Z0-9]{9}");
        // the stream carries the reply as the model wrote it
        assertThat(String.join("", pieces)).contains("Checking.", "<tool_call>", CALL, "</tool_call>");
        // the call goes back into the conversation as the template expects
        assertThat(lm.chatTemplate().render(List.of(ASK.get(0), ChatMessage.assistantToolCalls(g.toolCalls()),
                ChatMessage.tool(call.id(), "sunny")), false)).contains("<|im_start|>tool sunny<|im_end|>");
    }

    @Test
    void aStopTokenOfTheCallersEndsTheReplyAndItsCallStillParses() {
        // stopping on </tool_call> (id 4): the last call lacks its closing tag, which the format allows
        Generation g = lm.chat(ASK, TOOLS,
                GenerationConfig.builder().temperature(0).maxNewTokens(10).stopTokenIds(4).build());
        assertThat(g.tokenIds()).containsExactly(1, 7, 3, 8, 4);
        assertThat(g.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(g.toolCalls()).extracting(ToolCall::name).containsExactly("get_weather");
    }

    @Test
    void seededCallIdsRepeat() {
        GenerationConfig seeded = GenerationConfig.builder().temperature(0).maxNewTokens(10).seed(11).build();
        assertThat(lm.chat(ASK, TOOLS, seeded).toolCalls().get(0).id())
                .isEqualTo(lm.chat(ASK, TOOLS, seeded).toolCalls().get(0).id());
    }

    @Test
    void withoutToolsOrWhenCutShortTheReplyStaysText() {
        Generation plain = lm.chat(ASK, greedy(10));
        assertThat(plain.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(plain.toolCalls()).isEmpty();
        assertThat(plain.text()).contains("<tool_call>", CALL);
        Generation cut = lm.chat(ASK, TOOLS, greedy(4));
        assertThat(cut.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(cut.toolCalls()).isEmpty();
        assertThat(cut.text()).contains("<tool_call>", CALL);
        Generation stopped = lm.chat(ASK, TOOLS,
                GenerationConfig.builder().temperature(0).maxNewTokens(10).stopSequences("</tool_call>").build());
        assertThat(stopped.finishReason()).isEqualTo(FinishReason.STOP_SEQUENCE);
        assertThat(stopped.toolCalls()).isEmpty();
        List<GeneratedToken> none = new ArrayList<>();
        assertThat(lm.chat(ASK, List.of(), greedy(10), none::add, null).toolCalls()).isEmpty();
    }
}
