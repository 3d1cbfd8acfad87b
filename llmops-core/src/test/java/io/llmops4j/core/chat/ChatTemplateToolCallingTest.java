package io.llmops4j.core.chat;

import io.llmops4j.core.ChatMessage;
import io.llmops4j.core.InvalidRequestException;
import io.llmops4j.core.ToolCall;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tool-calling conversations (a system prompt, tools, a user turn, an assistant tool call, a tool result and a final
 * answer) rendered with the real tool-calling chat templates of four checkpoints, stored under src/test/resources:
 * {@code llama-3.1-instruct.jinja} (meta-llama/Llama-3.1-8B-Instruct), {@code qwen2.5-instruct.jinja}
 * (Qwen/Qwen2.5-7B-Instruct), {@code mistral-7b-instruct-v0.3.jinja} (the {@code chat_template} of
 * mistralai/Mistral-7B-Instruct-v0.3's tokenizer_config.json) and {@code hermes-3-llama-3.1-tool-use.jinja}
 * (NousResearch/Hermes-3-Llama-3.1-8B's {@code tool_use} template, as llama.cpp stores it in
 * models/templates/NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja).
 *
 * <p>Every expected string is jinja2 3.1.6's output for the same template and the same conversation written as the
 * OpenAI-style dicts that HF's {@code apply_chat_template} takes, in HF's Jinja environment; it was printed by
 * {@code src/test/python/render_tool_templates.py}, which holds the dicts this test's {@link ChatMessage}s must
 * become.
 */
class ChatTemplateToolCallingTest {

    static String resource(String name) {
        try (InputStream in = ChatTemplateToolCallingTest.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** An insertion-ordered map, as Python dicts are. */
    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    // the three tools of the script: one as a map, two as JSON text (both forms must reach the template alike)
    private static final String WEATHER = "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\","
            + " \"description\": \"Get the current weather in a city\", \"parameters\": {\"type\": \"object\","
            + " \"properties\": {\"city\": {\"type\": \"string\", \"description\": \"The city, e.g. Zürich\"},"
            + " \"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"],"
            + " \"description\": \"The temperature unit\"},"
            + " \"days\": {\"type\": \"integer\", \"description\": \"Days of forecast\"}}, \"required\": [\"city\"]}}}";
    private static final Map<String, Object> TIME = map("type", "function", "function", map(
            "name", "get_time",
            "description", "The local time in a time zone",
            "parameters", map("type", "object",
                    "properties", map("timezone", map("type", "string", "description", "An IANA time zone")),
                    "required", List.of("timezone"))));
    private static final String LOCATION = "\n {\"type\":\"function\",\"function\":{\"name\":\"get_location\","
            + "\"description\":\"Where the user is\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}}\t";
    private static final List<Object> TOOLS = List.of(WEATHER, TIME, LOCATION);

    private static final List<ChatMessage> SINGLE = List.of(
            ChatMessage.system("You are a helpful assistant."),
            ChatMessage.user("What's the weather in Zürich?"),
            ChatMessage.assistantToolCalls(List.of(new ToolCall("call00001", "get_weather",
                    "{\"city\": \"Zürich\", \"unit\": \"celsius\", \"days\": 1}"))),
            ChatMessage.tool("call00001", "{\"temperature\": 21.5, \"condition\": \"sunny\"}").withName("get_weather"),
            ChatMessage.assistant("It is 21.5 °C and sunny in Zürich."));

    private static final List<ChatMessage> PARALLEL = List.of(
            ChatMessage.system("You are a helpful assistant."),
            ChatMessage.user("Weather and time in Zürich?"),
            ChatMessage.assistantToolCalls("Let me look both up.", List.of(
                    new ToolCall("call00001", "get_weather", Map.of("city", "Zürich")),
                    new ToolCall("call00002", "get_time", "{\"timezone\":\"Europe/Zurich\"}"))),
            ChatMessage.tool("call00001", "{\"temperature\": 21.5}").withName("get_weather"),
            ChatMessage.tool("call00002", "{\"time\": \"14:05\"}").withName("get_time"),
            ChatMessage.assistant("21.5 °C at 14:05."));

    private static String render(String template, Map<String, Object> tokens, List<ChatMessage> messages,
                                 boolean addGenerationPrompt) {
        return ChatTemplate.compile(resource(template), tokens)
                .render(messages, addGenerationPrompt, Map.of("tools", TOOLS));
    }

    private static void assertRenders(String template, Map<String, Object> tokens, String conversation,
                                      String promptAfterToolResult, String parallelCalls) {
        assertThat(render(template, tokens, SINGLE, false)).as("conversation").isEqualTo(conversation);
        assertThat(render(template, tokens, SINGLE.subList(0, 4), true)).as("prompt after the tool result")
                .isEqualTo(promptAfterToolResult);
        if (parallelCalls.startsWith("ERROR: ")) {
            assertThatThrownBy(() -> render(template, tokens, PARALLEL, false))
                    .isInstanceOf(ChatTemplateException.class)
                    .hasMessage(parallelCalls.substring("ERROR: ".length()));
        } else {
            assertThat(render(template, tokens, PARALLEL, false)).as("parallel calls").isEqualTo(parallelCalls);
        }
    }

    @Test
    void llama31WritesTheCallAsJsonAndTheResultAsAnIpythonTurn() {
        assertRenders("llama-3.1-instruct.jinja", Map.of("bos_token", "<|begin_of_text|>", "eos_token", "<|eot_id|>"),
                LLAMA31_CONVERSATION, LLAMA31_PROMPT_AFTER_TOOL_RESULT, LLAMA31_PARALLEL_CALLS);
    }

    /**
     * Qwen3 (qwen3.jinja: Qwen/Qwen3-0.6B's chat_template) keeps an assistant turn's reasoning only after the last
     * user query, writes an empty think block for {@code enable_thinking=False}, and writes calls as Hermes does.
     * Its {@code '</think>' in message.content} fails on the None content of a call-only message in jinja2 too.
     */
    @Test
    void qwen3KeepsReasoningAfterTheLastQueryAndWritesCallsInToolCallTags() {
        ChatTemplate qwen3 = ChatTemplate.compile(resource("qwen3.jinja"), Map.of("eos_token", "<|im_end|>"));
        List<ChatMessage> thinking = List.of(ChatMessage.system("Be brief."), ChatMessage.user("2 + 2?"),
                ChatMessage.assistant("<think>\nAdd them.\n</think>\n\n4"), ChatMessage.user("And 3 + 3?"));
        assertThat(qwen3.render(thinking, true)).isEqualTo(QWEN3_THINKING);
        assertThat(qwen3.render(thinking, true, Map.of("enable_thinking", false))).isEqualTo(QWEN3_NO_THINKING);
        List<ChatMessage> emptyContent = new ArrayList<>(SINGLE);
        emptyContent.set(2, ChatMessage.assistantToolCalls("", SINGLE.get(2).toolCalls()));
        assertThat(qwen3.render(emptyContent, false, Map.of("tools", TOOLS))).isEqualTo(QWEN3_CONVERSATION);
        assertThat(qwen3.render(PARALLEL, false, Map.of("tools", TOOLS))).isEqualTo(QWEN3_PARALLEL_CALLS);
        assertThatThrownBy(() -> qwen3.render(SINGLE, false, Map.of("tools", TOOLS)))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining(QWEN3_NONE_CONTENT.substring("ERROR: TypeError: ".length()));
    }

    @Test
    void stringsMapsAndUndefinedAreIterableSequencesAsInJinja() {
        // jinja2 3.1.6: an undefined value is iterable and a sequence, none is neither
        ChatTemplate t = ChatTemplate.compile("{{ 'abc' is iterable }}{{ {'a': 1} is iterable }}{{ [1] is iterable }}"
                + "{{ none is iterable }}|{{ 'abc' is sequence }}{{ {'a': 1} is sequence }}{{ [1] is sequence }}"
                + "{{ none is sequence }}{{ 1 is sequence }}|{{ nothing is iterable }}{{ nothing is sequence }}",
                Map.of());
        assertThat(t.render(List.of(), false)).isEqualTo("TrueTrueTrueFalse|TrueTrueTrueFalseFalse|TrueTrue");
    }

    @Test
    void hermes3DescribesNestedParametersThroughItsRecursiveMacro() {
        // json_to_python_type calls itself for arrays, objects with additionalProperties (twice for "weights") and
        // unions; an array's items and an anyOf have no .type, which Jinja takes as iterable: Union[]
        Map<String, Object> search = map("type", "function", "function", map("name", "search",
                "description", "Search the notes", "parameters", map("type", "object", "properties", map(
                        "tags", map("type", "array", "items", map("type", "string"), "description", "Tags to match"),
                        "limits", map("type", "object", "additionalProperties", map("type", "integer"),
                                "description", "Per-tag limits"),
                        "weights", map("type", "object", "additionalProperties", map("type", "object",
                                "additionalProperties", map("type", "number")),
                                "description", "Per-field weights by tag"),
                        "when", map("anyOf", List.of(map("type", "string"),
                                map("type", "array", "items", map("type", "integer"))),
                                "description", "A date or a list of years")),
                        "required", List.of("tags"))));
        ChatTemplate hermes = ChatTemplate.compile(resource("hermes-3-llama-3.1-tool-use.jinja"),
                Map.of("bos_token", "<|begin_of_text|>", "eos_token", "<|im_end|>"));
        assertThat(hermes.render(List.of(ChatMessage.system("You are a helpful assistant."),
                ChatMessage.user("What's the weather in Zürich?")), true, Map.of("tools", List.of(search))))
                .isEqualTo(HERMES3_NESTED_PARAMETERS);
    }

    @Test
    void qwen25WritesToolCallTagsAndToolResponsesInAUserTurn() {
        assertRenders("qwen2.5-instruct.jinja", Map.of("eos_token", "<|im_end|>"),
                QWEN25_CONVERSATION, QWEN25_PROMPT_AFTER_TOOL_RESULT, QWEN25_PARALLEL_CALLS);
    }

    @Test
    void mistral03WritesToolCallsWithIdsAndToolResults() {
        assertRenders("mistral-7b-instruct-v0.3.jinja", Map.of("bos_token", "<s>", "eos_token", "</s>"),
                MISTRAL03_CONVERSATION, MISTRAL03_PROMPT_AFTER_TOOL_RESULT, MISTRAL03_PARALLEL_CALLS);
    }

    @Test
    void hermes3DescribesToolsAsPythonSignatures() {
        assertRenders("hermes-3-llama-3.1-tool-use.jinja",
                Map.of("bos_token", "<|begin_of_text|>", "eos_token", "<|im_end|>"),
                HERMES3_CONVERSATION, HERMES3_PROMPT_AFTER_TOOL_RESULT, HERMES3_PARALLEL_CALLS);
    }

    @Test
    void messagesBecomeTheDictsHuggingFaceIsGiven() {
        ChatTemplate probe = ChatTemplate.compile("{% for m in messages %}{{ m.role }}:{{ 'tool_calls' in m }},"
                + "{{ m.tool_calls is defined }},{{ m.content is none }},{{ m.content is defined }},"
                + "{{ m.tool_call_id is defined }},{{ m.name is defined }},{{ m | length }},"
                + "{{ m.keys() | list | join('/') }};{% endfor %}\n"
                + "{{ messages[2] | tojson }}\n"
                + "{% for k, v in messages[2].tool_calls[0].function.arguments | items %}{{ k }}={{ v }};{% endfor %}"
                + "{{ messages[2].tool_calls[0].function.arguments is mapping }}\n"
                + "{{ tools | length }} {{ tools[1].function.parameters.required | tojson }} {{ documents is none }}",
                Map.of());
        assertThat(probe.render(SINGLE, false, Map.of("tools", TOOLS))).isEqualTo(PROBE_OUTPUT);
    }

    // ------------------------------------------------------------------ validation and copies

    @Test
    void toolCallArgumentsMustBeAJsonObjectAndErrorsNameTheCall() {
        assertThatThrownBy(() -> new ToolCall("call00001", "get_weather", "{\"city\": \"Paris\""))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("tool call 'get_weather' (id call00001) arguments is not valid JSON: Unexpected end-of-input:"
                        + " expected close marker for Object (start marker at line 1, column 1) at line 1, column 17");
        assertThatThrownBy(() -> new ToolCall(null, "get_weather", "[\"Paris\"]"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("tool call 'get_weather' arguments must be a JSON object, found a JSON array ([\"Paris\"])");
        assertThatThrownBy(() -> new ToolCall(null, "f", "\"x\""))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("found a JSON string");
        assertThatThrownBy(() -> new ToolCall(null, "f", "  "))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("tool call 'f' arguments must be a JSON object, found empty text");
        assertThatThrownBy(() -> new ToolCall(null, "f", "{} {}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("tool call 'f' arguments is not valid JSON: text follows the object at line 1, column 4");
        assertThatThrownBy(() -> new ToolCall(null, "f", "{'city': 'Paris'}"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("is not valid JSON");
        String deep = "{\"a\":".repeat(JsonObjects.MAX_DEPTH) + "1" + "}".repeat(JsonObjects.MAX_DEPTH);
        assertThat(new ToolCall(null, "f", deep).arguments()).containsKey("a");
        String deeper = "{\"a\":".repeat(JsonObjects.MAX_DEPTH) + "[1]" + "}".repeat(JsonObjects.MAX_DEPTH);
        assertThatThrownBy(() -> new ToolCall(null, "f", deeper))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("tool call 'f' arguments nests maps and lists more than 100 deep");
        assertThatThrownBy(() -> new ToolCall(null, "f", Map.of("when", new java.util.Date())))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("tool call 'f' arguments.when is a java.util.Date; a JSON value must be");
        assertThatThrownBy(() -> new ToolCall(null, "f", Map.of("xs", List.of(Map.of(1, "a")))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("tool call 'f' arguments.xs[0] has a key that is not a string: 1 (a java.lang.Integer)");
        Map<String, Object> cyclic = new LinkedHashMap<>();
        cyclic.put("self", cyclic);
        assertThatThrownBy(() -> new ToolCall(null, "f", cyclic))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("more than 100 deep");
        assertThatThrownBy(() -> new ToolCall(null, " ", "{}"))
                .isInstanceOf(InvalidRequestException.class).hasMessage("a tool call's name must not be blank");
        assertThatThrownBy(() -> new ToolCall("", "f", "{}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("tool call 'f': id must be null or not blank, was ''");
        assertThatThrownBy(() -> new ToolCall(null, "f", (String) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("tool call 'f' arguments");
    }

    @Test
    void toolCallArgumentsAreReadAsPythonsJsonLoadsReadsThem() {
        ToolCall call = new ToolCall(null, "f", "{\"i\": 7, \"big\": 123456789012345678901234567890, \"f\": 1.0,"
                + " \"e\": 1e2, \"n\": null, \"t\": true, \"l\": [1, \"x\"], \"o\": {}, \"dup\": 1, \"z\": 0, \"dup\": 2,"
                + " \"nan\": NaN, \"u\": \"\\u00e9\\ud83d\\ude00\"}");
        Map<String, Object> args = call.arguments();
        // json.loads keeps a repeated key at its first position with its last value
        assertThat(args.keySet()).containsExactly("i", "big", "f", "e", "n", "t", "l", "o", "dup", "z", "nan", "u");
        assertThat(args.get("i")).isEqualTo(7L);
        assertThat(args.get("big")).isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
        assertThat(args.get("f")).isEqualTo(1.0);
        assertThat(args.get("e")).isEqualTo(100.0);
        assertThat(args.get("dup")).isEqualTo(2L);
        assertThat((Double) args.get("nan")).isNaN();
        // Python reads integers of up to 4300 digits
        assertThat(new ToolCall(null, "f", "{\"n\": " + "9".repeat(4300) + "}").arguments().get("n"))
                .isEqualTo(new java.math.BigInteger("9".repeat(4300)));
        assertThat(args.get("u")).isEqualTo("é\ud83d\ude00");
        // json.dumps(json.loads(same text)) in a template (ensure_ascii=False, as HF's tojson)
        ChatTemplate t = ChatTemplate.compile("{{ messages[0].tool_calls[0].function.arguments | tojson }}", Map.of());
        assertThat(t.render(List.of(ChatMessage.assistantToolCalls(List.of(call))), false))
                .isEqualTo("{\"i\": 7, \"big\": 123456789012345678901234567890, \"f\": 1.0, \"e\": 100.0, \"n\": null,"
                        + " \"t\": true, \"l\": [1, \"x\"], \"o\": {}, \"dup\": 2, \"z\": 0, \"nan\": NaN,"
                        + " \"u\": \"é\ud83d\ude00\"}");
    }

    @Test
    @SuppressWarnings("unchecked")
    void messagesAndToolCallsAreImmutableCopies() {
        Map<String, Object> nested = new LinkedHashMap<>(map("city", "Paris"));
        List<Object> days = new ArrayList<>(List.of(1, 2));
        Map<String, Object> args = new LinkedHashMap<>(map("where", nested, "days", days));
        ToolCall call = new ToolCall("c1", "get_weather", args);
        List<ToolCall> calls = new ArrayList<>(List.of(call));
        ChatMessage message = ChatMessage.assistantToolCalls(calls);
        nested.put("city", "Rome");
        days.add(3);
        args.put("extra", true);
        calls.clear();
        assertThat(message.toolCalls()).containsExactly(call);
        assertThat(call.arguments()).isEqualTo(map("where", map("city", "Paris"), "days", List.of(1L, 2L)));
        assertThatThrownBy(() -> message.toolCalls().add(call)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> call.arguments().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((Map<String, Object>) call.arguments().get("where")).put("x", 1))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<Object>) call.arguments().get("days")).add(1))
                .isInstanceOf(UnsupportedOperationException.class);
        // Integer and Float widen to Python's int and float
        assertThat(new ToolCall(null, "f", map("i", 3, "x", 0.5f)).arguments()).isEqualTo(map("i", 3L, "x", 0.5));
    }

    @Test
    void chatMessageRules() {
        assertThat(new ChatMessage("user", "hi")).isEqualTo(ChatMessage.user("hi"));
        assertThat(ChatMessage.user("hi").toolCalls()).isEmpty();
        assertThat(ChatMessage.user("hi").toolCallId()).isNull();
        assertThat(ChatMessage.tool("call00001", "21").withName("get_weather"))
                .isEqualTo(new ChatMessage("tool", "21", List.of(), "call00001", "get_weather"));
        assertThat(ChatMessage.tool(null, "21").toolCallId()).isNull();
        ToolCall call = new ToolCall(null, "f", "{}");
        assertThat(ChatMessage.assistantToolCalls(List.of(call)).content()).isNull();
        assertThatThrownBy(() -> ChatMessage.user(null))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("content may be null only for an assistant message with tool calls, found null content"
                        + " on a message with role 'user' and no tool calls");
        assertThatThrownBy(() -> ChatMessage.assistant(null))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("role 'assistant' and no tool calls");
        assertThatThrownBy(() -> ChatMessage.tool("call00001", null))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("role 'tool'");
        assertThatThrownBy(() -> ChatMessage.assistantToolCalls(List.of()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("an assistant message with tool calls needs at least one tool call, found none");
        assertThatThrownBy(() -> new ChatMessage("user", "x", List.of(call), null, null))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("only assistant messages have tool calls, found 1 on a message with role 'user'");
        assertThatThrownBy(() -> new ChatMessage("assistant", "x", java.util.Arrays.asList(call, null), null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("toolCalls[1]");
        assertThatThrownBy(() -> ChatMessage.tool(" ", "x"))
                .isInstanceOf(InvalidRequestException.class).hasMessage("toolCallId must be null or not blank, was ' '");
        assertThatThrownBy(() -> ChatMessage.user("x").withName(""))
                .isInstanceOf(InvalidRequestException.class).hasMessage("name must be null or not blank, was ''");
        assertThatThrownBy(() -> new ChatMessage(null, "x")).isInstanceOf(NullPointerException.class).hasMessage("role");
    }

    @Test
    void toolsMustBeAListOfJsonObjects() {
        ChatTemplate t = ChatTemplate.compile("{{ tools | length }}", Map.of());
        List<ChatMessage> none = List.of();
        assertThat(t.render(none, false, Map.of("tools", List.of()))).isEqualTo("0");
        assertThatThrownBy(() -> t.render(none, false, Map.of("tools", WEATHER)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("template variable tools must be a list of tools (JSON objects), found a java.lang.String");
        assertThatThrownBy(() -> t.render(none, false, Map.of("tools", List.of(WEATHER, 42))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("template variable tools[1] is a java.lang.Integer; a tool must be a JSON object: a Map,"
                        + " or the JSON text of an object");
        assertThatThrownBy(() -> t.render(none, false, Map.of("tools", List.of("[" + WEATHER + "]"))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("template variable tools[0] must be a JSON object, found a JSON array");
        assertThatThrownBy(() -> t.render(none, false, Map.of("tools", List.of(WEATHER.substring(1)))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("template variable tools[0] must be a JSON object, found a JSON string");
        assertThatThrownBy(() -> t.render(none, false, Map.of("tools", List.of("{\"type\": \"function\",}"))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("template variable tools[0] is not valid JSON: ");
        // maps go through the same checks as every other variable
        assertThatThrownBy(() -> t.render(none, false, Map.of("tools", List.of(map("f", Thread.currentThread())))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("template variable tools[0].f is a java.lang.Thread");
        Map<String, Object> cyclic = new LinkedHashMap<>();
        cyclic.put("self", cyclic);
        assertThatThrownBy(() -> t.render(none, false, Map.of("tools", List.of(cyclic))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("template variable tools[0].self.self")
                .hasMessageEndingWith("nests maps and lists more than 100 deep");
    }

    @Test
    void toolListsAreBoundedByTheRenderLimits() {
        // a tool description longer than the output limit is refused while tojson writes it
        String huge = "{\"type\": \"function\", \"function\": {\"name\": \"f\", \"description\": \""
                + "x".repeat(ChatTemplate.MAX_OUTPUT_CHARS) + "\"}}";
        ChatTemplate qwen = ChatTemplate.compile(resource("qwen2.5-instruct.jinja"), Map.of("eos_token", "<|im_end|>"));
        assertThatThrownBy(() -> qwen.render(List.of(ChatMessage.user("hi")), true, Map.of("tools", List.of(huge))))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("more than the limit of " + ChatTemplate.MAX_OUTPUT_CHARS);
    }

    // ------------------------------------------------------------------ expected strings (jinja2 3.1.6)

    static final String LLAMA31_CONVERSATION = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n"
            + "\n"
            + "Environment: ipython\n"
            + "Cutting Knowledge Date: December 2023\n"
            + "Today Date: 26 Jul 2024\n"
            + "\n"
            + "You are a helpful assistant.<|eot_id|><|start_header_id|>user<|end_header_id|>\n"
            + "\n"
            + "Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.\n"
            + "\n"
            + "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use variables.\n"
            + "\n"
            + "{\n"
            + "    \"type\": \"function\",\n"
            + "    \"function\": {\n"
            + "        \"name\": \"get_weather\",\n"
            + "        \"description\": \"Get the current weather in a city\",\n"
            + "        \"parameters\": {\n"
            + "            \"type\": \"object\",\n"
            + "            \"properties\": {\n"
            + "                \"city\": {\n"
            + "                    \"type\": \"string\",\n"
            + "                    \"description\": \"The city, e.g. Zürich\"\n"
            + "                },\n"
            + "                \"unit\": {\n"
            + "                    \"type\": \"string\",\n"
            + "                    \"enum\": [\n"
            + "                        \"celsius\",\n"
            + "                        \"fahrenheit\"\n"
            + "                    ],\n"
            + "                    \"description\": \"The temperature unit\"\n"
            + "                },\n"
            + "                \"days\": {\n"
            + "                    \"type\": \"integer\",\n"
            + "                    \"description\": \"Days of forecast\"\n"
            + "                }\n"
            + "            },\n"
            + "            \"required\": [\n"
            + "                \"city\"\n"
            + "            ]\n"
            + "        }\n"
            + "    }\n"
            + "}\n"
            + "\n"
            + "{\n"
            + "    \"type\": \"function\",\n"
            + "    \"function\": {\n"
            + "        \"name\": \"get_time\",\n"
            + "        \"description\": \"The local time in a time zone\",\n"
            + "        \"parameters\": {\n"
            + "            \"type\": \"object\",\n"
            + "            \"properties\": {\n"
            + "                \"timezone\": {\n"
            + "                    \"type\": \"string\",\n"
            + "                    \"description\": \"An IANA time zone\"\n"
            + "                }\n"
            + "            },\n"
            + "            \"required\": [\n"
            + "                \"timezone\"\n"
            + "            ]\n"
            + "        }\n"
            + "    }\n"
            + "}\n"
            + "\n"
            + "{\n"
            + "    \"type\": \"function\",\n"
            + "    \"function\": {\n"
            + "        \"name\": \"get_location\",\n"
            + "        \"description\": \"Where the user is\",\n"
            + "        \"parameters\": {\n"
            + "            \"type\": \"object\",\n"
            + "            \"properties\": {}\n"
            + "        }\n"
            + "    }\n"
            + "}\n"
            + "\n"
            + "What's the weather in Zürich?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n"
            + "\n"
            + "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Zürich\", \"unit\": \"celsius\", \"days\": 1}}<|eot_id|><|start_header_id|>ipython<|end_header_id|>\n"
            + "\n"
            + "\"{\\\"temperature\\\": 21.5, \\\"condition\\\": \\\"sunny\\\"}\"<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n"
            + "\n"
            + "It is 21.5 °C and sunny in Zürich.<|eot_id|>";

    private static final String LLAMA31_PROMPT_AFTER_TOOL_RESULT = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n"
            + "\n"
            + "Environment: ipython\n"
            + "Cutting Knowledge Date: December 2023\n"
            + "Today Date: 26 Jul 2024\n"
            + "\n"
            + "You are a helpful assistant.<|eot_id|><|start_header_id|>user<|end_header_id|>\n"
            + "\n"
            + "Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.\n"
            + "\n"
            + "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use variables.\n"
            + "\n"
            + "{\n"
            + "    \"type\": \"function\",\n"
            + "    \"function\": {\n"
            + "        \"name\": \"get_weather\",\n"
            + "        \"description\": \"Get the current weather in a city\",\n"
            + "        \"parameters\": {\n"
            + "            \"type\": \"object\",\n"
            + "            \"properties\": {\n"
            + "                \"city\": {\n"
            + "                    \"type\": \"string\",\n"
            + "                    \"description\": \"The city, e.g. Zürich\"\n"
            + "                },\n"
            + "                \"unit\": {\n"
            + "                    \"type\": \"string\",\n"
            + "                    \"enum\": [\n"
            + "                        \"celsius\",\n"
            + "                        \"fahrenheit\"\n"
            + "                    ],\n"
            + "                    \"description\": \"The temperature unit\"\n"
            + "                },\n"
            + "                \"days\": {\n"
            + "                    \"type\": \"integer\",\n"
            + "                    \"description\": \"Days of forecast\"\n"
            + "                }\n"
            + "            },\n"
            + "            \"required\": [\n"
            + "                \"city\"\n"
            + "            ]\n"
            + "        }\n"
            + "    }\n"
            + "}\n"
            + "\n"
            + "{\n"
            + "    \"type\": \"function\",\n"
            + "    \"function\": {\n"
            + "        \"name\": \"get_time\",\n"
            + "        \"description\": \"The local time in a time zone\",\n"
            + "        \"parameters\": {\n"
            + "            \"type\": \"object\",\n"
            + "            \"properties\": {\n"
            + "                \"timezone\": {\n"
            + "                    \"type\": \"string\",\n"
            + "                    \"description\": \"An IANA time zone\"\n"
            + "                }\n"
            + "            },\n"
            + "            \"required\": [\n"
            + "                \"timezone\"\n"
            + "            ]\n"
            + "        }\n"
            + "    }\n"
            + "}\n"
            + "\n"
            + "{\n"
            + "    \"type\": \"function\",\n"
            + "    \"function\": {\n"
            + "        \"name\": \"get_location\",\n"
            + "        \"description\": \"Where the user is\",\n"
            + "        \"parameters\": {\n"
            + "            \"type\": \"object\",\n"
            + "            \"properties\": {}\n"
            + "        }\n"
            + "    }\n"
            + "}\n"
            + "\n"
            + "What's the weather in Zürich?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n"
            + "\n"
            + "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Zürich\", \"unit\": \"celsius\", \"days\": 1}}<|eot_id|><|start_header_id|>ipython<|end_header_id|>\n"
            + "\n"
            + "\"{\\\"temperature\\\": 21.5, \\\"condition\\\": \\\"sunny\\\"}\"<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n"
            + "\n";

    private static final String LLAMA31_PARALLEL_CALLS = "ERROR: This model only supports single tool-calls at once!";

    static final String QWEN25_CONVERSATION = "<|im_start|>system\n"
            + "You are a helpful assistant.\n"
            + "\n"
            + "# Tools\n"
            + "\n"
            + "You may call one or more functions to assist with the user query.\n"
            + "\n"
            + "You are provided with function signatures within <tools></tools> XML tags:\n"
            + "<tools>\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Get the current weather in a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"description\": \"The city, e.g. Zürich\"}, \"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"], \"description\": \"The temperature unit\"}, \"days\": {\"type\": \"integer\", \"description\": \"Days of forecast\"}}, \"required\": [\"city\"]}}}\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_time\", \"description\": \"The local time in a time zone\", \"parameters\": {\"type\": \"object\", \"properties\": {\"timezone\": {\"type\": \"string\", \"description\": \"An IANA time zone\"}}, \"required\": [\"timezone\"]}}}\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_location\", \"description\": \"Where the user is\", \"parameters\": {\"type\": \"object\", \"properties\": {}}}}\n"
            + "</tools>\n"
            + "\n"
            + "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n"
            + "<tool_call>\n"
            + "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>user\n"
            + "What's the weather in Zürich?<|im_end|>\n"
            + "<|im_start|>assistant\n"
            + "<tool_call>\n"
            + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\", \"unit\": \"celsius\", \"days\": 1}}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>user\n"
            + "<tool_response>\n"
            + "{\"temperature\": 21.5, \"condition\": \"sunny\"}\n"
            + "</tool_response><|im_end|>\n"
            + "<|im_start|>assistant\n"
            + "It is 21.5 °C and sunny in Zürich.<|im_end|>\n";

    private static final String QWEN25_PROMPT_AFTER_TOOL_RESULT = "<|im_start|>system\n"
            + "You are a helpful assistant.\n"
            + "\n"
            + "# Tools\n"
            + "\n"
            + "You may call one or more functions to assist with the user query.\n"
            + "\n"
            + "You are provided with function signatures within <tools></tools> XML tags:\n"
            + "<tools>\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Get the current weather in a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"description\": \"The city, e.g. Zürich\"}, \"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"], \"description\": \"The temperature unit\"}, \"days\": {\"type\": \"integer\", \"description\": \"Days of forecast\"}}, \"required\": [\"city\"]}}}\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_time\", \"description\": \"The local time in a time zone\", \"parameters\": {\"type\": \"object\", \"properties\": {\"timezone\": {\"type\": \"string\", \"description\": \"An IANA time zone\"}}, \"required\": [\"timezone\"]}}}\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_location\", \"description\": \"Where the user is\", \"parameters\": {\"type\": \"object\", \"properties\": {}}}}\n"
            + "</tools>\n"
            + "\n"
            + "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n"
            + "<tool_call>\n"
            + "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>user\n"
            + "What's the weather in Zürich?<|im_end|>\n"
            + "<|im_start|>assistant\n"
            + "<tool_call>\n"
            + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\", \"unit\": \"celsius\", \"days\": 1}}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>user\n"
            + "<tool_response>\n"
            + "{\"temperature\": 21.5, \"condition\": \"sunny\"}\n"
            + "</tool_response><|im_end|>\n"
            + "<|im_start|>assistant\n";

    static final String QWEN25_PARALLEL_CALLS = "<|im_start|>system\n"
            + "You are a helpful assistant.\n"
            + "\n"
            + "# Tools\n"
            + "\n"
            + "You may call one or more functions to assist with the user query.\n"
            + "\n"
            + "You are provided with function signatures within <tools></tools> XML tags:\n"
            + "<tools>\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Get the current weather in a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"description\": \"The city, e.g. Zürich\"}, \"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"], \"description\": \"The temperature unit\"}, \"days\": {\"type\": \"integer\", \"description\": \"Days of forecast\"}}, \"required\": [\"city\"]}}}\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_time\", \"description\": \"The local time in a time zone\", \"parameters\": {\"type\": \"object\", \"properties\": {\"timezone\": {\"type\": \"string\", \"description\": \"An IANA time zone\"}}, \"required\": [\"timezone\"]}}}\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_location\", \"description\": \"Where the user is\", \"parameters\": {\"type\": \"object\", \"properties\": {}}}}\n"
            + "</tools>\n"
            + "\n"
            + "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n"
            + "<tool_call>\n"
            + "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>user\n"
            + "Weather and time in Zürich?<|im_end|>\n"
            + "<|im_start|>assistant\n"
            + "Let me look both up.\n"
            + "<tool_call>\n"
            + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\"}}\n"
            + "</tool_call>\n"
            + "<tool_call>\n"
            + "{\"name\": \"get_time\", \"arguments\": {\"timezone\": \"Europe/Zurich\"}}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>user\n"
            + "<tool_response>\n"
            + "{\"temperature\": 21.5}\n"
            + "</tool_response>\n"
            + "<tool_response>\n"
            + "{\"time\": \"14:05\"}\n"
            + "</tool_response><|im_end|>\n"
            + "<|im_start|>assistant\n"
            + "21.5 °C at 14:05.<|im_end|>\n";

    static final String MISTRAL03_CONVERSATION = "<s>[AVAILABLE_TOOLS] [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Get the current weather in a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"description\": \"The city, e.g. Zürich\"}, \"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"], \"description\": \"The temperature unit\"}, \"days\": {\"type\": \"integer\", \"description\": \"Days of forecast\"}}, \"required\": [\"city\"]}}}, {\"type\": \"function\", \"function\": {\"name\": \"get_time\", \"description\": \"The local time in a time zone\", \"parameters\": {\"type\": \"object\", \"properties\": {\"timezone\": {\"type\": \"string\", \"description\": \"An IANA time zone\"}}, \"required\": [\"timezone\"]}}}, {\"type\": \"function\", \"function\": {\"name\": \"get_location\", \"description\": \"Where the user is\", \"parameters\": {\"type\": \"object\", \"properties\": {}}}}][/AVAILABLE_TOOLS][INST] What's the weather in Zürich?[/INST][TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\", \"unit\": \"celsius\", \"days\": 1}, \"id\": \"call00001\"}]</s>[TOOL_RESULTS] {\"content\": {\"temperature\": 21.5, \"condition\": \"sunny\"}, \"call_id\": \"call00001\"}[/TOOL_RESULTS] It is 21.5 °C and sunny in Zürich.</s>";

    private static final String MISTRAL03_PROMPT_AFTER_TOOL_RESULT = "<s>[AVAILABLE_TOOLS] [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Get the current weather in a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"description\": \"The city, e.g. Zürich\"}, \"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"], \"description\": \"The temperature unit\"}, \"days\": {\"type\": \"integer\", \"description\": \"Days of forecast\"}}, \"required\": [\"city\"]}}}, {\"type\": \"function\", \"function\": {\"name\": \"get_time\", \"description\": \"The local time in a time zone\", \"parameters\": {\"type\": \"object\", \"properties\": {\"timezone\": {\"type\": \"string\", \"description\": \"An IANA time zone\"}}, \"required\": [\"timezone\"]}}}, {\"type\": \"function\", \"function\": {\"name\": \"get_location\", \"description\": \"Where the user is\", \"parameters\": {\"type\": \"object\", \"properties\": {}}}}][/AVAILABLE_TOOLS][INST] What's the weather in Zürich?[/INST][TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\", \"unit\": \"celsius\", \"days\": 1}, \"id\": \"call00001\"}]</s>[TOOL_RESULTS] {\"content\": {\"temperature\": 21.5, \"condition\": \"sunny\"}, \"call_id\": \"call00001\"}[/TOOL_RESULTS]";

    static final String MISTRAL03_PARALLEL_CALLS = "<s>[AVAILABLE_TOOLS] [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Get the current weather in a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"description\": \"The city, e.g. Zürich\"}, \"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"], \"description\": \"The temperature unit\"}, \"days\": {\"type\": \"integer\", \"description\": \"Days of forecast\"}}, \"required\": [\"city\"]}}}, {\"type\": \"function\", \"function\": {\"name\": \"get_time\", \"description\": \"The local time in a time zone\", \"parameters\": {\"type\": \"object\", \"properties\": {\"timezone\": {\"type\": \"string\", \"description\": \"An IANA time zone\"}}, \"required\": [\"timezone\"]}}}, {\"type\": \"function\", \"function\": {\"name\": \"get_location\", \"description\": \"Where the user is\", \"parameters\": {\"type\": \"object\", \"properties\": {}}}}][/AVAILABLE_TOOLS][INST] Weather and time in Zürich?[/INST][TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\"}, \"id\": \"call00001\"}, {\"name\": \"get_time\", \"arguments\": {\"timezone\": \"Europe/Zurich\"}, \"id\": \"call00002\"}]</s>[TOOL_RESULTS] {\"content\": {\"temperature\": 21.5}, \"call_id\": \"call00001\"}[/TOOL_RESULTS][TOOL_RESULTS] {\"content\": {\"time\": \"14:05\"}, \"call_id\": \"call00002\"}[/TOOL_RESULTS] 21.5 °C at 14:05.</s>";

    static final String HERMES3_CONVERSATION = "<|begin_of_text|><|im_start|>system\n"
            + "You are a function calling AI model. You are provided with function signatures within <tools></tools> XML tags. You may call one or more functions to assist with the user query. Don't make assumptions about what values to plug into functions. Here are the available tools: <tools> {\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"get_weather(city: str, unit: str, days: int) - Get the current weather in a city\n"
            + "\n"
            + "    Args:\n"
            + "        city(str): The city, e.g. Zürich        unit(str): The temperature unit        days(int): Days of forecast\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"description\": \"The city, e.g. Zürich\"}, \"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"], \"description\": \"The temperature unit\"}, \"days\": {\"type\": \"integer\", \"description\": \"Days of forecast\"}}, \"required\": [\"city\"]}}}\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_time\", \"description\": \"get_time(timezone: str) - The local time in a time zone\n"
            + "\n"
            + "    Args:\n"
            + "        timezone(str): An IANA time zone\", \"parameters\": {\"type\": \"object\", \"properties\": {\"timezone\": {\"type\": \"string\", \"description\": \"An IANA time zone\"}}, \"required\": [\"timezone\"]}}}\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_location\", \"description\": \"get_location() - Where the user is\n"
            + "\n"
            + "\", \"parameters\": {}}} </tools>Use the following pydantic model json schema for each tool call you will make: {\"properties\": {\"name\": {\"title\": \"Name\", \"type\": \"string\"}, \"arguments\": {\"title\": \"Arguments\", \"type\": \"object\"}}, \"required\": [\"name\", \"arguments\"], \"title\": \"FunctionCall\", \"type\": \"object\"}}\n"
            + "For each function call return a json object with function name and arguments within <tool_call></tool_call> XML tags as follows:\n"
            + "<tool_call>\n"
            + "{\"name\": <function-name>, \"arguments\": <args-dict>}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>system\n"
            + "You are a helpful assistant.<|im_end|>\n"
            + "<|im_start|>user\n"
            + "What's the weather in Zürich?<|im_end|>\n"
            + "<|im_start|>assistant\n"
            + "<tool_call>\n"
            + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\", \"unit\": \"celsius\", \"days\": 1}}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>tool\n"
            + "<tool_response>\n"
            + "{\"temperature\": 21.5, \"condition\": \"sunny\"}\n"
            + "</tool_response>\n"
            + "<|im_end|><|im_start|>assistant\n"
            + "It is 21.5 °C and sunny in Zürich.<|im_end|>\n";

    private static final String HERMES3_PROMPT_AFTER_TOOL_RESULT = "<|begin_of_text|><|im_start|>system\n"
            + "You are a function calling AI model. You are provided with function signatures within <tools></tools> XML tags. You may call one or more functions to assist with the user query. Don't make assumptions about what values to plug into functions. Here are the available tools: <tools> {\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"get_weather(city: str, unit: str, days: int) - Get the current weather in a city\n"
            + "\n"
            + "    Args:\n"
            + "        city(str): The city, e.g. Zürich        unit(str): The temperature unit        days(int): Days of forecast\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"description\": \"The city, e.g. Zürich\"}, \"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"], \"description\": \"The temperature unit\"}, \"days\": {\"type\": \"integer\", \"description\": \"Days of forecast\"}}, \"required\": [\"city\"]}}}\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_time\", \"description\": \"get_time(timezone: str) - The local time in a time zone\n"
            + "\n"
            + "    Args:\n"
            + "        timezone(str): An IANA time zone\", \"parameters\": {\"type\": \"object\", \"properties\": {\"timezone\": {\"type\": \"string\", \"description\": \"An IANA time zone\"}}, \"required\": [\"timezone\"]}}}\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_location\", \"description\": \"get_location() - Where the user is\n"
            + "\n"
            + "\", \"parameters\": {}}} </tools>Use the following pydantic model json schema for each tool call you will make: {\"properties\": {\"name\": {\"title\": \"Name\", \"type\": \"string\"}, \"arguments\": {\"title\": \"Arguments\", \"type\": \"object\"}}, \"required\": [\"name\", \"arguments\"], \"title\": \"FunctionCall\", \"type\": \"object\"}}\n"
            + "For each function call return a json object with function name and arguments within <tool_call></tool_call> XML tags as follows:\n"
            + "<tool_call>\n"
            + "{\"name\": <function-name>, \"arguments\": <args-dict>}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>system\n"
            + "You are a helpful assistant.<|im_end|>\n"
            + "<|im_start|>user\n"
            + "What's the weather in Zürich?<|im_end|>\n"
            + "<|im_start|>assistant\n"
            + "<tool_call>\n"
            + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\", \"unit\": \"celsius\", \"days\": 1}}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>tool\n"
            + "<tool_response>\n"
            + "{\"temperature\": 21.5, \"condition\": \"sunny\"}\n"
            + "</tool_response><|im_end|><|im_start|>assistant\n";

    static final String HERMES3_PARALLEL_CALLS = "<|begin_of_text|><|im_start|>system\n"
            + "You are a function calling AI model. You are provided with function signatures within <tools></tools> XML tags. You may call one or more functions to assist with the user query. Don't make assumptions about what values to plug into functions. Here are the available tools: <tools> {\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"get_weather(city: str, unit: str, days: int) - Get the current weather in a city\n"
            + "\n"
            + "    Args:\n"
            + "        city(str): The city, e.g. Zürich        unit(str): The temperature unit        days(int): Days of forecast\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"description\": \"The city, e.g. Zürich\"}, \"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"], \"description\": \"The temperature unit\"}, \"days\": {\"type\": \"integer\", \"description\": \"Days of forecast\"}}, \"required\": [\"city\"]}}}\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_time\", \"description\": \"get_time(timezone: str) - The local time in a time zone\n"
            + "\n"
            + "    Args:\n"
            + "        timezone(str): An IANA time zone\", \"parameters\": {\"type\": \"object\", \"properties\": {\"timezone\": {\"type\": \"string\", \"description\": \"An IANA time zone\"}}, \"required\": [\"timezone\"]}}}\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_location\", \"description\": \"get_location() - Where the user is\n"
            + "\n"
            + "\", \"parameters\": {}}} </tools>Use the following pydantic model json schema for each tool call you will make: {\"properties\": {\"name\": {\"title\": \"Name\", \"type\": \"string\"}, \"arguments\": {\"title\": \"Arguments\", \"type\": \"object\"}}, \"required\": [\"name\", \"arguments\"], \"title\": \"FunctionCall\", \"type\": \"object\"}}\n"
            + "For each function call return a json object with function name and arguments within <tool_call></tool_call> XML tags as follows:\n"
            + "<tool_call>\n"
            + "{\"name\": <function-name>, \"arguments\": <args-dict>}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>system\n"
            + "You are a helpful assistant.<|im_end|>\n"
            + "<|im_start|>user\n"
            + "Weather and time in Zürich?<|im_end|>\n"
            + "<|im_start|>assistant\n"
            + "<tool_call>\n"
            + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\"}}\n"
            + "</tool_call>\n"
            + "<tool_call>\n"
            + "{\"name\": \"get_time\", \"arguments\": {\"timezone\": \"Europe/Zurich\"}}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>tool\n"
            + "<tool_response>\n"
            + "{\"temperature\": 21.5}\n"
            + "</tool_response>\n"
            + "<tool_response>\n"
            + "{\"time\": \"14:05\"}\n"
            + "</tool_response>\n"
            + "<|im_end|><|im_start|>assistant\n"
            + "21.5 °C at 14:05.<|im_end|>\n";

    private static final String HERMES3_NESTED_PARAMETERS = "<|begin_of_text|><|im_start|>system\n"
            + "You are a function calling AI model. You are provided with function signatures within <tools></tools> XML tags. You may call one or more functions to assist with the user query. Don't make assumptions about what values to plug into functions. Here are the available tools: <tools> {\"type\": \"function\", \"function\": {\"name\": \"search\", \"description\": \"search(tags: list[Union[]], limits: dict[str, int], weights: dict[str, dict[str, float]], when: Union[]) - Search the notes\n"
            + "\n"
            + "    Args:\n"
            + "        tags(list[Union[]]): Tags to match        limits(dict[str, int]): Per-tag limits        weights(dict[str, dict[str, float]]): Per-field weights by tag        when(Union[]): A date or a list of years\", \"parameters\": {\"type\": \"object\", \"properties\": {\"tags\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}, \"description\": \"Tags to match\"}, \"limits\": {\"type\": \"object\", \"additionalProperties\": {\"type\": \"integer\"}, \"description\": \"Per-tag limits\"}, \"weights\": {\"type\": \"object\", \"additionalProperties\": {\"type\": \"object\", \"additionalProperties\": {\"type\": \"number\"}}, \"description\": \"Per-field weights by tag\"}, \"when\": {\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"array\", \"items\": {\"type\": \"integer\"}}], \"description\": \"A date or a list of years\"}}, \"required\": [\"tags\"]}}} </tools>Use the following pydantic model json schema for each tool call you will make: {\"properties\": {\"name\": {\"title\": \"Name\", \"type\": \"string\"}, \"arguments\": {\"title\": \"Arguments\", \"type\": \"object\"}}, \"required\": [\"name\", \"arguments\"], \"title\": \"FunctionCall\", \"type\": \"object\"}}\n"
            + "For each function call return a json object with function name and arguments within <tool_call></tool_call> XML tags as follows:\n"
            + "<tool_call>\n"
            + "{\"name\": <function-name>, \"arguments\": <args-dict>}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>system\n"
            + "You are a helpful assistant.<|im_end|>\n"
            + "<|im_start|>user\n"
            + "What's the weather in Zürich?<|im_end|>\n"
            + "<|im_start|>assistant\n";

    private static final String PROBE_OUTPUT = "system:False,False,False,True,False,False,2,role/content;user:False,False,False,True,False,False,2,role/content;assistant:True,True,True,True,False,False,3,role/content/tool_calls;tool:False,False,False,True,True,True,4,role/content/tool_call_id/name;assistant:False,False,False,True,False,False,2,role/content;{\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"type\": \"function\", \"id\": \"call00001\", \"function\": {\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\", \"unit\": \"celsius\", \"days\": 1}}}]}\n"
            + "city=Zürich;unit=celsius;days=1;True\n"
            + "3 [\"timezone\"] True";

    static final String QWEN3_THINKING = "<|im_start|>system\n"
            + "Be brief.<|im_end|>\n"
            + "<|im_start|>user\n"
            + "2 + 2?<|im_end|>\n"
            + "<|im_start|>assistant\n"
            + "4<|im_end|>\n"
            + "<|im_start|>user\n"
            + "And 3 + 3?<|im_end|>\n"
            + "<|im_start|>assistant\n";

    static final String QWEN3_NO_THINKING = "<|im_start|>system\n"
            + "Be brief.<|im_end|>\n"
            + "<|im_start|>user\n"
            + "2 + 2?<|im_end|>\n"
            + "<|im_start|>assistant\n"
            + "4<|im_end|>\n"
            + "<|im_start|>user\n"
            + "And 3 + 3?<|im_end|>\n"
            + "<|im_start|>assistant\n"
            + "<think>\n"
            + "\n"
            + "</think>\n"
            + "\n";

    static final String QWEN3_CONVERSATION = "<|im_start|>system\n"
            + "You are a helpful assistant.\n"
            + "\n"
            + "# Tools\n"
            + "\n"
            + "You may call one or more functions to assist with the user query.\n"
            + "\n"
            + "You are provided with function signatures within <tools></tools> XML tags:\n"
            + "<tools>\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Get the current weather in a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"description\": \"The city, e.g. Zürich\"}, \"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"], \"description\": \"The temperature unit\"}, \"days\": {\"type\": \"integer\", \"description\": \"Days of forecast\"}}, \"required\": [\"city\"]}}}\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_time\", \"description\": \"The local time in a time zone\", \"parameters\": {\"type\": \"object\", \"properties\": {\"timezone\": {\"type\": \"string\", \"description\": \"An IANA time zone\"}}, \"required\": [\"timezone\"]}}}\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_location\", \"description\": \"Where the user is\", \"parameters\": {\"type\": \"object\", \"properties\": {}}}}\n"
            + "</tools>\n"
            + "\n"
            + "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n"
            + "<tool_call>\n"
            + "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>user\n"
            + "What's the weather in Zürich?<|im_end|>\n"
            + "<|im_start|>assistant\n"
            + "<tool_call>\n"
            + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\", \"unit\": \"celsius\", \"days\": 1}}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>user\n"
            + "<tool_response>\n"
            + "{\"temperature\": 21.5, \"condition\": \"sunny\"}\n"
            + "</tool_response><|im_end|>\n"
            + "<|im_start|>assistant\n"
            + "<think>\n"
            + "\n"
            + "</think>\n"
            + "\n"
            + "It is 21.5 °C and sunny in Zürich.<|im_end|>\n";

    static final String QWEN3_PARALLEL_CALLS = "<|im_start|>system\n"
            + "You are a helpful assistant.\n"
            + "\n"
            + "# Tools\n"
            + "\n"
            + "You may call one or more functions to assist with the user query.\n"
            + "\n"
            + "You are provided with function signatures within <tools></tools> XML tags:\n"
            + "<tools>\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Get the current weather in a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"description\": \"The city, e.g. Zürich\"}, \"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"], \"description\": \"The temperature unit\"}, \"days\": {\"type\": \"integer\", \"description\": \"Days of forecast\"}}, \"required\": [\"city\"]}}}\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_time\", \"description\": \"The local time in a time zone\", \"parameters\": {\"type\": \"object\", \"properties\": {\"timezone\": {\"type\": \"string\", \"description\": \"An IANA time zone\"}}, \"required\": [\"timezone\"]}}}\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_location\", \"description\": \"Where the user is\", \"parameters\": {\"type\": \"object\", \"properties\": {}}}}\n"
            + "</tools>\n"
            + "\n"
            + "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n"
            + "<tool_call>\n"
            + "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>user\n"
            + "Weather and time in Zürich?<|im_end|>\n"
            + "<|im_start|>assistant\n"
            + "Let me look both up.\n"
            + "<tool_call>\n"
            + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\"}}\n"
            + "</tool_call>\n"
            + "<tool_call>\n"
            + "{\"name\": \"get_time\", \"arguments\": {\"timezone\": \"Europe/Zurich\"}}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>user\n"
            + "<tool_response>\n"
            + "{\"temperature\": 21.5}\n"
            + "</tool_response>\n"
            + "<tool_response>\n"
            + "{\"time\": \"14:05\"}\n"
            + "</tool_response><|im_end|>\n"
            + "<|im_start|>assistant\n"
            + "<think>\n"
            + "\n"
            + "</think>\n"
            + "\n"
            + "21.5 °C at 14:05.<|im_end|>\n";

    static final String QWEN3_NONE_CONTENT = "ERROR: TypeError: argument of type 'NoneType' is not iterable";
}
