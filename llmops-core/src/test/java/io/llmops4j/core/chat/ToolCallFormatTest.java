package io.llmops4j.core.chat;

import io.llmops4j.core.ToolCall;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static io.llmops4j.core.chat.ChatTemplateToolCallingTest.HERMES3_CONVERSATION;
import static io.llmops4j.core.chat.ChatTemplateToolCallingTest.HERMES3_PARALLEL_CALLS;
import static io.llmops4j.core.chat.ChatTemplateToolCallingTest.LLAMA31_CONVERSATION;
import static io.llmops4j.core.chat.ChatTemplateToolCallingTest.MISTRAL03_CONVERSATION;
import static io.llmops4j.core.chat.ChatTemplateToolCallingTest.MISTRAL03_PARALLEL_CALLS;
import static io.llmops4j.core.chat.ChatTemplateToolCallingTest.QWEN25_CONVERSATION;
import static io.llmops4j.core.chat.ChatTemplateToolCallingTest.QWEN25_PARALLEL_CALLS;
import static io.llmops4j.core.chat.ChatTemplateToolCallingTest.QWEN3_PARALLEL_CALLS;
import static io.llmops4j.core.chat.ChatTemplateToolCallingTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading tool calls out of replies. The replies are the assistant turns that jinja2 wrote for four real templates
 * (the expected strings of {@link ChatTemplateToolCallingTest}, printed by Python), i.e. calls exactly as each model
 * family was trained to write them, plus hand-written replies in the formats' documented variants.
 */
class ToolCallFormatTest {

    private static final RandomGenerator IDS = new SplittableRandom(7);

    /** The text between the first {@code start} in {@code rendered} and the next {@code end}. */
    private static String turn(String rendered, String start, String end) {
        int from = rendered.indexOf(start) + start.length();
        assertThat(from).as("turn start %s", start).isGreaterThanOrEqualTo(start.length());
        return rendered.substring(from, rendered.indexOf(end, from));
    }

    private static ToolCallFormat.Reply parse(ToolCallFormat format, String output) {
        Optional<ToolCallFormat.Reply> reply = format.parse(output, IDS);
        assertThat(reply).as("calls in %s", output).isPresent();
        return reply.get();
    }

    private static void assertCall(ToolCall call, String name, Map<String, Object> arguments) {
        assertThat(call.name()).isEqualTo(name);
        assertThat(call.arguments()).isEqualTo(arguments);
        assertThat(call.id()).matches("[a-zA-Z0-9]{9}");
    }

    @Test
    void theFormatIsRecognisedFromTheTemplate() {
        assertThat(ToolCallFormat.detect(resource("hermes-3-llama-3.1-tool-use.jinja"))).contains(ToolCallFormat.HERMES);
        assertThat(ToolCallFormat.detect(resource("qwen2.5-instruct.jinja"))).contains(ToolCallFormat.HERMES);
        assertThat(ToolCallFormat.detect(resource("qwen3.jinja"))).contains(ToolCallFormat.HERMES);
        assertThat(ToolCallFormat.detect(resource("mistral-7b-instruct-v0.3.jinja"))).contains(ToolCallFormat.MISTRAL);
        assertThat(ToolCallFormat.detect(resource("mistral-small-3.1-instruct.jinja")))
                .contains(ToolCallFormat.MISTRAL);
        assertThat(ToolCallFormat.detect(resource("llama-3.1-instruct.jinja"))).contains(ToolCallFormat.LLAMA3_JSON);
        for (String plain : List.of("llama-3-instruct.jinja", "gemma-it.jinja", "mistral-instruct.jinja")) {
            assertThat(ToolCallFormat.detect(resource(plain))).as(plain).isEmpty();
        }
    }

    @Test
    void qwenAndHermesCallsAsTheirTemplatesWriteThem() {
        Map<String, Object> zurich = Map.of("city", "Zürich", "unit", "celsius", "days", 1L);
        for (String rendered : List.of(QWEN25_CONVERSATION, HERMES3_CONVERSATION)) {
            ToolCallFormat.Reply single = parse(ToolCallFormat.HERMES,
                    turn(rendered, "<|im_start|>assistant\n", "<|im_end|>"));
            assertThat(single.content()).isEmpty();
            assertThat(single.toolCalls()).hasSize(1);
            assertCall(single.toolCalls().get(0), "get_weather", zurich);
        }
        ToolCallFormat.Reply qwen = parse(ToolCallFormat.HERMES,
                turn(QWEN25_PARALLEL_CALLS, "<|im_start|>assistant\n", "<|im_end|>"));
        assertThat(qwen.content()).isEqualTo("Let me look both up.");
        assertThat(qwen.toolCalls()).hasSize(2);
        assertCall(qwen.toolCalls().get(0), "get_weather", Map.of("city", "Zürich"));
        assertCall(qwen.toolCalls().get(1), "get_time", Map.of("timezone", "Europe/Zurich"));
        ToolCallFormat.Reply qwen3 = parse(ToolCallFormat.HERMES,
                turn(QWEN3_PARALLEL_CALLS, "<|im_start|>assistant\n", "<|im_end|>"));
        assertThat(qwen3.content()).isEqualTo("Let me look both up.");
        assertThat(qwen3.toolCalls()).extracting(ToolCall::name).containsExactly("get_weather", "get_time");
        ToolCallFormat.Reply hermes = parse(ToolCallFormat.HERMES,
                turn(HERMES3_PARALLEL_CALLS, "<|im_start|>assistant\n", "<|im_end|>"));
        assertThat(hermes.toolCalls()).extracting(ToolCall::name).containsExactly("get_weather", "get_time");
    }

    @Test
    void mistralCallsGetFreshIds() {
        ToolCallFormat.Reply single = parse(ToolCallFormat.MISTRAL, turn(MISTRAL03_CONVERSATION, "[/INST]", "</s>"));
        assertThat(single.content()).isEmpty();
        assertThat(single.toolCalls()).hasSize(1);
        assertCall(single.toolCalls().get(0), "get_weather", Map.of("city", "Zürich", "unit", "celsius", "days", 1L));
        ToolCallFormat.Reply parallel = parse(ToolCallFormat.MISTRAL,
                turn(MISTRAL03_PARALLEL_CALLS, "[/INST]", "</s>"));
        assertThat(parallel.toolCalls()).hasSize(2);
        assertCall(parallel.toolCalls().get(0), "get_weather", Map.of("city", "Zürich"));
        assertCall(parallel.toolCalls().get(1), "get_time", Map.of("timezone", "Europe/Zurich"));
        // the ids the model copied from the conversation are not reused
        assertThat(parallel.toolCalls()).extracting(ToolCall::id).doesNotContain("call00001", "call00002");
    }

    @Test
    void mistralNameArgsPiecesOfNewerTokenizers() {
        ToolCallFormat.Reply reply = parse(ToolCallFormat.MISTRAL, "Checking.[TOOL_CALLS]get_weather[ARGS]"
                + "{\"city\": \"Paris\"}[TOOL_CALLS]get_time[CALL_ID]a1b2c3d4e[ARGS]{}");
        assertThat(reply.content()).isEqualTo("Checking.");
        assertCall(reply.toolCalls().get(0), "get_weather", Map.of("city", "Paris"));
        assertCall(reply.toolCalls().get(1), "get_time", Map.of());
        assertThat(reply.toolCalls().get(1).id()).isNotEqualTo("a1b2c3d4e");
    }

    @Test
    void llamaJsonCallsAsTheTemplateWritesThemAndWithPythonTag() {
        ToolCallFormat.Reply single = parse(ToolCallFormat.LLAMA3_JSON,
                turn(LLAMA31_CONVERSATION, "<|start_header_id|>assistant<|end_header_id|>\n\n", "<|eot_id|>"));
        assertThat(single.toolCalls()).hasSize(1);
        assertCall(single.toolCalls().get(0), "get_weather", Map.of("city", "Zürich", "unit", "celsius", "days", 1L));
        ToolCallFormat.Reply two = parse(ToolCallFormat.LLAMA3_JSON, "<|python_tag|>{\"name\": \"get_weather\", "
                + "\"parameters\": {\"city\": \"Paris\"}}; {\"name\": \"get_time\", \"arguments\": {\"timezone\": \"UTC\"}}");
        assertThat(two.content()).isEmpty();
        assertCall(two.toolCalls().get(0), "get_weather", Map.of("city", "Paris"));
        assertCall(two.toolCalls().get(1), "get_time", Map.of("timezone", "UTC"));
        ToolCallFormat.Reply nested = parse(ToolCallFormat.LLAMA3_JSON,
                " {\"name\": \"b\", \"parameters\": {\"x\": [1, 2.5], \"y\": {\"z\": null}}} ");
        assertThat(nested.toolCalls().get(0).arguments())
                .isEqualTo(Map.of("x", List.of(1L, 2.5), "y", java.util.Collections.singletonMap("z", null)));
    }

    @Test
    void hermesContentIsTheTextBeforeTheFirstCall() {
        // characters outside the BMP before and inside the calls must not shift the offsets
        ToolCallFormat.Reply reply = parse(ToolCallFormat.HERMES, "\uD83C\uDF24 Checking.\n<tool_call>{\"name\": \"f\", "
                + "\"arguments\": {\"s\": \"\uD83D\uDE00\"}}</tool_call> between <tool_call>{\"name\": \"g\", "
                + "\"arguments\": {}}</tool_call> after");
        assertThat(reply.content()).isEqualTo("\uD83C\uDF24 Checking.");
        assertCall(reply.toolCalls().get(0), "f", Map.of("s", "\uD83D\uDE00"));
        assertCall(reply.toolCalls().get(1), "g", Map.of());
    }

    @Test
    void longRepliesParse() {
        String text = "x".repeat(40_000); // past the length where Jackson reads a string through a Reader
        ToolCallFormat.Reply reply = parse(ToolCallFormat.LLAMA3_JSON, "{\"name\": \"save\", \"parameters\": "
                + "{\"text\": \"" + text + "\"}}; {\"name\": \"done\", \"parameters\": {}}");
        assertCall(reply.toolCalls().get(0), "save", Map.of("text", text));
        assertCall(reply.toolCalls().get(1), "done", Map.of());
    }

    @Test
    void argumentsGivenAsJsonTextAreRead() {
        ToolCallFormat.Reply reply = parse(ToolCallFormat.HERMES,
                "<tool_call>{\"name\": \"f\", \"arguments\": \"{\\\"a\\\": 1}\"}</tool_call>");
        assertCall(reply.toolCalls().get(0), "f", Map.of("a", 1L));
    }

    @Test
    void theLastHermesCallMayLackItsClosingTag() {
        ToolCallFormat.Reply reply = parse(ToolCallFormat.HERMES, "<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n");
        assertCall(reply.toolCalls().get(0), "f", Map.of());
    }

    @Test
    void repliesWithoutWellFormedCallsStayText() {
        List<String> hermes = List.of("It is sunny.", "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": }\n</tool_call>",
                "<tool_call>{\"arguments\": {}}</tool_call>", "<tool_call>{\"name\": \"f\", \"arguments\": [1]}</tool_call>",
                "<tool_call>{\"name\": \"f\"} trailing</tool_call>", "<tool_call>{\"name\": \"f\"}</tool_call>"
                        + "<tool_call>{\"name\": ", "<tool_call>{\"name\": \" \", \"arguments\": {}}</tool_call>");
        for (String output : hermes) {
            assertThat(ToolCallFormat.HERMES.parse(output, IDS)).as(output).isEmpty();
        }
        List<String> llama = List.of("The weather is nice.", "{\"name\": \"f\", \"parameters\": {}} and then text",
                "{\"name\": \"f\", \"parameters\": {}", "{\"parameters\": {}}", "<|python_tag|>brave_search.call(query=\"x\")",
                "{\"name\": \"Bob\", \"age\": 3}", "[{\"name\": \"f\", \"parameters\": {}}]");
        for (String output : llama) {
            assertThat(ToolCallFormat.LLAMA3_JSON.parse(output, IDS)).as(output).isEmpty();
        }
        List<String> mistral = List.of("No calls here.", "[TOOL_CALLS] [{\"name\": \"f\", \"arguments\": {}}",
                "[TOOL_CALLS] [{\"name\": \"f\", \"arguments\": {}}] text after", "[TOOL_CALLS]f{\"a\": 1}",
                "[TOOL_CALLS] {\"name\": \"f\"}", "[TOOL_CALLS] [{\"name\": \"f\"}]",
                "[TOOL_CALLS]foo{\"a\":1}[TOOL_CALLS]bar[ARGS]{}", "[TOOL_CALLS]get weather[ARGS]{}");
        for (String output : mistral) {
            assertThat(ToolCallFormat.MISTRAL.parse(output, IDS)).as(output).isEmpty();
        }
    }

    @Test
    void idsComeFromTheGivenGenerator() {
        String output = "<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>";
        String a = ToolCallFormat.HERMES.parse(output, new SplittableRandom(3)).orElseThrow().toolCalls().get(0).id();
        String b = ToolCallFormat.HERMES.parse(output, new SplittableRandom(3)).orElseThrow().toolCalls().get(0).id();
        String c = ToolCallFormat.HERMES.parse(output, new SplittableRandom(4)).orElseThrow().toolCalls().get(0).id();
        assertThat(a).isEqualTo(b).isNotEqualTo(c).matches("[a-zA-Z0-9]{9}");
        // the nine characters are drawn uniformly from 62: over many ids every letter and digit turns up
        SplittableRandom rng = new SplittableRandom(5);
        java.util.Set<Character> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            for (char ch : ToolCallFormat.HERMES.parse(output, rng).orElseThrow().toolCalls().get(0).id().toCharArray()) {
                seen.add(ch);
            }
        }
        assertThat(seen).hasSize(62);
    }
}
