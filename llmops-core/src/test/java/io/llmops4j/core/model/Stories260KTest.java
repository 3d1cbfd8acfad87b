package io.llmops4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmops4j.core.ChatMessage;
import io.llmops4j.core.FinishReason;
import io.llmops4j.core.Generation;
import io.llmops4j.core.GenerationConfig;
import io.llmops4j.core.InvalidRequestException;
import io.llmops4j.core.LanguageModel;
import io.llmops4j.core.ToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real trained stories260K Llama from {@code ../shared/models} (skipped when absent): its README says that
 * greedy decoding writes TinyStories-style text beginning "Once upon a time", and that stories end with BOS (id 1).
 */
class Stories260KTest {
    static LanguageModel lm;

    @BeforeAll
    static void load() {
        Path dir = Path.of(System.getProperty("llmops.shared.dir", "../shared"), "models", "stories260K");
        assumeTrue(Files.isDirectory(dir), "stories260K not present at " + dir);
        lm = LanguageModel.load(dir);
    }

    @AfterAll
    static void close() {
        if (lm != null) {
            lm.close();
        }
    }

    private static GenerationConfig.Builder greedy(int n) {
        return GenerationConfig.builder().maxNewTokens(n).stopTokenIds(1, 2);
    }

    @Test
    void greedyDecodingFromBosWritesAStory() {
        Generation g = lm.generate("", greedy(40).build());
        assertThat(g.promptTokens()).as("the empty prompt is just BOS").isEqualTo(1);
        assertThat(g.text()).startsWith("Once upon a time");
        assertThat(lm.tokenizer().decode(g.tokenIds())).isEqualTo(g.text());
    }

    @Test
    void stopSequenceSplitAcrossTokensCutsTheTextBeforeIt() {
        String full = lm.generate("Once upon a time", greedy(60).build()).text();
        String stop = "little girl";
        int at = full.indexOf(stop);
        assumeTrue(at >= 0, "the greedy story mentions a little girl: " + full);
        assertThat(lm.tokenizer().encode(stop, false).length).as("the stop sequence spans several tokens").isGreaterThan(1);
        Generation g = lm.generate("Once upon a time", greedy(60).stopSequences(stop).build());
        assertThat(g.finishReason()).isEqualTo(FinishReason.STOP_SEQUENCE);
        assertThat(g.text()).isEqualTo(full.substring(0, at));
    }

    @Test
    void streamedPiecesConcatenateToTheText() {
        StringBuilder pieces = new StringBuilder();
        Generation g = lm.stream("Lily and Ben", greedy(50).build(), t -> pieces.append(t.text()));
        assertThat(pieces.toString()).isEqualTo(g.text());
        assertThat(g.text()).isNotBlank();
    }

    /**
     * A stop sequence that starts with the story's last character and never completes: the matcher holds that
     * character back at the end, and the last token (at the length limit, or the end-of-story token) must stream it.
     */
    @Test
    void textHeldBackAtTheEndIsStreamedWithTheLastToken() {
        for (int n : new int[] {20, 300}) {
            Generation plain = lm.generate("Once upon a time", greedy(n).build());
            String full = plain.text();
            String stop = full.substring(full.length() - 1) + "#never#";
            StringBuilder pieces = new StringBuilder();
            Generation g = lm.stream("Once upon a time", greedy(n).stopSequences(stop).build(),
                    t -> pieces.append(t.text()));
            assertThat(g.finishReason()).as("%d tokens", n).isEqualTo(plain.finishReason());
            assertThat(g.text()).as("%d tokens", n).isEqualTo(full);
            assertThat(pieces.toString()).as("%d tokens", n).isEqualTo(full);
        }
    }

    @Test
    void withoutATemplateAPromptIsFedAsPlainTextWithBos() {
        assertThat(lm.formatPrompt("Once upon a time")).isEqualTo("Once upon a time");
        assertThat(lm.encodePrompt("Once upon a time")).containsExactly(1, 403, 407, 261, 378);
    }

    /** stories260K's files in {@code dir}, with {@code template} as the chat template. */
    private static Path withTemplate(Path dir, String template) throws Exception {
        Path stories = Path.of(System.getProperty("llmops.shared.dir", "../shared"), "models", "stories260K")
                .toAbsolutePath();
        for (String f : new String[] {"config.json", "generation_config.json", "model.safetensors", "tokenizer.json",
                "special_tokens_map.json"}) {
            Files.createSymbolicLink(dir.resolve(f), stories.resolve(f));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(stories.resolve("tokenizer_config.json").toFile());
        config.put("chat_template", template);
        json.writeValue(dir.resolve("tokenizer_config.json").toFile(), config);
        return dir;
    }

    /** A ChatML template added to stories260K's files: the prompt becomes one user turn, fed exactly as chat() does. */
    @Test
    void withATemplateAPromptIsOneUserTurnFedAsChatFeedsIt(@TempDir Path dir) throws Exception {
        withTemplate(dir, "{{ bos_token }}{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}"
                + "<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}");
        try (LanguageModel chat = LanguageModel.load(dir)) {
            String formatted = chat.formatPrompt("Tell a story.");
            assertThat(formatted).isEqualTo("<s><|im_start|>user\nTell a story.<|im_end|>\n<|im_start|>assistant\n");
            int[] ids = chat.encodePrompt(formatted);
            assertThat(ids[0]).isEqualTo(1);
            assertThat(ids[1]).as("one BOS, written by the template").isNotEqualTo(1);
            assertThat(chat.generate(ids, greedy(20).build()).tokenIds())
                    .isEqualTo(chat.chat(List.of(ChatMessage.user("Tell a story.")), greedy(20).build()).tokenIds());
        }
    }

    /**
     * chat(messages, tools, cfg) hands the tools (JSON text or maps) and the messages' tool calls to the template,
     * and feeds the rendering as chat() does; tools that are not JSON objects are refused.
     */
    @Test
    void chatWithToolsRendersThemThroughTheTemplate(@TempDir Path dir) throws Exception {
        withTemplate(dir, "{{ bos_token }}{% if tools is not none %}[{% for t in tools %}{{ t.function.name }}"
                + "{{ t.function.parameters | tojson }};{% endfor %}]{% endif %}{% for m in messages %}<|im_start|>"
                + "{{ m.role }}\n{% if m.tool_calls is defined %}{% for c in m.tool_calls %}{{ c.function.name }}("
                + "{{ c.function.arguments | tojson }}){% endfor %}{% else %}{{ m.content }}{% endif %}<|im_end|>\n"
                + "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}");
        List<ChatMessage> messages = List.of(ChatMessage.user("Weather?"),
                ChatMessage.assistantToolCalls(List.of(new ToolCall("c1", "get_weather", "{\"city\":\"Paris\"}"))),
                ChatMessage.tool("c1", "sunny"));
        List<Object> tools = List.of(
                "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"parameters\": {\"type\": \"object\"}}}",
                Map.of("type", "function", "function", Map.of("name", "get_time", "parameters", Map.of())));
        String expected = "<s>[get_weather{\"type\": \"object\"};get_time{};]<|im_start|>user\nWeather?<|im_end|>\n"
                + "<|im_start|>assistant\nget_weather({\"city\": \"Paris\"})<|im_end|>\n"
                + "<|im_start|>tool\nsunny<|im_end|>\n<|im_start|>assistant\n";
        try (LanguageModel chat = LanguageModel.load(dir)) {
            assertThat(chat.chatTemplate().render(messages, true, Map.of("tools", tools))).isEqualTo(expected);
            int[] ids = chat.tokenizer().encode(expected, false);
            Generation g = chat.chat(messages, tools, greedy(10).build());
            assertThat(g.promptTokens()).isEqualTo(ids.length);
            assertThat(g.tokenIds()).isEqualTo(chat.generate(ids, greedy(10).build()).tokenIds());
            // without tools the template sees none, as with chat(messages, cfg)
            String withoutTools = expected.substring(0, 3) + expected.substring(expected.indexOf("<|im_start|>"));
            int[] idsWithoutTools = chat.tokenizer().encode(withoutTools, false);
            Generation plain = chat.chat(messages, null, greedy(10).build());
            assertThat(plain.promptTokens()).isEqualTo(idsWithoutTools.length).isLessThan(ids.length);
            assertThat(plain.tokenIds())
                    .isEqualTo(chat.chat(messages, greedy(10).build()).tokenIds())
                    .isEqualTo(chat.generate(idsWithoutTools, greedy(10).build()).tokenIds());
            assertThatThrownBy(() -> chat.chat(messages, List.of("[]"), greedy(10).build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage("template variable tools[0] must be a JSON object, found a JSON array ([])");
            assertThatThrownBy(() -> chat.chat(messages, List.of(42), greedy(10).build()))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("tools[0] is a java.lang.Integer");
        }
    }

    @Test
    void chatWithoutATemplateSaysSo() {
        assertThatThrownBy(() -> lm.chat(List.of(ChatMessage.user("hi")), greedy(5).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("no chat_template");
    }
}
