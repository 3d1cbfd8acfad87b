package io.llmops4j.core.chat;

import io.llmops4j.core.ChatMessage;
import io.llmops4j.core.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Renders real checkpoint templates (stored verbatim as the {@code chat_template} strings of Qwen2.5-Instruct,
 * Meta-Llama-3-8B-Instruct, Llama-3.1-8B-Instruct, Mistral/Mixtral-Instruct v0.1 and Gemma-it under src/test/resources) and compares
 * them with expected prompts written by hand from each template's logic; and templates that exposed differences from
 * HF's Jinja (Mistral-Small-3.1, Seed-OSS) and many small ones against jinja2 3.1.6's output.
 */
class ChatTemplateTest {

    private static final List<ChatMessage> CONVERSATION = List.of(
            ChatMessage.system("You are a helpful assistant."),
            ChatMessage.user("Hello!"),
            ChatMessage.assistant("Hi! How can I help?"),
            ChatMessage.user("What is 2+2?"));

    private static final List<ChatMessage> NO_SYSTEM = CONVERSATION.subList(1, 4);

    private static String resource(String name) {
        try (InputStream in = ChatTemplateTest.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static ChatTemplate qwen() {
        return ChatTemplate.compile(resource("qwen2.5-instruct.jinja"),
                Map.of("bos_token", "", "eos_token", "<|im_end|>"));
    }

    private static ChatTemplate llama3() {
        return ChatTemplate.compile(resource("llama-3-instruct.jinja"),
                Map.of("bos_token", "<|begin_of_text|>", "eos_token", "<|eot_id|>"));
    }

    private static ChatTemplate mistral() {
        return ChatTemplate.compile(resource("mistral-instruct.jinja"), Map.of("bos_token", "<s>", "eos_token", "</s>"));
    }

    private static String render(String template, List<ChatMessage> messages) {
        return ChatTemplate.compile(template, Map.of()).render(messages, false);
    }

    private static String render(String template) {
        return render(template, CONVERSATION);
    }

    /** An insertion-ordered map, as Python dicts are. */
    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    // ------------------------------------------------------------------ ChatML: Qwen2.5-Instruct

    @Test
    void qwen25RendersChatMl() {
        // system message first (the template's else-branch), then every non-first turn as
        // <|im_start|>ROLE\nCONTENT<|im_end|>\n, then the generation prompt
        String turns = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nHello!<|im_end|>\n"
                + "<|im_start|>assistant\nHi! How can I help?<|im_end|>\n"
                + "<|im_start|>user\nWhat is 2+2?<|im_end|>\n";
        assertThat(qwen().render(CONVERSATION, true)).isEqualTo(turns + "<|im_start|>assistant\n");
        assertThat(qwen().render(CONVERSATION, false)).isEqualTo(turns);
    }

    @Test
    void qwen25AddsItsDefaultSystemPromptWhenNoneIsGiven() {
        assertThat(qwen().render(NO_SYSTEM, true)).isEqualTo(
                "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                        + "<|im_start|>user\nHello!<|im_end|>\n"
                        + "<|im_start|>assistant\nHi! How can I help?<|im_end|>\n"
                        + "<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
                        + "<|im_start|>assistant\n");
    }

    @Test
    void qwen25ListsToolsAsPythonJson() {
        Map<String, Object> tool = map("type", "function", "function", map(
                "name", "get_weather",
                "description", "Weather in a city",
                "parameters", map("type", "object",
                        "properties", map("city", map("type", "string")),
                        "required", List.of("city"))));
        List<ChatMessage> messages = List.of(ChatMessage.system("You are a helpful assistant."),
                ChatMessage.user("What is the weather in Paris?"));
        String expected = "<|im_start|>system\nYou are a helpful assistant."
                + "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
                + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>"
                + "\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": "
                + "\"Weather in a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": "
                + "{\"type\": \"string\"}}, \"required\": [\"city\"]}}}"
                + "\n</tools>\n\nFor each function call, return a json object with function name and arguments "
                + "within <tool_call></tool_call> XML tags:\n<tool_call>\n"
                + "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n"
                + "<|im_start|>user\nWhat is the weather in Paris?<|im_end|>\n"
                + "<|im_start|>assistant\n";
        assertThat(qwen().render(messages, true, Map.of("tools", List.of(tool)))).isEqualTo(expected);
    }

    // ------------------------------------------------------------------ Llama 3

    @Test
    void llama3RendersHeadersAndTrimsContent() {
        // bos_token only before the first turn; each turn: <|start_header_id|>ROLE<|end_header_id|>\n\n
        // + trimmed content + <|eot_id|>
        String turns = "<|begin_of_text|>"
                + "<|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHi! How can I help?<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>";
        assertThat(llama3().render(CONVERSATION, true))
                .isEqualTo(turns + "<|start_header_id|>assistant<|end_header_id|>\n\n");
        assertThat(llama3().render(CONVERSATION, false)).isEqualTo(turns);
    }

    @Test
    void llama3TrimBindsToTheContentOnly() {
        // Jinja filters bind tighter than '+': only the content is trimmed. Were the whole concatenation trimmed,
        // the leading blanks after "\n\n" would survive.
        String out = llama3().render(List.of(ChatMessage.user(" \t Hello!\u00a0\n")), false);
        assertThat(out).isEqualTo("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>");
    }

    @Test
    void llama31PutsTheDateHeaderAndSystemMessageFirst() {
        ChatTemplate t = ChatTemplate.compile(resource("llama-3.1-instruct.jinja"),
                Map.of("bos_token", "<|begin_of_text|>", "eos_token", "<|eot_id|>"));
        // no tools: system header, the two date lines (date_string defaults to "26 Jul 2024"), the system
        // message, then the remaining turns as in Llama 3
        String expected = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"
                + "You are a helpful assistant.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHi! How can I help?<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n";
        assertThat(t.render(CONVERSATION, true)).isEqualTo(expected);
        assertThat(t.render(CONVERSATION, true, Map.of("date_string", "1 Jan 2025")))
                .isEqualTo(expected.replace("26 Jul 2024", "1 Jan 2025"));
    }

    @Test
    void llama31PutsToolsIntoTheFirstUserMessageWithIndentedJson() {
        ChatTemplate t = ChatTemplate.compile(resource("llama-3.1-instruct.jinja"),
                Map.of("bos_token", "<|begin_of_text|>", "eos_token", "<|eot_id|>"));
        Map<String, Object> tool = map("type", "function", "function", map("name", "get_weather",
                "parameters", map("type", "object", "properties", map("city", map("type", "string")))));
        // json.dumps(tool, indent=4)
        String json = "{\n"
                + "    \"type\": \"function\",\n"
                + "    \"function\": {\n"
                + "        \"name\": \"get_weather\",\n"
                + "        \"parameters\": {\n"
                + "            \"type\": \"object\",\n"
                + "            \"properties\": {\n"
                + "                \"city\": {\n"
                + "                    \"type\": \"string\"\n"
                + "                }\n"
                + "            }\n"
                + "        }\n"
                + "    }\n"
                + "}";
        String expected = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                + "Environment: ipython\n"
                + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"
                + "You are a helpful assistant.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\n"
                + "Given the following functions, please respond with a JSON for a function call "
                + "with its proper arguments that best answers the given prompt.\n\n"
                + "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}."
                + "Do not use variables.\n\n"
                + json + "\n\n"
                + "What is the weather in Paris?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n";
        List<ChatMessage> messages = List.of(ChatMessage.system("You are a helpful assistant."),
                ChatMessage.user("What is the weather in Paris?"));
        assertThat(t.render(messages, true, Map.of("tools", List.of(tool)))).isEqualTo(expected);
        assertThatThrownBy(() -> t.render(List.of(ChatMessage.system("s")), true, Map.of("tools", List.of(tool))))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("Cannot put tools in the first user message when there's no first user message!");
    }

    // ------------------------------------------------------------------ Mistral / Gemma

    @Test
    void mistralRendersInstBlocks() {
        // bos, then [INST] user [/INST] and assistant + eos, nothing for add_generation_prompt
        String expected = "<s>[INST] Hello! [/INST]Hi! How can I help?</s>[INST] What is 2+2? [/INST]";
        assertThat(mistral().render(NO_SYSTEM, true)).isEqualTo(expected);
        assertThat(mistral().render(NO_SYSTEM, false)).isEqualTo(expected);
    }

    @Test
    void mistralRaisesTheTemplatesOwnExceptions() {
        assertThatThrownBy(() -> mistral().render(CONVERSATION, true))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("Conversation roles must alternate user/assistant/user/assistant/...");
        assertThatThrownBy(() -> mistral().render(List.of(ChatMessage.user("a"), ChatMessage.user("b")), true))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("Conversation roles must alternate user/assistant/user/assistant/...");
        assertThatThrownBy(() -> mistral().render(List.of(new ChatMessage("tool", "x")), true))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("Conversation roles must alternate user/assistant/user/assistant/...");
    }

    @Test
    void gemmaRenamesAssistantToModel() {
        ChatTemplate gemma = ChatTemplate.compile(resource("gemma-it.jinja"), Map.of("bos_token", "<bos>"));
        assertThat(gemma.render(NO_SYSTEM, true)).isEqualTo("<bos>"
                + "<start_of_turn>user\nHello!<end_of_turn>\n"
                + "<start_of_turn>model\nHi! How can I help?<end_of_turn>\n"
                + "<start_of_turn>user\nWhat is 2+2?<end_of_turn>\n"
                + "<start_of_turn>model\n");
        assertThatThrownBy(() -> gemma.render(CONVERSATION, true))
                .isInstanceOf(ChatTemplateException.class).hasMessage("System role not supported");
    }

    // ------------------------------------------------------------------ HF dialect details

    @Test
    void trimAndLstripBlocksAsInHuggingFace() {
        // trim_blocks drops the newline after a block tag; lstrip_blocks drops the indentation before it
        String template = "{% for m in messages %}\n    {% if m.role == 'user' %}\n[{{ m.content }}]\n    {% endif %}\n{% endfor %}\n";
        assertThat(render(template)).isEqualTo("[Hello!]\n[What is 2+2?]\n");
    }

    @Test
    void loopVariablesNamespaceAndSlicing() {
        String template = "{% set ns = namespace(n=0) %}{% for m in messages[1:] %}{% set ns.n = ns.n + 1 %}"
                + "{{ loop.index0 }}{{ m.role }}{% if not loop.last %},{% endif %}{% endfor %}:{{ ns.n }}"
                + "|{{ messages[-1].content }}|{{ messages | length }}";
        assertThat(render(template)).isEqualTo("0user,1assistant,2user:3|What is 2+2?|4");
    }

    @Test
    void notBindsLooserThanTestsAndComparisonsAsInJinja() {
        // Jinja parses `not x is defined` as not (x is defined), `not a == b` as not (a == b)
        ChatTemplate t = ChatTemplate.compile("{{ not x is defined }} {{ not y is defined }} {{ not x == 1 }}"
                + " {{ not x == 2 }} {{ not 'b' in s }} {{ not x is defined or true }} {{ not false and false }}", Map.of());
        assertThat(t.render(List.of(), false, Map.of("x", 1, "s", "abc")))
                .isEqualTo("False True False True False True False");
    }

    @Test
    void generationBlockRendersItsBody() {
        String template = "{% for m in messages %}{% if m.role == 'assistant' %}{% generation %}"
                + "{% set inner = 1 %}[{{ m.content }}]{% endgeneration %}{% endif %}{% endfor %}{{ inner is defined }}";
        assertThat(render(template)).isEqualTo("[Hi! How can I help?]False");
    }

    @Test
    void pythonStringMethods() {
        assertThat(render("{{ '  a b \\n'.strip() }}|{{ 'xxaxx'.strip('x') }}|{{ 'xxa'.lstrip('x') }}|{{ 'axx'.rstrip('x') }}"))
                .isEqualTo("a b|a|a|a");
        // split: on runs of whitespace without a separator; literal (not regex) separators; maxsplit
        assertThat(render("{{ ' a  b\\tc '.split() | join(',') }}|{{ 'x.y.z'.split('.') | join('|') }}"
                + "|{{ 'a,b,,c'.split(',') | length }}|{{ 'a,b,c'.split(',', 1) | join('|') }}"))
                .isEqualTo("a,b,c|x|y|z|4|a|b,c");
        assertThat(render("{{ 'abc'.startswith('ab') }} {{ 'abc'.endswith('bc') }} {{ 'abc'.startswith(['x', 'a']) }}"
                + " {{ 'abc'.startswith('b') }}")).isEqualTo("True True True False");
        assertThat(render("{{ 'hello wORLD'.title() }}|{{ 'hELLO'.capitalize() }}|{{ 'Ab'.upper() }}{{ 'Ab'.lower() }}"))
                .isEqualTo("Hello World|Hello|ABab");
        assertThat(render("{{ 'a-b-c'.replace('-', '+') }}|{{ 'a-b-c'.replace('-', '+', 1) }}|{{ 'abcb'.find('b') }}"
                + "|{{ 'abcb'.count('b') }}|{{ '/'.join(['x', 'y']) }}|{{ 'abc'[-1] }}{{ 'abc'[0] }}"))
                .isEqualTo("a+b+c|a+b-c|1|2|x/y|ca");
        // the content is split on a literal "</think>" and the last part kept, as DeepSeek-R1's template does
        assertThat(render("{{ messages[0].content.split('helpful')[-1] }}")).isEqualTo(" assistant.");
    }

    @Test
    void urlencodeQuotesAsPython() {
        // expected strings and errors from jinja2 3.1.6 via src/test/python/hf_chat_template.py
        assertThat(render("{{ 'a b/c?d=é&€😀~_.-'|urlencode }}|{{ {'a b': 'c/d', 'x': none, 'n': 1.5}|urlencode }}"
                + "|{{ [['k', 'v w'], ['é', true]]|urlencode }}|{{ ['ab']|urlencode }}|{{ none|urlencode }}|{{ 3|urlencode }}"
                + "|{{ x|urlencode }}|{{ []|urlencode }}"))
                .isEqualTo("a%20b/c%3Fd%3D%C3%A9%26%E2%82%AC%F0%9F%98%80~_.-|a+b=c%2Fd&x=None&n=1.5|k=v+w&%C3%A9=True|a=b"
                        + "|None|3||");
        assertThatThrownBy(() -> render("{{ [1]|urlencode }}")).isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("TypeError: cannot unpack non-iterable int object");
        assertThatThrownBy(() -> render("{{ ['abc']|urlencode }}")).isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("ValueError: too many values to unpack (expected 2)");
    }

    @Test
    void divisionByZeroAndTojsonOfUndefinedFailAsInJinja() {
        // expected strings and errors from jinja2 3.1.6 via src/test/python/hf_chat_template.py
        assertThat(render("{{ 1 / 3 }}|{{ -7 / 2 }}|{{ 6 / 3 }}|{{ true / 2 }}|{{ none|tojson }}"))
                .isEqualTo("0.3333333333333333|-3.5|2.0|0.5|null");
        assertThatThrownBy(() -> render("{{ 3 / 0 }}")).isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("ZeroDivisionError: division by zero");
        assertThatThrownBy(() -> render("{{ 3.0 / 0 }}")).isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("ZeroDivisionError: float division by zero");
        // HF's tojson is json.dumps, which cannot write Jinja's Undefined
        assertThatThrownBy(() -> render("{{ messages[0].tool_calls|tojson }}")).isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("TypeError: Object of type Undefined is not JSON serializable");
    }

    @Test
    void intAndFloatFiltersConvertAsPython() {
        // expected strings from jinja2 3.1.6 via src/test/python/hf_chat_template.py
        assertThat(render("{{ '1e3'|float }}|{{ ' 1.5 '|float }}|{{ 'inf'|float }}|{{ '-Infinity'|float }}|{{ 'nan'|float }}"
                + "|{{ '1_000.5'|float }}|{{ '1d'|float }}|{{ '0x10'|float }}|{{ '.5'|float }}|{{ '5.'|float }}"
                + "|{{ 'x'|float(default=2) }}|{{ true|float }}|{{ none|float }}|{{ [1]|float }}|{{ '1__0'|float }}"))
                .isEqualTo("1000.0|1.5|inf|-inf|nan|1000.5|0.0|0.0|0.5|5.0|2|1.0|0.0|0.0|0.0");
        assertThat(render("{{ '0x1A'|int(base=16) }}|{{ '12'|int(base=8) }}|{{ '0x1A'|int(0, 16) }}|{{ '0b101'|int(base=0) }}"
                + "|{{ '010'|int(base=0) }}|{{ '0b1'|int(base=16) }}|{{ 'z'|int(base=36) }}|{{ '5'|int(base=1) }}"))
                .isEqualTo("26|10|26|5|10|177|35|5");
        assertThat(render("{{ ' 1_000 '|int }}|{{ '4.7'|int }}|{{ '-4.7'|int }}|{{ '1e3'|int }}|{{ 'x'|int(7) }}|{{ 'nan'|int }}"
                + "|{{ 'inf'|int }}|{{ true|int }}|{{ false|int }}|{{ -3.9|int }}|{{ none|int }}|{{ [1]|int }}"
                + "|{{ '123456789012345678901234567890'|int }}|{{ ('1' * 5000)|int }}|{{ '5'|int + 1 }}"))
                .isEqualTo("1000|4|-4|1000|7|0|0|1|0|-3|0|0|123456789012345678901234567890|0|6");
        // jinja2: UndefinedError ('x' is undefined)
        assertThatThrownBy(() -> render("{{ x|int }}")).isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("UndefinedError");
        assertThatThrownBy(() -> render("{{ x|float }}")).isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("UndefinedError");
    }

    @Test
    void rsplitRemoveprefixPaddingAndIndexStringMethods() {
        // expected strings from jinja2 3.1.6 via src/test/python/hf_chat_template.py
        assertThat(render("{{ 'a,b,c'.rsplit(',', 1) }}|{{ ' a  b c '.rsplit(none, 1) }}|{{ ',,a,,'.rsplit(',', 2) }}"
                + "|{{ '  x y  '.rsplit(none, 0) }}|{{ 'aaa'.rsplit('aa', 1) }}|{{ 'a,b'.rsplit(',') | length }}"))
                .isEqualTo("['a,b', 'c']|[' a  b', 'c']|[',,a', '', '']|['  x y']|['a', '']|2");
        assertThat(render("{{ 'abc'.removeprefix('a') }}|{{ 'abc'.removeprefix('x') }}|{{ 'abc'.removesuffix('bc') }}"
                + "|{{ 'abc'.removesuffix('') }}")).isEqualTo("bc|abc|a|abc");
        assertThat(render("{{ 'a'.ljust(3) }}|{{ 'a'.rjust(3, '*') }}|{{ '-5'.zfill(4) }}|{{ '+5'.zfill(1) }}"
                + "|{{ 'é'.ljust(3, 'ü') }}|{{ 'ab'.rjust(-1) }}")).isEqualTo("a  |**a|-005|+5|éüü|ab");
        assertThat(render("{{ 'abca'.index('a') }}|{{ 'abca'.rindex('a') }}|{{ 'éa'.rfind('a') }}|{{ 'abca'.rfind('z') }}"))
                .isEqualTo("0|3|1|-1");
        // jinja2: ValueError: substring not found
        assertThatThrownBy(() -> render("{{ 'abc'.index('z') }}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("ValueError: substring not found");
        // the padding methods are bounded like center(): the width is checked before the string is built
        assertThatThrownBy(() -> render("{{ 'a'.ljust(2000000) }}")).isInstanceOf(ChatTemplateException.class);
    }

    @Test
    void mapMethodsAndMembership() {
        String template = "{% for k, v in messages[0].items() %}{{ k }}={{ v }};{% endfor %}"
                + "{{ messages[0].keys() | join(',') }}|{{ messages[0].get('name', 'anon') }}|"
                + "{{ 'tool_calls' in messages[0] }}{{ 'role' in messages[0] }}|{{ messages[0].tool_calls is defined }}";
        assertThat(render(template)).isEqualTo("role=system;content=You are a helpful assistant.;role,content|anon|FalseTrue|False");
    }

    @Test
    void trimUsesPythonWhitespace() {
        // Python's str.strip removes U+00A0 and U+3000 but not U+0000
        assertThat(render("{{ messages[0].content | trim }}|", List.of(ChatMessage.user("\u00a0 x \u3000"))))
                .isEqualTo("x|");
        assertThat(render("{{ messages[0].content | trim }}|", List.of(ChatMessage.user("\u0000x ")))).isEqualTo("\u0000x|");
    }

    @Test
    void tojsonMatchesPythonJsonDumps() {
        Map<String, Object> data = map("b", 1.5, "a", "é\n\"q\"", "n", null, "t", true, "l", List.of(1, 2), "e", map());
        ChatTemplate t = ChatTemplate.compile("{{ data | tojson }}", Map.of());
        // json.dumps(data, ensure_ascii=False)
        assertThat(t.render(List.of(), false, Map.of("data", data)))
                .isEqualTo("{\"b\": 1.5, \"a\": \"é\\n\\\"q\\\"\", \"n\": null, \"t\": true, \"l\": [1, 2], \"e\": {}}");
        // json.dumps(data, ensure_ascii=False, indent=2)
        ChatTemplate indented = ChatTemplate.compile("{{ data | tojson(indent=2) }}", Map.of());
        assertThat(indented.render(List.of(), false, Map.of("data", map("a", List.of(1, map("x", 0.1)), "b", List.of()))))
                .isEqualTo("{\n  \"a\": [\n    1,\n    {\n      \"x\": 0.1\n    }\n  ],\n  \"b\": []\n}");
        ChatTemplate sorted = ChatTemplate.compile("{{ data | tojson(sort_keys=true) }}", Map.of());
        assertThat(sorted.render(List.of(), false, Map.of("data", map("b", 1, "a", "\u0001"))))
                .isEqualTo("{\"a\": \"\\u0001\", \"b\": 1}");
    }

    /** The variables of the printing tests, as in the jinja2 run they were checked against. */
    private static Map<String, Object> printedValues() {
        return map("b", true, "f", 1e-5, "n", null,
                "l", Arrays.asList("a", 1, true, null, 2.5, "it's", "say \"hi\" 'x'", "tab\tnl\n\\",
                        "\u00e9\u4e2d\ud83d\ude00\u0001\u00a0\u200b"),
                "d", map("k", "v", "n", List.of(1, map("x", false)), "z", null));
    }

    @Test
    void printingConcatenationAndStringFilterWritePythonStr() {
        // Checked with jinja2 3.1.6 in HF's environment (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks,
        // as src/test/python/hf_chat_template.py), rendering the same templates with the values of printedValues()
        ChatTemplate t = ChatTemplate.compile("{{ b }}|{{ false }}|{{ f }}|{{ 1e16 }}|{{ 0.1 }}|{{ 2.0 }}|{{ 1e7 }}"
                + "|{{ 10 / 4 }}|{{ 4 / 2 }}|{{ 7 // 2 }}|{{ 0.1 + 0.2 }}|{{ 1.5e300 * 1e10 }}"
                + "|{{ -0.0 }}|{{ 1e-4 }}|{{ 123456789.123 }}|{{ -1.5e-7 }}|{{ 1e22 }}", Map.of());
        assertThat(t.render(List.of(), false, printedValues())).isEqualTo("True|False|1e-05|1e+16|0.1|2.0|10000000.0"
                + "|2.5|2.0|3|0.30000000000000004|inf|-0.0|0.0001|123456789.123|-1.5e-07|1e+22");
        String list = "['a', 1, True, None, 2.5, \"it's\", 'say \"hi\" \\'x\\'', 'tab\\tnl\\n\\\\', "
                + "'\u00e9\u4e2d\ud83d\ude00\\x01\\xa0\\u200b']";
        String dict = "{'k': 'v', 'n': [1, {'x': False}], 'z': None}";
        t = ChatTemplate.compile("{{ l }}\n{{ d }}\n{{ '' ~ l }}|{{ 'x' ~ b }}|{{ f ~ '' }}|{{ d ~ '' }}|{{ 1e16 ~ '' }}"
                + "\n{{ l|string }}|{{ b|string }}|{{ f|string }}|{{ d|string }}|{{ 3|string }}|{{ 'a'|string }}"
                + "\n{{ [] }}|{{ {} }}|{{ [[]] }}|{{ [1, [2, 'x']] }}|{{ [1.0, 2.5, 1e-05] }}|{{ (1 > 0) ~ '' }}"
                + "|{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", Map.of());
        assertThat(t.render(List.of(), false, printedValues())).isEqualTo(list + "\n" + dict + "\n"
                + list + "|xTrue|1e-05|" + dict + "|1e+16\n"
                + list + "|True|1e-05|" + dict + "|3|a\n"
                + "[]|{}|[[]]|[1, [2, 'x']]|[1.0, 2.5, 1e-05]|True|k=v;n=[1, {'x': False}];z=None;");
        // none is written None, an undefined value as nothing
        assertThat(ChatTemplate.compile("[{{ n }}]|[{{ undefinedvar }}]|[{{ n ~ 'x' }}]|[{{ n|string }}]|[{{ undefinedvar|string }}]",
                Map.of()).render(List.of(), false, printedValues())).isEqualTo("[None]|[]|[Nonex]|[None]|[]");
    }

    @Test
    void pythonStrOfAStructureIsBoundedWhileItIsWritten() {
        // Python's repr writes a control character as four characters (\x01): the list passes the size check made
        // before writing (its characters), and is refused while it is written, past the limit
        Map<String, Object> vars = map("l", List.of("\u0001".repeat(ChatTemplate.MAX_OUTPUT_CHARS / 2)));
        for (String template : List.of("{{ l }}", "{{ '' ~ l }}", "{{ l | string }}")) {
            assertThatThrownBy(() -> ChatTemplate.compile(template, Map.of()).render(List.of(), false, vars))
                    .as(template)
                    .isInstanceOf(ChatTemplateException.class)
                    .hasMessageContaining("writing a list out as text")
                    .hasMessageContaining("more than the limit of " + ChatTemplate.MAX_OUTPUT_CHARS);
        }
        // Python: repr(['\x01' * 10]) is 44 characters long
        assertThat(PyStrings.repr(List.of("\u0001".repeat(10)), 44)).isEqualTo("['" + "\\x01".repeat(10) + "']");
        assertThatThrownBy(() -> PyStrings.repr(List.of("\u0001".repeat(10)), 43))
                .isInstanceOf(SizeLimits.LimitExceeded.class);
    }

    @Test
    void floatsAreWrittenAsPythonRepr() {
        // Python: repr(1e16) '1e+16', repr(1e15) '1000000000000000.0', repr(1e-05) '1e-05', repr(0.0001) '0.0001',
        // repr(0.1 + 0.2) '0.30000000000000004', repr(1.7976931348623157e308) '1.7976931348623157e+308',
        // repr(5e-324) '5e-324', repr(-2.5) '-2.5', repr(123456789012345678.0) '1.2345678901234568e+17'
        assertThat(PyJson.floatRepr(1e16)).isEqualTo("1e+16");
        assertThat(PyJson.floatRepr(1e15)).isEqualTo("1000000000000000.0");
        assertThat(PyJson.floatRepr(1e-05)).isEqualTo("1e-05");
        assertThat(PyJson.floatRepr(0.0001)).isEqualTo("0.0001");
        assertThat(PyJson.floatRepr(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(PyJson.floatRepr(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
        assertThat(PyJson.floatRepr(Double.MIN_VALUE)).isEqualTo("5e-324");
        assertThat(PyJson.floatRepr(-2.5)).isEqualTo("-2.5");
        assertThat(PyJson.floatRepr(123456789012345678.0)).isEqualTo("1.2345678901234568e+17");
        assertThat(PyJson.floatRepr(3.0)).isEqualTo("3.0");
        assertThat(PyJson.floatRepr(-0.0)).isEqualTo("-0.0");
    }

    @Test
    void contentIsNeverInterpretedAsTemplateCode() {
        String out = render("{{ messages[0].content }}", List.of(ChatMessage.user("{{ 7 * 7 }}{% raw %}")));
        assertThat(out).isEqualTo("{{ 7 * 7 }}{% raw %}");
    }

    @Test
    void undefinedValuesAreEmptyAndFalsy() {
        assertThat(render("[{{ nothing }}]{% if nothing is defined %}yes{% else %}no{% endif %}"
                + "{% if messages[0].tool_calls %}calls{% endif %}")).isEqualTo("[]no");
    }

    @Test
    void extraVariablesAndSpecialTokens() {
        ChatTemplate t = ChatTemplate.compile("{{ bos_token }}{{ date_string }}{{ eos_token }}",
                Map.of("bos_token", "<s>", "eos_token", "</s>"));
        assertThat(t.render(List.of(), false, Map.of("date_string", "26 Jul 2024"))).isEqualTo("<s>26 Jul 2024</s>");
        assertThat(t.render(List.of(), false, Map.of("eos_token", "<end>"))).isEqualTo("<s><end>");
        assertThat(ChatTemplate.compile("{{ strftime_now('%Y') }}", Map.of()).render(List.of(), false))
                .isEqualTo(Integer.toString(LocalDate.now().getYear()));
        assertThat(t.source()).isEqualTo("{{ bos_token }}{{ date_string }}{{ eos_token }}");
    }

    @Test
    void rejectsBadVariablesAndTemplates() {
        ChatTemplate t = ChatTemplate.compile("x", Map.of());
        assertThatThrownBy(() -> t.render(List.of(), true, Map.of("messages", List.of())))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'messages'");
        assertThatThrownBy(() -> t.render(List.of(), true, Map.of("tools", List.of(new Object()))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("tools[0] is a java.lang.Object");
        assertThatThrownBy(() -> ChatTemplate.compile("x", Map.of("bos_token", Thread.currentThread())))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("bos_token");
        assertThatThrownBy(() -> ChatTemplate.compile("{% for m in messages %}{{ m }}", Map.of()))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("does not parse")
                .hasMessageContaining("endfor");
    }

    // ------------------------------------------------------------------ parity with Jinja 3.1.6 in HF's environment
    // Every expected string below is jinja2 3.1.6's output for the same template, messages and variables, rendered
    // through HF's environment (ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
    // extensions=[loopcontrols]), HF's tojson, render(messages=..., tools=None, documents=None, ...)), as
    // src/test/python/hf_chat_template.py renders them.

    private static final List<ChatMessage> TOOL_TURN = List.of(
            ChatMessage.system("You are a helpful assistant."),
            ChatMessage.user("What's the weather in Paris?"),
            ChatMessage.assistant("<think>\nI should call the weather tool.\n</think>\n\n<tool_call>\n"
                    + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>"),
            new ChatMessage("tool", "{\"temperature\": 21}"));

    /** Qwen3's chat template (excerpt): namespace(... = messages|length - 1) and messages[::-1]. */
    private static final String QWEN3_EXCERPT = "{%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}\n"
            + "{%- for message in messages[::-1] %}\n"
            + "    {%- set index = (messages|length - 1) - loop.index0 %}\n"
            + "    {%- if ns.multi_step_tool and message.role == \"user\" and message.content is string and not(message.content.startswith('<tool_response>') and message.content.endswith('</tool_response>')) %}\n"
            + "        {%- set ns.multi_step_tool = false %}\n"
            + "        {%- set ns.last_query_index = index %}\n"
            + "    {%- endif %}\n"
            + "{%- endfor %}\n"
            + "{%- for message in messages %}\n"
            + "    {%- set content = message.content %}\n"
            + "    {%- if message.role == \"user\" or message.role == \"system\" %}\n"
            + "        {{- '<|im_start|>' + message.role + '\\n' + content + '<|im_end|>' + '\\n' }}\n"
            + "    {%- elif message.role == \"assistant\" %}\n"
            + "        {%- set reasoning_content = '' %}\n"
            + "        {%- if '</think>' in content %}\n"
            + "            {%- set reasoning_content = content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}\n"
            + "            {%- set content = content.split('</think>')[-1].lstrip('\\n') %}\n"
            + "        {%- endif %}\n"
            + "        {%- if loop.index0 > ns.last_query_index %}\n"
            + "            {{- '<|im_start|>' + message.role + '\\n<think>\\n' + reasoning_content.strip('\\n') + '\\n</think>\\n\\n' + content.lstrip('\\n') }}\n"
            + "        {%- else %}\n"
            + "            {{- '<|im_start|>' + message.role + '\\n' + content }}\n"
            + "        {%- endif %}\n"
            + "        {{- '<|im_end|>\\n' }}\n"
            + "    {%- elif message.role == \"tool\" %}\n"
            + "        {%- if loop.first or (messages[loop.index0 - 1].role != \"tool\") %}\n"
            + "            {{- '<|im_start|>user' }}\n"
            + "        {%- endif %}\n"
            + "        {{- '\\n<tool_response>\\n' + content + '\\n</tool_response>' }}\n"
            + "        {%- if loop.last or (messages[loop.index0 + 1].role != \"tool\") %}\n"
            + "            {{- '<|im_end|>\\n' }}\n"
            + "        {%- endif %}\n"
            + "    {%- endif %}\n"
            + "{%- endfor %}\n"
            + "{%- if add_generation_prompt %}\n"
            + "    {{- '<|im_start|>assistant\\n' }}\n"
            + "{%- endif %}\n";

    @Test
    void qwen3StyleTemplateFindsTheLastQueryWithNamespaceArithmeticAndAReversedSlice() {
        ChatTemplate t = ChatTemplate.compile(QWEN3_EXCERPT, Map.of());
        // the reasoning of an assistant turn after the last real user query is kept
        assertThat(t.render(TOOL_TURN, true)).isEqualTo("<|im_start|>system\n"
                + "You are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\n"
                + "What's the weather in Paris?<|im_end|>\n"
                + "<|im_start|>assistant\n"
                + "<think>\n"
                + "I should call the weather tool.\n"
                + "</think>\n"
                + "\n"
                + "<tool_call>\n"
                + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n"
                + "</tool_call><|im_end|>\n"
                + "<|im_start|>user\n"
                + "<tool_response>\n"
                + "{\"temperature\": 21}\n"
                + "</tool_response><|im_end|>\n"
                + "<|im_start|>assistant\n");
        assertThat(t.render(CONVERSATION, true)).isEqualTo("<|im_start|>system\n"
                + "You are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\n"
                + "Hello!<|im_end|>\n"
                + "<|im_start|>assistant\n"
                + "Hi! How can I help?<|im_end|>\n"
                + "<|im_start|>user\n"
                + "What is 2+2?<|im_end|>\n"
                + "<|im_start|>assistant\n");
    }

    @Test
    void keywordArgumentsTakeWholeExpressions() {
        // namespace(b=messages|length - 1) is namespace(b=(messages|length - 1)), not (b=messages|length) - 1
        assertThat(render("{%- set ns = namespace(a=true, b=messages|length - 1) %}{{ ns.b }}|{%- set ns2 = namespace(b=(messages|length) - 1, c='x' ~ 'y' if ns.a else 'z') %}{{ ns2.b }}{{ ns2.c }}|{{ 'a,b,c'.split(',', 2 - 1)|join('+') }}|{{ [3, 1, 2]|sort(reverse=1 + 0 > 0)|join }}|{% macro m(x, y=0) %}{{ x * y }}{% endmacro %}{{ m(3, y=messages|length + 1) }}"))
                .isEqualTo("3|3xy|a+b,c|321|15");
    }

    @Test
    void subscriptsAndSlicesFollowPythonIncludingASteppedSlice() {
        assertThat(render("{% for m in messages[::-1] %}{{ m.role[0] }}{% endfor %}|{{ 'abc'[::-1] }}|{{ messages[::2]|length }}|{{ [0, 1, 2, 3, 4][-2::-2]|join(',') }}|{{ 'hello'[1:-1:2] }}|{{ [0, 1, 2][5:]|length }}|{{ [0, 1, 2][-10:2]|join(',') }}|{{ 'abc'[-10:] }}|{{ 'abcdef'[4:1:-1] }}|{{ messages[1:][0].role }}|{{ messages[:-1][-1].role }}|{{ 'abc'[:] }}|{{ 'abc'[1::] }}"))
                .isEqualTo("uaus|cba|2|3,1|el|0|0,1|abc|edc|user|assistant|abc|bc");
    }

    @Test
    void toolsAndDocumentsAreNoneAndAnUndefinedValueIsNotNone() {
        // HF renders with tools=None and documents=None: both are defined and none; an undefined variable is not none
        assertThat(render("{% macro b(x) %}{{ 'T' if x else 'F' }}{% endmacro %}{{ b(tools is defined) }}{{ b(tools is none) }}{{ b(tools is not none) }}{{ b(documents is defined) }}{{ b(documents is undefined) }}|{{ b(foo is defined) }}{{ b(foo is undefined) }}{{ b(foo is none) }}{{ b(foo is not none) }}{{ b(not foo is defined) }}|{{ b(messages[0].tool_calls is defined) }}{{ b(messages[0]['tool_calls'] is none) }}{{ b(messages[0].get('tool_calls') is none) }}|{{ b(none is none) }}{{ b(none is defined) }}{% set x = none %}{{ b(x is defined) }}{{ b(x is none) }}|{% if tools is not none %}tools{% else %}no tools{% endif %}|{% if not tools is defined %}undef{% else %}def{% endif %}"))
                .isEqualTo("TTFTF|FTFTT|FFT|TTTT|no tools|def");
        ChatTemplate t = ChatTemplate.compile("{% macro b(x) %}{{ 'T' if x else 'F' }}{% endmacro %}{{ b(tools is defined) }}{{ b(tools is none) }}{{ tools|length }}|{{ b(documents is none) }}", Map.of());
        assertThat(t.render(CONVERSATION, false, Map.of("tools", List.of(map("name", "f")))))
                .isEqualTo("TF1|T");
    }

    @Test
    void noneIsDefinedFalseAndWrittenAsNoneUnlikeAnUndefinedValue() {
        // expected strings and errors produced by jinja2 3.1.6 through HF's environment (src/test/python)
        ChatTemplate t = ChatTemplate.compile("{{ none }}|{{ tools }}|{{ tools|tojson }}|{{ tools|trim }}|{{ tools is none }}"
                + "|{{ tools == none }}|{{ none|default('x') }}|[{{ u|default(none) }}]|{{ [none, 1]|join(',') }}"
                + "|{{ {'a': none} }}|{{ {'a': none}|tojson }}|{% set x = none %}{{ x is defined }}{{ x is none }}"
                + "|{% set y = undefinedv %}{{ y is defined }}|{{ tools or 'no' }}|{{ none and 1 }}"
                + "|{% if not tools %}empty{% endif %}|{{ d.z }}|{{ d.get('q') }}|{{ d.get('q') is none }}"
                + "|{{ d.z is none }}|{{ d.missing is none }}|{{ d.missing is defined }}", Map.of());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("z", null);
        assertThat(t.render(CONVERSATION, false, Map.of("d", d))).isEqualTo("None|None|null|None|True|True|None|[None]"
                + "|None,1|{'a': None}|{\"a\": null}|TrueTrue|False|no|None|empty|None|None|True|True|False|False");
        assertThat(render("[{{ none.x }}]|{{ [1, 2, 3][none:2] }}|{{ 'a b'.split(none) }}|{{ tools|tojson(indent=none) }}"
                + "|{% macro m(a=none) %}{{ a }}|{{ a is none }}{% endmacro %}{{ m() }}|{{ namespace(a=none).a is none }}"
                + "|{{ [none, 1, none]|select('none')|list|length }}"
                + "|{{ [{'a': none}, {'a': 1}, {}]|selectattr('a', 'none')|list|length }}"))
                .isEqualTo("[]|[1, 2]|['a', 'b']|null|None|True|True|2|1");
        Map<String, String> failures = new LinkedHashMap<>();
        failures.put("{{ tools|length }}", "TypeError: object of type 'NoneType' has no len()");
        failures.put("{{ tools|items|list }}", "TypeError: Can only get item pairs from a mapping.");
        failures.put("{% for t in tools|default([]) %}{% endfor %}", "TypeError: 'NoneType' object is not iterable");
        failures.put("{{ '</think>' in tools }}", "TypeError: argument of type 'NoneType' is not iterable");
        failures.put("{{ 1 not in 5 }}", "TypeError: argument of type 'int' is not iterable");
        failures.forEach((template, error) -> assertThatThrownBy(() -> render(template))
                .as(template)
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining(error));
    }

    @Test
    void tojsonTakesHuggingFacesSeparatorsAndEnsureAscii() {
        List<Object> tools = List.of(map("type", "function", "function", map("name", "météo",
                "description", "Température à Paris \ud83c\udf21",
                "parameters", map("z", 1, "a", java.util.Arrays.asList(1.5, null, true)))));
        ChatTemplate t = ChatTemplate.compile("{{ tools|tojson(separators=(',', ':')) }}|{{ tools|tojson(ensure_ascii=True) }}|{{ tools|tojson(indent=2, separators=(',', ': '), sort_keys=true) }}|{{ tools|tojson(true) }}|{{ 'é\ud83d\ude00\u007f'|tojson(ensure_ascii=true) }}|{{ tools|tojson(indent='\t') }}", Map.of());
        assertThat(t.render(List.of(), false, Map.of("tools", tools)))
                .isEqualTo("[{\"type\":\"function\",\"function\":{\"name\":\"météo\",\"description\":\"Température à Paris \ud83c\udf21\",\"parameters\":{\"z\":1,\"a\":[1.5,null,true]}}}]|[{\"type\": \"function\", \"function\": {\"name\": \"m\\u00e9t\\u00e9o\", \"description\": \"Temp\\u00e9rature \\u00e0 Paris \\ud83c\\udf21\", \"parameters\": {\"z\": 1, \"a\": [1.5, null, true]}}}]|[\n"
                + "  {\n"
                + "    \"function\": {\n"
                + "      \"description\": \"Température à Paris \ud83c\udf21\",\n"
                + "      \"name\": \"météo\",\n"
                + "      \"parameters\": {\n"
                + "        \"a\": [\n"
                + "          1.5,\n"
                + "          null,\n"
                + "          true\n"
                + "        ],\n"
                + "        \"z\": 1\n"
                + "      }\n"
                + "    },\n"
                + "    \"type\": \"function\"\n"
                + "  }\n"
                + "]|[{\"type\": \"function\", \"function\": {\"name\": \"m\\u00e9t\\u00e9o\", \"description\": \"Temp\\u00e9rature \\u00e0 Paris \\ud83c\\udf21\", \"parameters\": {\"z\": 1, \"a\": [1.5, null, true]}}}]|\"\\u00e9\\ud83d\\ude00\\u007f\"|[\n"
                + "\t{\n"
                + "\t\t\"type\": \"function\",\n"
                + "\t\t\"function\": {\n"
                + "\t\t\t\"name\": \"météo\",\n"
                + "\t\t\t\"description\": \"Température à Paris \ud83c\udf21\",\n"
                + "\t\t\t\"parameters\": {\n"
                + "\t\t\t\t\"z\": 1,\n"
                + "\t\t\t\t\"a\": [\n"
                + "\t\t\t\t\t1.5,\n"
                + "\t\t\t\t\tnull,\n"
                + "\t\t\t\t\ttrue\n"
                + "\t\t\t\t]\n"
                + "\t\t\t}\n"
                + "\t\t}\n"
                + "\t}\n"
                + "]");
    }

    @Test
    void oneTrailingNewlineOfTheSourceIsDroppedAndNewlinesAreNormalised() {
        // keep_trailing_newline=False: Jinja's lexer drops one trailing newline and reads \r\n as \n
        assertThat(render("{% for m in messages %}{{ m.role }}\n"
                + "{% endfor %}\n")).isEqualTo("system\n"
                + "user\n"
                + "assistant\n"
                + "user\n");
        assertThat(render("x\n"
                + "\n")).isEqualTo("x\n");
        assertThat(render("a\r\n"
                + "{% if true %}\r\n"
                + "b\r\n"
                + "{% endif %}\r\n")).isEqualTo("a\n"
                + "b\n");
    }

    @Test
    void whitespaceControlIsJinjas() {
        // expected strings produced by jinja2 3.1.6 through HF's environment (src/test/python/hf_chat_template.py).
        // lstrip_blocks strips a tag's indentation only when nothing precedes it on its line; {%+ keeps it and +%}
        // the newline after the tag
        assertThat(render("a  {% if true %}x{% endif %}|\n  {# c #}y\n  {%+ if true %}z{% endif %}\n\t {%- if true %}w{% endif %}"
                + "|{% if true +%}\nv{% endif %}|{{ 'a' }}  {% if true %}b{% endif %}\n  {{ 'c' }}  {% if true %}d{% endif %}"))
                .isEqualTo("a  x|\ny\n  zw|\nv|a  b  c  d");
        // raw blocks (which keep the newline after their opening tag), comments, and - stripping Python's whitespace
        assertThat(render("  {% raw %}  {{ x }} {% if %}{% endraw %}|\n    {% raw -%}\n  x  {%- endraw %}"
                + "|  {%+ raw %}a\n  {% endraw +%}\nb|x \u00a0{%- if true -%}\u00a0 y{% endif %}"
                + "|a\n  {# c #}\n  b {# c -#}  \n\n c\n{#- c #}d {#+ c +#}\ne"))
                .isEqualTo("  {{ x }} {% if %}|\nx|  a\n\nb|xy|a\n  b cd \ne");
    }

    @Test
    void anExpressionEndsAtItsClosingBracesOutsideBracketsAndStrings() {
        assertThat(render("{{ '}}' }}|{{ \"%}\" }}|{{ {'a': {'b': {'c': 1}}} }}|{{ [{'a': 1}]}}|{{ {'a': 1}}}"
                + "|{{ {'a': {'b': 1}}|tojson }}|{{- '-' }}{{ -1 }}"))
                .isEqualTo("}}|%}|{'a': {'b': {'c': 1}}}|[{'a': 1}]|{'a': 1}|{\"a\": {\"b\": 1}}|--1");
    }

    @Test
    void errorsNameTheSourceLineAfterWhitespaceControl() {
        // the newlines that trim_blocks and '-' remove still count
        assertThatThrownBy(() -> render("{% if true %}\n{% if true %}\n{% endif %}\n{%- for x in 5 %}{% endfor %}{% endif %}"))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("chat template failed: TypeError: 'int' object is not iterable (line 4)");
    }

    @Test
    void stringLiteralsHavePythonsEscapes() {
        // expected strings produced by jinja2 3.1.6 through HF's environment (src/test/python/hf_chat_template.py)
        assertThat(render("{{ '\\x41\\u00e9\\U0001F600\\n\\t|\\101\\0|\\q\\8|\\N{BULLET}|\\'\\\"|\\a\\v\\f\\b\\r' | tojson }}|{{ \"a\\\nb\" }}|{{ '\\\u00e9' }}|{{ 'x\\\\y' }}"))
                .isEqualTo("\"A\u00e9\ud83d\ude00\\n\\t|A\\u0000|\\\\q\\\\8|\u2022|'\\\"|\\u0007\\u000b\\f\\b\\r\"|ab|\\xe9|x\\y");
        assertThatThrownBy(() -> render("{{ '\\x4' }}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("truncated \\xXX escape");
    }

    @Test
    void aStringTimesAnIntegerRepeatsIt() {
        assertThat(render("{{ '=' * 3 }}|{{ 3 * 'ab' }}|{{ 'x' * 0 }}|[{{ 'x' * -2 }}]|{{ 2 * 3 }}|{{ 1.5 * 2 }}|{{ '-' * (messages|length + 1) }}", NO_SYSTEM.subList(0, 2)))
                .isEqualTo("===|ababab||[]|6|3.0|---");
        assertThatThrownBy(() -> render("{{ 'ab' * 1000000000 }}"))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("'*' on a string would build a string of 2000000000 characters");
    }

    @Test
    void aTestAppliesToAWholeFilterChain() {
        assertThat(render("{{ messages|length is even }}|{{ messages|length is not odd }}|{{ x|default(none) is none }}|{{ x|default(1) is number }}|{{ 'a'|upper is string }}|{{ messages|length is divisibleby 2 }}|{{ x|default(1) is defined }}", NO_SYSTEM.subList(0, 2)))
                .isEqualTo("True|True|True|True|True|True|True");
    }

    @Test
    void joinWritesItemsAsPythonsStr() {
        assertThat(render("{{ [true, 1.0, none, 'x', 1e-05, [1], {'a': false}] | join(',') }}|{{ ['', 'a', ''] | join(',') }}|{{ 'abc'|join('-') }}|{{ {'a': 1, 'b': 2}|join }}|{{ messages|join(', ', attribute='role') }}|[{{ undefinedv|join }}]|{{ [1, 2]|join(d=0) }}", NO_SYSTEM.subList(0, 2)))
                .isEqualTo("True,1.0,None,x,1e-05,[1],{'a': False}|,a,|a-b-c|ab|user, assistant|[]|102");
        assertThatThrownBy(() -> render("{{ tools|join }}"))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("TypeError: 'NoneType' object is not iterable");
    }

    @Test
    void caseFiltersChangeThePythonTextOfAnyValue() {
        // jinja2 3.1.6 through HF's environment
        assertThat(render("{{ none|lower }}|{{ none|upper }}|{{ nothing|upper }}|{{ true|lower }}|{{ [1,'a']|upper }}"
                + "|{{ 'hELLo wORLD'|capitalize }}|{{ none|capitalize }}|{{ 1.5|upper }}|{{ 'straße'|upper }}"))
                .isEqualTo("none|NONE||true|[1, 'A']|Hello world|None|1.5|STRASSE");
    }

    @Test
    void rangeGoesAsFarAsJinjasSandboxAllows() {
        // jinja2 3.1.6: "5000 100000"; jinjava's default limit had cut range(5000) to 1000 items without an error
        assertThat(render("{{ range(5000)|length }} {{ range(100000)|length }}")).isEqualTo("5000 100000");
    }

    @Test
    void percentOnAStringIsPythonsPercentFormatting() {
        // jinja2 3.1.6: 'a and b|50%|1-002.2|2.67|None|x!|1'
        assertThat(render("{{ '%s and %s' % ('a', 'b') }}|{{ '%d%%' % 50 }}|{{ '%(x)s-%(y)05.1f' % {'x': 1, 'y': 2.25} }}"
                + "|{{ '%.2f' % 2.675 }}|{{ '%s' % none }}|{{ '%s!' % 'x' }}|{{ 7 % 3 }}"))
                .isEqualTo("a and b|50%|1-002.2|2.67|None|x!|1");
        assertThatThrownBy(() -> render("{{ '%s %s' % 'x' }}")).isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("TypeError: not enough arguments for format string");
    }

    @Test
    void formatIsPythonsPercentFormatting() {
        // expected strings and errors produced by jinja2 3.1.6 through HF's environment (src/test/python)
        assertThat(render("{{ '%s, %5.2f, %-3d|%x'|format(true, 3.14159, 7, 255) }}|{{ '%r|%a'|format('\u00e9', '\u00e9') }}|{{ '%05d|%+d|% d|%-5d|'|format(42, 42, 42, 42) }}|{{ '%.3d|%5.1s|%c%c'|format(7, 'abc', 65, 'z') }}|{{ '%e|%E|%.2e|%.0e|%#.0e'|format(12345.678, 0.00012, 0.0, 1.5, 2.5) }}|{{ '%g|%g|%g|%g|%.3g|%#g|%G'|format(0.0001, 0.00001, 123456, 1234567, 3.14159, 1.0, 1e-10) }}|{{ '%f|%.2f|%.0f|%#.0f|%10.3f|%-10.1f|'|format(1.5, 2.675, 2.5, 3.0, -3.14159, 0.05) }}|{{ '%o|%#o|%#x|%#X|%X'|format(8, 8, 255, 255, 255) }}|{{ '%s|%s|%s|%s|%s'|format(none, [1, 'a'], {'k': true}, 1.0, 1e-05) }}"))
                .isEqualTo("True,  3.14, 7  |ff|'\u00e9'|'\\xe9'|00042|+42| 42|42   ||007|    a|Az|1.234568e+04|1.200000E-04|0.00e+00|2e+00|2.e+00|0.0001|1e-05|123456|1.23457e+06|3.14|1.00000|1E-10|1.500000|2.67|2|3.|    -3.142|0.1       ||10|0o10|0xff|0XFF|FF|None|[1, 'a']|{'k': True}|1.0|1e-05");
        assertThat(render("{{ '%(a)s-%(b)05.1f'|format(a='x', b=2.25) }}|{{ '%*d|%-*d|%.*f'|format(5, 3, 4, 2, 2, 3.14159) }}|{{ '%d|%i'|format(3.7, -3.7) }}|{{ '100%%'|format() }}|{{ '%f|%F|%e|%g'|format(1e400, -1e400, 1e400, 1e400) }}|{{ '%.1f|%.1f|%.1f'|format(0.25, 0.35, -0.05) }}|{{ '%g|%g'|format(100000, 1e6) }}|{{ '%.2g|%.10g'|format(0.000123456, 1.0/3) }}"))
                .isEqualTo("x-002.2|    3|2   |3.14|3|-3|100%|inf|-INF|inf|inf|0.2|0.3|-0.1|100000|1e+06|0.00012|0.3333333333");
        Map<String, String> failures = new LinkedHashMap<>();
        failures.put("{{ '%x'|format(3.5) }}", "TypeError: %x format: an integer is required, not float");
        failures.put("{{ '%d'|format('a') }}", "TypeError: %d format: a real number is required, not str");
        failures.put("{{ '%s %s'|format(1) }}", "TypeError: not enough arguments for format string");
        failures.put("{{ '%s'|format(1, 2) }}", "TypeError: not all arguments converted during string formatting");
        failures.put("{{ '%q'|format(1) }}", "ValueError: unsupported format character 'q' (0x71) at index 1");
        failures.put("{{ '%(a)s'|format(1) }}", "TypeError: format requires a mapping");
        failures.forEach((template, error) -> assertThatThrownBy(() -> render(template))
                .as(template)
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining(error));
    }

    @Test
    void sequenceFiltersGoThroughItemsAsALoopDoes() {
        // expected string and errors produced by jinja2 3.1.6 through HF's environment (src/test/python): a string's
        // characters and a map's keys are the items; integer sums stay integers; min, max and sort compare as Python
        assertThat(render("{{ [1,2,3]|sum }}|{{ [1,2.5]|sum }}|{{ [true,true]|sum }}|{{ [1,2]|sum(start=10) }}"
                + "|{{ [3,1,2]|max }}|{{ [3,1,2]|min }}|{{ ['b','A','c']|max }}|{{ ['b','A','c']|max(case_sensitive=true) }}"
                + "|{{ []|max }}|{{ [{'a':2},{'a':1}]|max(attribute='a') }}|{{ [{'a':2},{'a':1}]|sort(attribute='a')|map(attribute='a')|join }}|{{ ['b','A','c']|sort|join }}"
                + "|{{ ['b','A','c']|sort(case_sensitive=true)|join }}|{{ [3,1,2]|sort(reverse=true)|join }}|{{ [3,1,2]|sort(true)|join }}|{{ [{'a':1,'b':2},{'a':1,'b':1}]|sort(attribute='a,b')|map(attribute='b')|join }}"
                + "|{{ 'abc'|list }}|{{ {'a': 1}|list }}|{{ 'abc'|first }}|{{ 'abc'|last }}"
                + "|{{ {'a': 1, 'b': 2}|first }}|{{ {'a': 1, 'b': 2}|last }}|{{ []|first is defined }}|{{ [1, 2, 3]|batch(2)|list }}"
                + "|{{ [1, 2, 3]|batch(2, 'x')|list }}|{{ [1, 2, 3]|batch(2, fill_with=0)|list }}|{{ undefinedv|list }}|{{ undefinedv|first is defined }}"
                + "|{{ undefinedv|sum }}|{{ 'ab'|batch(1)|list }}|{{ range(3)|list }}|{{ messages|map(attribute='role')|first }}"
                + "|{{ [[2, 1], [1, 5]]|sort|first }}|{{ [1, 2]|list|length }}|{{ (messages|first).role }}",
                List.of(ChatMessage.user("U"), ChatMessage.assistant("A"))))
                .isEqualTo("6|3.5|2|13|3|1|c|c||{'a': 2}|12|Abc|Abc|321|321|12|['a', 'b', 'c']|['a']|a|c|a|b|False|[[1, 2], [3]]|[[1, 2], [3, 'x']]|[[1, 2], [3, 0]]|[]|False|0|[['a'], ['b']]|[0, 1, 2]|user|[1, 5]|2|user");
        Map<String, String> failures = new LinkedHashMap<>();
        failures.put("{{ [1, 'a']|sum }}", "TypeError: unsupported operand type(s) for +: 'int' and 'str'");
        failures.put("{{ [1, 'a']|max }}", "TypeError: '<' not supported between instances of 'str' and 'int'");
        failures.put("{{ tools|list }}", "TypeError: 'NoneType' object is not iterable");
        failures.put("{{ tools|first }}", "TypeError: 'NoneType' object is not iterable");
        failures.forEach((template, error) -> assertThatThrownBy(() -> render(template))
                .as(template)
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining(error));
    }

    @Test
    void stringsAreMeasuredIndexedAndSlicedByCodePoint() {
        // a character outside the BMP is one character, as in Python's str, and never split into a lone surrogate
        assertThat(render("{% set s = messages[0].content %}{{ s|length }}|{{ s|count }}|{{ s[6] }}|{{ s[-1] }}"
                + "|{{ s[-3:] }}|{{ s[::-1] }}|{{ s.find('ç') }}|{{ s.count('') }}|{{ (s|trim)[7:] }}|{{ s[:7]|length }}",
                List.of(ChatMessage.user("Salut \ud83d\udc4b ça va ? \ud83d\ude00"))))
                .isEqualTo("17|17|\ud83d\udc4b|\ud83d\ude00|? \ud83d\ude00|\ud83d\ude00 ? av aç \ud83d\udc4b tulaS|8|18| ça va ? \ud83d\ude00|7");
    }

    @Test
    void moduloAndRoundAreJinjasOnPython3() {
        // Python's % takes the sign of the divisor; round() rounds ties to even (on the exact binary value)
        assertThat(render("{{ -7 % 3 }}|{{ 7 % -3 }}|{{ 7 % 3 }}|{{ -7.5 % 2 }}|{{ 7.5 % -2 }}|{{ (messages|length - 5) % 3 }}")).isEqualTo("2|-2|1|0.5|-0.5|2");
        assertThat(render("{{ 2.5|round }}|{{ 3.5|round }}|{{ 2.675|round(2) }}|{{ 7|round }}|{{ 2.1|round(method='ceil') }}|{{ 2.19|round(1, 'floor') }}|{{ (-2.5)|round }}|{{ 1234.5|round(-2) }}"))
                .isEqualTo("2.0|4.0|2.67|7|3.0|2.1|-2.0|1200.0");
    }

    @Test
    void morePythonStringMethods() {
        assertThat(render("{% macro b(x) %}{{ 'T' if x else 'F' }}{% endmacro %}{{ messages[0].content.splitlines()|join('|') }}|{{ ''.splitlines()|length }}|{{ b('123'.isdigit()) }}{{ b('12a'.isdigit()) }}{{ b(''.isdigit()) }}{{ b('abc'.isalpha()) }}{{ b('ab1'.isalnum()) }}{{ b(' \\t'.isspace()) }}{{ b('ab1'.islower()) }}{{ b('AB'.isupper()) }}{{ b('Ab'.isupper()) }}|{{ 'ab'.center(7, '*') }}|{{ 'abc'.center(6) }}|{{ 'abc'.center(2) }}|[{{ messages[1].content.center(10) }}]",
                List.of(ChatMessage.user("a\nb\r\nc\u000bd\u2028e\n"), ChatMessage.user("Hello!"))))
                .isEqualTo("a|b|c|d|e|0|TFFTTTTTF|***ab**| abc  |abc|[  Hello!  ]");
    }

    /** The weather tool of the template tests below, with two parameters. */
    private static Map<String, Object> weatherTool() {
        return map("type", "function", "function", map("name", "get_weather",
                "description", "Get the weather in a city",
                "parameters", map("type", "object", "properties", map(
                        "city", map("type", "string", "description", "The city"),
                        "days", map("type", "integer", "description", "How many days")),
                        "required", List.of("city"))));
    }

    /**
     * Mistral-Small-3.1-24B-Instruct-2503's chat template (mistral-small-3.1-instruct.jinja, verbatim from llama.cpp's
     * models/templates/mistralai-Mistral-Small-3.1-24B-Instruct-2503.jinja, the model's tokenizer_config.json template)
     * continues string literals over lines with a backslash before the newline, which jinjava's scanner refused.
     * Expected strings produced by jinja2 3.1.6 through HF's environment (src/test/python/hf_chat_template.py).
     */
    @Test
    void mistralSmall31ContinuesStringLiteralsOverLines() {
        ChatTemplate t = ChatTemplate.compile(resource("mistral-small-3.1-instruct.jinja"),
                Map.of("bos_token", "<s>", "eos_token", "</s>"));
        assertThat(t.render(CONVERSATION, false)).isEqualTo("<s>[SYSTEM_PROMPT]You are a helpful assistant.[/SYSTEM_PROMPT]"
                + "[INST]Hello![/INST]Hi! How can I help?</s>[INST]What is 2+2?[/INST]");
        assertThat(t.render(CONVERSATION.subList(0, 2), true, Map.of("tools", List.of(weatherTool()))))
                .isEqualTo("<s>[SYSTEM_PROMPT]You are a helpful assistant that can call tools. If you call one or "
                        + "more tools, format them in a single JSON array or objects, where each object is a tool "
                        + "call, not as separate objects outside of an array or multiple arrays. Use the format "
                        + "[{\"name\": tool call name, \"arguments\": tool call arguments}, additional tool calls] "
                        + "if you call more than one tool. If you call tools, do not attempt to interpret them or "
                        + "otherwise provide a response until you receive a tool call result that you can interpret "
                        + "for the user.You are a helpful assistant.[/SYSTEM_PROMPT][AVAILABLE_TOOLS] [{\"type\": "
                        + "\"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Get the "
                        + "weather in a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": "
                        + "{\"type\": \"string\", \"description\": \"The city\"}, \"days\": {\"type\": \"integer\", "
                        + "\"description\": \"How many days\"}}, \"required\": "
                        + "[\"city\"]}}}][/AVAILABLE_TOOLS][INST]Hello![/INST]");
    }

    /**
     * Seed-OSS-36B-Instruct's chat template (seed-oss-instruct.jinja, verbatim from llama.cpp's
     * models/templates/ByteDance-Seed-OSS.jinja) puts indented comments between lines of text: jinjava's lstrip_blocks
     * also ate the blank lines around them. Expected strings produced by jinja2 3.1.6 through HF's environment.
     */
    @Test
    void seedOssKeepsTheTextAroundIndentedComments() {
        ChatTemplate t = ChatTemplate.compile(resource("seed-oss-instruct.jinja"), Map.of());
        assertThat(t.render(CONVERSATION.subList(0, 2), true, Map.of("tools", List.of(weatherTool()))))
                .isEqualTo("<seed:bos>system\n"
                        + "You are a helpful assistant.\n"
                        + "\n"
                        + "Function:\n"
                        + "def get_weather(city: str,days: int):\n"
                        + "    \"\"\"\n"
                        + "    Get the weather in a city\n"
                        + "\n"
                        + "    Args:\n"
                        + "    - city (str) [必填]: The city\n"
                        + "    - days (int) [选填]: How many days\n"
                        + "\n"
                        + "    \"\"\"\n"
                        + "工具调用请遵循如下格式:\n"
                        + "<seed:tool_call>\n"
                        + "<function=example_function_name>\n"
                        + "<parameter=example_parameter_1>value_1</parameter>\n"
                        + "<parameter=example_parameter_2>This is the value for the second parameter\n"
                        + "that can span\n"
                        + "multiple lines</parameter>\n"
                        + "</function>\n"
                        + "</seed:tool_call>\n"
                        + "<seed:eos><seed:bos>user\n"
                        + "Hello!<seed:eos><seed:bos>assistant\n");
        assertThat(t.render(CONVERSATION, false)).isEqualTo("<seed:bos>system\n"
                + "You are a helpful assistant.<seed:eos><seed:bos>user\n"
                + "Hello!<seed:eos><seed:bos>assistant\n"
                + "Hi! How can I help?<seed:eos><seed:bos>user\n"
                + "What is 2+2?<seed:eos>");
    }

    // ------------------------------------------------------------------ sandbox

    @Test
    void javaMethodsAreNotReachable() {
        for (String expression : List.of("'x'.getClass()", "messages.getClass()", "messages[0].getClass()",
                "''.getClass().forName('java.lang.Runtime')", "messages[0].hashCode()", "'x'.getBytes()",
                "messages.add('x')")) {
            assertThatThrownBy(() -> render("{{ " + expression + " }}"))
                    .as(expression)
                    .isInstanceOf(ChatTemplateException.class)
                    .hasMessageContaining("is not available on a");
        }
        assertThatThrownBy(() -> render("{% for m in messages %}{{ loop.getClass() }}{% endfor %}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("getClass() is not available");
        // jinjava's hidden interpreter variable gives no access either
        assertThatThrownBy(() -> render("{{ ____int3rpr3t3r____.getContext() }}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("getContext() is not available");
        assertThat(render("[{{ ____int3rpr3t3r____.config }}{{ 'x' | attr('class') }}{{ messages | attr('class') }}]"))
                .isEqualTo("[]");
        // bean-style properties are plain (missing) map keys, not getters
        assertThat(render("[{{ messages[0].class }}{{ messages.class }}{{ 'x'.class }}{{ loop.class }}]")).isEqualTo("[]");
    }

    @Test
    void filesAndOtherTemplatesAreNotReachable() {
        for (String template : List.of("{% include '/etc/passwd' %}", "{% import 'macros.j2' as m %}",
                "{% from 'macros.j2' import f %}", "{% extends 'base.j2' %}")) {
            assertThatThrownBy(() -> render(template)).as(template)
                    .isInstanceOf(ChatTemplateException.class).hasMessageContaining("disabled");
        }
        assertThatThrownBy(() -> render("{{ '{{ 7 * 7 }}' | render }}"))
                .isInstanceOf(ChatTemplateException.class);
    }

    @Test
    @Timeout(60)
    void endlessLoopsHitTheTimeLimit() {
        // each step scans a million characters and allocates little: the time limit comes first
        String slow = "{% set s = 'x' | center(1000000) %}{% for i in range(1000) %}{% for j in range(1000) %}"
                + "{% set n = s.count('y') %}{% endfor %}{% endfor %}";
        assertThatThrownBy(() -> render(slow))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("chat template rendering exceeded the time limit of 2000 ms");
        // a billion quick steps: jinjava allocates for each node, so whichever budget runs out first stops it
        String quick = "{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}"
                + "{% set x = i %}{% endfor %}{% endfor %}{% endfor %}";
        assertThatThrownBy(() -> render(quick))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageMatching("chat template rendering exceeded the (time limit of 2000 ms"
                        + "|allocation budget of 268435456 bytes \\(256 MiB\\))");
    }

    @Test
    void hugeOutputHitsTheSizeLimit() {
        // 1000 * 1000 * 10 characters = 10 MB > 1 MiB
        String template = "{% for i in range(1000) %}{% for j in range(1000) %}0123456789{% endfor %}{% endfor %}";
        assertThatThrownBy(() -> render(template))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("output exceeds the limit of 1048576");
        // string doubling is bounded too
        assertThatThrownBy(() -> render("{% set s = 'x' %}{% for i in range(40) %}{% set s = s ~ s %}{% endfor %}{{ s | length }}"))
                .isInstanceOf(ChatTemplateException.class);
    }

    @Test
    @Timeout(60)
    void filtersAndMethodsRefuseHugeResultsBeforeBuildingThem() {
        // each would build 10^8 to 10^9 characters (or items) from a few characters of template; refused up front
        String big = "{% set s = 'x' | center(1000000) %}";
        Map<String, String> abuses = new LinkedHashMap<>();
        abuses.put("{{ '%0999999999d' | format(1) | length }}", "filter format");
        abuses.put("{{ '%.999999999f' | format(1.5) | length }}", "filter format");
        abuses.put(big + "{{ '%s%s%s' | format(s, s, s) | length }}", "filter format");
        abuses.put("{{ 'x' | center(300000000) | length }}", "filter center(300000000)");
        abuses.put("{{ 'a\\nb' | indent(100000000) | length }}", "filter indent(100000000)");
        abuses.put("{{ [1] | batch(100000000, 'x') | first | length }}", "filter batch would build a list of 100000000 items, more than the limit of 100000");
        abuses.put(big + "{{ range(1000) | join(s) | length }}", "filter join");
        abuses.put("{% set s = 'x' | center(30000) %}{{ s | replace(' ', s) | length }}", "filter replace");
        abuses.put("{% set s = 'x' | center(2000) %}{{ s.replace(' ', s) | length }}", "replace()");
        abuses.put(big + "{{ s.join(['a', 'b', 'c']) | length }}", "join()");
        abuses.put("{{ [[[[1]]]] | tojson(indent=100000000) | length }}", "filter tojson");
        // a list holding one long string many times is refused where it would be written out
        abuses.put(big + "{% set l = [s, s, s] %}{{ l | string | length }}", "filter string on its input");
        abuses.put(big + "{% set d = {'a': s, 'b': s} %}{{ d | xmlattr | length }}", "filter xmlattr on its input");
        abuses.put(big + "{% set l = [s, s] %}{{ l | tojson | length }}", "filter tojson on its input");
        abuses.forEach((template, problem) -> assertThatThrownBy(() -> render(template))
                .as(template)
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining(problem)
                .hasMessageContaining("more than the limit of"));
        // the limit is the output limit: a string of exactly that many characters is fine
        assertThat(render("{{ 'x' | center(" + ChatTemplate.MAX_OUTPUT_CHARS + ") | length }}"))
                .isEqualTo(Integer.toString(ChatTemplate.MAX_OUTPUT_CHARS));
    }

    @Test
    @Timeout(60)
    void manyStringsEachUnderTheLimitHitTheAllocationBudget() {
        org.junit.jupiter.api.Assumptions.assumeTrue(RenderBudget.countsAllocation(), "HotSpot allocation counter");
        // each string is under the string limit, together they would hold 0.3 to 1 GB: refused once the render has
        // allocated 256 MiB (checked around every filter call, conversion, lookup and node)
        String s = "{% set s = 'x' | center(1000000) %}";
        StringBuilder literal = new StringBuilder("[");
        for (int i = 0; i < 300; i++) {
            literal.append(i == 0 ? "" : ", ").append("s ~ '").append(i).append("'");
        }
        for (String template : List.of(
                "{{ range(1000) | map('center', 1000000) | list | length }}",
                s + "{{ range(1000) | map('string') | map('center', 1000000) | list | length }}",
                s + "{{ " + literal + "] | length }}",
                s + "{% set ns = namespace(l=[]) %}{% for i in range(1000) %}{% set ns.l = ns.l + [s ~ i] %}{% endfor %}"
                        + "{{ ns.l | length }}")) {
            assertThatThrownBy(() -> render(template))
                    .as(template)
                    .isInstanceOf(ChatTemplateException.class)
                    .hasMessage("chat template rendering exceeded the allocation budget of "
                            + ChatTemplate.MAX_RENDER_ALLOCATED_BYTES + " bytes (256 MiB)");
        }
    }

    @Test
    @Timeout(60)
    void structuresTooLongToWriteOutAreRefusedBeforeTheyAreWritten() {
        // 300 references to one string of 10^6 characters: 3 * 10^8 characters once written out. Every path that
        // writes a value out as text checks its size first (and stops counting past the limit).
        String big = "{% set s = 'x' | center(1000000) %}{% set l = [s, s, s, s, s, s, s, s, s, s] %}"
                + "{% set l = l + l + l + l + l + l + l + l + l + l %}{% set l = l + l + l %}{% set d = {'a': l} %}";
        Map<String, String> abuses = new LinkedHashMap<>();
        abuses.put("{{ l }}", "printing a list");
        abuses.put("{{ d }}", "printing a mapping");
        abuses.put("{{ {'a': l} }}", "printing a mapping");
        abuses.put("{% set x %}{{ l }}{% endset %}{{ x | length }}", "printing a list");
        abuses.put("{% macro m(x) %}{{ x }}{% endmacro %}{{ m(l) }}", "printing a list");
        abuses.put("{% set ns = namespace(l=[]) %}{% for i in range(300) %}{% set ns.l = ns.l + [s] %}{% endfor %}"
                + "{{ ns.l }}", "printing a list");
        abuses.put("{{ d.items() }}", "printing a list");
        abuses.put("{{ '' ~ l }}", "converting a list to a string");
        abuses.put("{{ '' ~ [l] }}", "converting a list to a string");
        abuses.put("{{ '' ~ d }}", "converting a mapping to a string");
        abuses.put("{{ l * 3 }}", "converting a list to Long");
        abuses.put("{{ strftime_now(l) }}", "converting a list to a string");
        abuses.put("{{ s + s }}", "'+' with a string");
        abuses.put("{{ l in 'abc' }}", "'in' on a string");
        abuses.put("{{ l not in 'abc' }}", "'not in' on a string");
        abuses.put("{{ 'x' is string_containing l }}", "test string_containing on its argument");
        abuses.put("{{ d[l] }}", "a subscript");
        abuses.put("{{ {l: 1} | length }}", "a dict key");
        abuses.put("{{ l | string }}", "filter string on its input");
        abuses.put("{{ l | int }}", "filter int on its input");
        abuses.put("{{ raise_exception(l) }}", "raise_exception");
        abuses.forEach((template, problem) -> assertThatThrownBy(() -> render(big + template))
                .as(template)
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining(problem)
                .hasMessageContaining("more than the limit of " + ChatTemplate.MAX_OUTPUT_CHARS));
        // Python's == compares a list with a string, and + refuses to add them, without writing either out
        assertThat(render(big + "{{ l == s }}")).isEqualTo("False");
        assertThatThrownBy(() -> render(big + "{{ 'x' + l }}")).isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("TypeError: can only concatenate str (not \"list\") to str");
        // jinjava's own print tag (not Jinja's) is disabled; a loop printing the items hits the output limit
        assertThatThrownBy(() -> render(big + "{% print l %}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("'print' is disabled");
        assertThatThrownBy(() -> render(big + "{% for x in l %}{{ x }}{% endfor %}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("output exceeds the limit of 1048576");
        // small structures print as Python's str (jinja2 3.1.6, apart from the jinjava-only test string_containing);
        // a name that is not an index of a list is undefined, as in Jinja
        assertThat(render("{% set l = ['a', 'b'] %}{{ l }}|{{ '' ~ l }}|{{ {'k': l} }}|{{ 'a' in 'abc' }}|{{ 'x' + 'y' }}"
                + "|{{ {'k': 1}['k'] }}|[{{ l.foo }}{{ l['foo'] }}]|{{ l[-1] }}|{{ 'b' is string_containing 'b' }}"))
                .isEqualTo("['a', 'b']|['a', 'b']|{'k': ['a', 'b']}|True|xy|1|[]|b|True");
    }

    @Test
    void boundedFiltersRenderLikeJinja() {
        // Jinja2: '%05d'|format(42) '00042', '%s-%s'|format('a', 3) 'a-3', '%.2f'|format(3.14159) '3.14'
        assertThat(render("{{ '%05d' | format(42) }}|{{ '%s-%s' | format('a', 3) }}|{{ '%.2f' | format(3.14159) }}"))
                .isEqualTo("00042|a-3|3.14");
        // 'ab'|center(6) '  ab  '; 'a\nb'|indent(2) 'a\n  b'; [1, 2, 3]|batch(2, 'x') [[1, 2], [3, 'x']]
        assertThat(render("[{{ 'ab' | center(6) }}][{{ 'a\\nb' | indent(2) }}]"
                + "{% for row in [1, 2, 3] | batch(2, 'x') %}{{ row | join(',') }};{% endfor %}"))
                .isEqualTo("[  ab  ][a\n  b]1,2;3,x;");
        assertThat(render("{{ 'a-b-c' | replace('-', '+') }}|{{ 'aaa' | replace('a', 'b', 2) }}|{{ [1, 2, 3] | join('|') }}"
                + "|{{ 'a-b'.replace('-', '') }}|{{ ', '.join(['x', 'y']) }}|{{ messages | map(attribute='role') | join(',') }}"))
                .isEqualTo("a+b+c|bba|1|2|3|ab|x, y|system,user,assistant,user");
        assertThat(render("{{ [1, {'a': 'b'}] | tojson(indent=2) }}")).isEqualTo("[\n  1,\n  {\n    \"a\": \"b\"\n  }\n]");
    }

    @Test
    @Timeout(60)
    void pathologicalSourcesAreRejectedQuickly() {
        // jinjava's expression parser needs minutes for 20000 nested parentheses: refused before parsing
        String parens = "{{ " + "(".repeat(20_000) + "1" + ")".repeat(20_000) + " }}";
        assertThatThrownBy(() -> ChatTemplate.compile(parens, Map.of()))
                .isInstanceOf(ChatTemplateException.class).hasMessage("chat template nests brackets more than 64 deep (line 1)");
        // checkSize does not know comments: a quote in a comment made it skip the real expression after it, and
        // jinjava then spent 20 s (5000 parentheses) to 74 s (10000) parsing it, outside the render time limit
        String hidden = "{# {{ ' #}{{ " + "(".repeat(5_000) + "1" + ")".repeat(5_000) + " }}{# ' }} #}";
        assertThatThrownBy(() -> ChatTemplate.compile(hidden, Map.of()))
                .isInstanceOf(ChatTemplateException.class).hasMessage("chat template nests brackets more than 64 deep (line 1)");
        String hiddenBlock = "{# {% ' #}\n{% if " + "(".repeat(5_000) + "1" + ")".repeat(5_000) + " %}x{% endif %}{# ' %} #}";
        assertThatThrownBy(() -> ChatTemplate.compile(hiddenBlock, Map.of()))
                .isInstanceOf(ChatTemplateException.class).hasMessage("chat template nests brackets more than 64 deep (line 2)");
        // brackets in plain text, string literals, comments and raw blocks do not count (jinja2 renders these)
        assertThat(render("[[[[" + "[".repeat(100) + "{{ '((((' + '[[' * 0 if false else '(((' }}")).startsWith("[[[[");
        assertThat(render("{# " + "(".repeat(100) + " #}ok{% raw %}" + "[".repeat(100) + "{{ x }}{% endraw %}"))
                .isEqualTo("ok" + "[".repeat(100) + "{{ x }}");
        assertThatThrownBy(() -> ChatTemplate.compile("x".repeat(ChatTemplate.MAX_TEMPLATE_CHARS + 1), Map.of()))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("more than the limit of 262144");
    }

    @Test
    void unterminatedRawTagsAreSyntaxErrors() {
        // the source ends inside a raw or endraw tag: JinjaLexer read one character past the end and failed with a
        // StringIndexOutOfBoundsException (jinja2: a TemplateSyntaxError; jinjava may also take the rest as text)
        for (String t : List.of("{% raw", "{%raw\n", "{% raw   ", "{% raw %}abc{% endraw", "{% raw %}abc{% endraw  ")) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> ChatTemplate.compile(t, Map.of()));
            if (thrown != null) {
                assertThat(thrown).as(t).isInstanceOf(ChatTemplateException.class);
            }
        }
    }

    @Test
    void malformedTagTokensAreChatTemplateExceptions() {
        // jinjava's scanner throws TemplateSyntaxException ("Malformed tag token") for '{%}' out of parse()
        for (String t : List.of("{%}", "x{%}}}{ \n}%\nin")) {
            assertThatThrownBy(() -> ChatTemplate.compile(t, Map.of()))
                    .as(t).isInstanceOf(ChatTemplateException.class).hasMessageContaining("Malformed tag token");
        }
    }

    @Test
    void blocksNestedDeeperThanTheStackFailCleanly() throws InterruptedException {
        // 9000 nested ifs (216 kB of source) on a thread with a 256 kB stack: a StackOverflowError inside jinjava
        // becomes a ChatTemplateException
        String ifs = "{% if true %}".repeat(9_000) + "x" + "{% endif %}".repeat(9_000);
        Throwable[] thrown = new Throwable[1];
        Thread small = new Thread(null, () -> {
            try {
                ChatTemplate.compile(ifs, Map.of()).render(CONVERSATION, false);
            } catch (Throwable t) {
                thrown[0] = t;
            }
        }, "small-stack", 256 * 1024);
        small.start();
        small.join();
        assertThat(thrown[0]).isInstanceOf(ChatTemplateException.class).hasMessageContaining("too deeply");
    }

    @Test
    void macrosMayRecurseToABoundedDepth() {
        // jinja2 3.1.6: "3,2,1,0"
        assertThat(render("{% macro f(n) %}{{ n }}{% if n > 0 %},{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(3) }}"))
                .isEqualTo("3,2,1,0");
        assertThatThrownBy(() -> render("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}"))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("recursion limit of 32").hasMessageContaining("'f'");
        // doubling at every level: bounded by the render budgets, not the depth
        assertThatThrownBy(() -> render("{% macro f(n) %}{% if n < 30 %}{{ f(n + 1) }}{{ f(n + 1) }}{% else %}x"
                + "{% endif %}{% endmacro %}{{ f(0) }}"))
                .isInstanceOf(ChatTemplateException.class);
    }

    @Test
    void theSameTemplateRendersConcurrently() throws Exception {
        ChatTemplate t = llama3();
        String expected = t.render(CONVERSATION, true);
        List<Thread> threads = new ArrayList<>();
        List<String> outputs = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 4; i++) {
            Thread thread = new Thread(() -> {
                for (int j = 0; j < 25; j++) {
                    outputs.add(t.render(CONVERSATION, true));
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(outputs).hasSize(100).containsOnly(expected);
    }

    /**
     * Hermes-3's tool_use chat template (excerpt; NousResearch/Hermes-3-Llama-3.1-8B tokenizer_config.json,
     * {@code chat_template} named {@code tool_use}) walks each tool's parameters with Jinja 3.1's {@code items}
     * filter, which jinjava lacks: the loops ran zero times, dropping every parameter from the tool description.
     */
    private static final String HERMES3_TOOL_EXCERPT = "{%- macro json_to_python_type(json_spec) %}\n"
            + "{%- set basic_type_map = {\n"
            + "    \"string\": \"str\",\n"
            + "    \"number\": \"float\",\n"
            + "    \"integer\": \"int\",\n"
            + "    \"boolean\": \"bool\"\n"
            + "} %}\n"
            + "\n"
            + "{%- if basic_type_map[json_spec.type] is defined %}\n"
            + "    {{- basic_type_map[json_spec.type] }}\n"
            + "{%- else %}\n"
            + "    {{- \"Any\" }}\n"
            + "{%- endif %}\n"
            + "{%- endmacro %}\n"
            + "{%- for tool in tools %}\n"
            + "    {%- if tool.function is defined %}\n"
            + "        {%- set tool = tool.function %}\n"
            + "    {%- endif %}\n"
            + "    {{- '\"description\": \"' + tool.name + '(' }}\n"
            + "    {%- for param_name, param_fields in tool.parameters.properties|items %}\n"
            + "        {{- param_name + \": \" + json_to_python_type(param_fields) }}\n"
            + "        {%- if not loop.last %}\n"
            + "            {{- \", \" }}\n"
            + "        {%- endif %}\n"
            + "    {%- endfor %}\n"
            + "    {{- \")\" }}\n"
            + "    {{- \" - \" + tool.description + \"\\n\\n\" }}\n"
            + "    {%- for param_name, param_fields in tool.parameters.properties|items %}\n"
            + "        {%- if loop.first %}\n"
            + "            {{- \"    Args:\\n\" }}\n"
            + "        {%- endif %}\n"
            + "        {{- \"        \" + param_name + \"(\" + json_to_python_type(param_fields) + \"): \" + param_fields.description|trim }}\n"
            + "    {%- endfor %}\n"
            + "{%- endfor %}\n";

    @Test
    void theItemsFilterWalksAToolsParametersAsInHermes3() {
        Map<String, Object> tool = map("type", "function", "function", map("name", "get_weather",
                "description", "Get the weather",
                "parameters", map("type", "object", "properties", map(
                        "city", map("type", "string", "description", " The city "),
                        "days", map("type", "integer", "description", "How many days"),
                        "units", map("type", "object", "description", "Units")),
                        "required", List.of("city"))));
        // produced by jinja2 3.1.6 through HF's environment
        assertThat(ChatTemplate.compile(HERMES3_TOOL_EXCERPT, Map.of())
                .render(List.of(), false, Map.of("tools", List.of(tool))))
                .isEqualTo("\"description\": \"get_weather(city: str, days: int, units: Any) - Get the weather\n\n"
                        + "    Args:\n        city(str): The city        days(int): How many days        units(Any): Units");
        // jinja2 3.1.6: an undefined value has no items; anything but a mapping is an error
        assertThat(render("{{ nothing|items|list }}|{% for k, v in {'a': 1, 'b': [2]}|items %}{{ k }}={{ v }};{% endfor %}"))
                .isEqualTo("[]|a=1;b=[2];");
        assertThatThrownBy(() -> render("{{ 'abc'|items|list }}"))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("Can only get item pairs from a mapping.");
    }

    private static final List<ChatMessage> LOOP_CONVERSATION = List.of(ChatMessage.system("S"),
            ChatMessage.user("U1"), ChatMessage.assistant("A1"), ChatMessage.user("U2"));

    // loop.previtem / loop.nextitem: the expected strings below were produced by jinja2 3.1.6 through HF's
    // environment (ImmutableSandboxedEnvironment with trim_blocks, lstrip_blocks; src/test/python/hf_chat_template.py)

    @Test
    void loopPrevitemAndNextitemAreTheNeighboursOfTheCurrentItem() {
        assertThat(render("{% for m in messages %}{{ loop.index }}:{% if loop.previtem is defined %}{{ loop.previtem.content }}{% else %}-{% endif %}<{{ m.content }}>{% if loop.nextitem is defined %}{{ loop.nextitem.content }}{% else %}-{% endif %}|{{ loop.previtem is defined }},{{ loop.nextitem is undefined }},{{ loop.previtem is none }};{% endfor %}", LOOP_CONVERSATION))
                .isEqualTo("1:-<S>U1|False,False,False;2:S<U1>A1|True,False,False;3:U1<A1>U2|True,False,False;4:A1<U2>-|True,True,False;");
        // an item that is none is defined, as in Jinja
        assertThat(render("{% for x in [none, 1] %}{{ loop.previtem is defined }}{{ loop.previtem is none }}"
                + "{{ loop.nextitem is defined }}{{ loop.nextitem is none }};{% endfor %}"))
                .isEqualTo("FalseFalseTrueFalse;TrueTrueFalseFalse;");
    }

    @Test
    void loopPrevitemAndNextitemSkipItemsTheLoopFilterDrops() {
        assertThat(render("{% for m in messages if m.role != 'system' %}{{ loop.index }}/{{ loop.length }}{{ loop.first }}{{ loop.last }}:{% if loop.previtem is defined %}{{ loop.previtem.content }}{% else %}-{% endif %}<{{ m.content }}>{% if loop.nextitem is defined %}{{ loop.nextitem.content }}{% else %}-{% endif %}{{ loop.cycle('a', 'b') }};{% endfor %}", LOOP_CONVERSATION))
                .isEqualTo("1/3TrueFalse:-<U1>A1a;2/3FalseFalse:U1<A1>U2b;3/3FalseTrue:A1<U2>-a;");
        assertThat(render("{% for m in messages if m.role == 'tool' %}{{ m.content }}{% endfor %}|{% for n in [1, 2, 3, 4, 5] if n is odd %}{{ loop.previtem }}<{{ n }}>{{ loop.nextitem }}{{ loop.revindex }};{% endfor %}", LOOP_CONVERSATION))
                .isEqualTo("|<1>33;1<3>52;3<5>1;");
    }

    @Test
    void loopPrevitemAndNextitemBelongToTheInnermostLoop() {
        assertThat(render("{% for m in messages %}{{ loop.previtem.role if loop.previtem }}>{{ m.role }}[{% for c in ['x', 'y', 'z'] %}{{ loop.previtem }}{{ c }}{{ loop.nextitem }}{{ loop.depth }},{% endfor %}]{{ loop.nextitem.role if loop.nextitem }}{{ loop.depth }};{% endfor %}", LOOP_CONVERSATION))
                .isEqualTo(">system[xy1,xyz1,yz1,]user1;system>user[xy1,xyz1,yz1,]assistant1;user>assistant[xy1,xyz1,yz1,]user1;assistant>user[xy1,xyz1,yz1,]1;");
    }

    private static final String HERMES3_TOOL_RESPONSE_EXCERPT = "{%- for message in messages %}\n"
            + "    {%- if message.role == \"tool\" %}\n"
            + "        {%- if loop.previtem and loop.previtem.role != \"tool\" %}\n"
            + "            {{- '<|im_start|>tool\\n' }}\n"
            + "        {%- endif %}\n"
            + "        {{- '<tool_response>\\n' }}\n"
            + "        {{- message.content }}\n"
            + "        {%- if not loop.last %}\n"
            + "            {{- '\\n</tool_response>\\n' }}\n"
            + "        {%- else %}\n"
            + "            {{- '\\n</tool_response>' }}\n"
            + "        {%- endif %}\n"
            + "        {%- if not loop.last and loop.nextitem.role != \"tool\" %}\n"
            + "            {{- '<|im_end|>' }}\n"
            + "        {%- elif loop.last %}\n"
            + "            {{- '<|im_end|>' }}\n"
            + "        {%- endif %}\n"
            + "    {%- else %}\n"
            + "        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}\n"
            + "    {%- endif %}\n"
            + "{%- endfor %}\n";

    @Test
    void hermes3OpensOneToolTurnForConsecutiveToolResponses() {
        List<ChatMessage> messages = List.of(ChatMessage.system("S"), ChatMessage.user("Q"),
                ChatMessage.assistant("<tool_call>x</tool_call>"), new ChatMessage("tool", "R1"),
                new ChatMessage("tool", "R2"), ChatMessage.assistant("A"), new ChatMessage("tool", "R3"));
        assertThat(render(HERMES3_TOOL_RESPONSE_EXCERPT, messages))
                .isEqualTo("<|im_start|>system\n"
                        + "S<|im_end|>\n"
                        + "<|im_start|>user\n"
                        + "Q<|im_end|>\n"
                        + "<|im_start|>assistant\n"
                        + "<tool_call>x</tool_call><|im_end|>\n"
                        + "<|im_start|>tool\n"
                        + "<tool_response>\n"
                        + "R1\n"
                        + "</tool_response>\n"
                        + "<tool_response>\n"
                        + "R2\n"
                        + "</tool_response>\n"
                        + "<|im_end|><|im_start|>assistant\n"
                        + "A<|im_end|>\n"
                        + "<|im_start|>tool\n"
                        + "<tool_response>\n"
                        + "R3\n"
                        + "</tool_response><|im_end|>");
    }

    // for-else, strings, none and unpacking in loops: expected strings and errors produced by jinja2 3.1.6 through
    // HF's environment with src/test/python/hf_chat_template.py

    @Test
    void aLoopsElseBranchRendersWhenNoIterationRanItsBodyToTheEnd() {
        // after zero iterations (also when a loop filter drops every item, or over undefined), in a scope of its
        // own; and, as Jinja compiles it, when every iteration ended in continue or break
        assertThat(render("{% for m in messages if m.role == 'tool' %}{{ m.content }}{% else %}no tool results{% endfor %}"
                + "|{% for x in [] %}{% else %}{% set y = 1 %}[{{ y }}]{% endfor %}[{{ y }}]"
                + "|{% for x in [1, 2] %}{% if x == 1 %}a{% else %}b{% endif %}{% else %}E{% endfor %}"
                + "|{% for x in [1, 2] %}{% continue %}{% else %}C{% endfor %}"
                + "|{% for x in [1, 2] %}{% if x == 2 %}{% break %}{% endif %}{% else %}B{% endfor %}"
                + "|{% for x in undefinedvar %}{% else %}U{% endfor %}|{% for k in {} %}{% else %}D{% endfor %}"
                + "|{% for m in messages %}{% for x in [] %}{% else %}{{ loop.index }}{% endfor %}{% endfor %}",
                List.of(ChatMessage.system("S"), ChatMessage.user("U"))))
                .isEqualTo("no tool results|[1][]|ab|C||U|D|12");
    }

    @Test
    void continueAndBreakInsideAnIfSkipTheRestOfIt() {
        assertThat(render("{% for m in messages %}{% if m.role == 'system' %}{% continue %}{{ 'skipped' }}{% endif %}"
                + "{{ m.role }};{% if loop.index == 2 %}{% break %}after{% endif %}{% endfor %}"))
                .isEqualTo("user;");
    }

    @Test
    void loopsGoThroughAStringsCharactersAndUnpackAsPython() {
        assertThat(render("{% for c in messages[0].content %}{{ c }}{{ loop.index }}/{{ loop.length }};{% endfor %}"
                + "|{% for c in 'abc' if c != 'b' %}{{ c }}{{ loop.last }}{% endfor %}"
                + "|{% for a, b in ['xy', [1, 2]] %}{{ a }}={{ b }};{% endfor %}"
                + "|{% for k, v in {'a': 1}.items() %}{{ k }}{{ v }}{% endfor %}",
                List.of(ChatMessage.user("a\ud83d\ude00\u00e9"))))
                .isEqualTo("a1/3;\ud83d\ude002/3;\u00e93/3;|aFalsecTrue|x=y;1=2;|a1");
    }

    @Test
    void loopingOverNoneOrANumberFailsAsInJinja() {
        // HF passes tools=None when no tools are given: a template that loops over them unguarded fails in HF too
        Map<String, String> failures = new LinkedHashMap<>();
        failures.put("{% for t in tools %}{{ t }}{% endfor %}", "TypeError: 'NoneType' object is not iterable (line 1)");
        failures.put("\n{% for x in 5 %}{% endfor %}", "TypeError: 'int' object is not iterable (line 2)");
        failures.put("{% for a, b in ['abc'] %}{% endfor %}", "ValueError: too many values to unpack (expected 2)");
        failures.put("{% for a, b in ['a'] %}{% endfor %}", "ValueError: not enough values to unpack (expected 2, got 1)");
        failures.put("{% for a, b in [1] %}{% endfor %}", "TypeError: cannot unpack non-iterable int object");
        failures.forEach((template, error) -> assertThatThrownBy(() -> render(template))
                .as(template)
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("chat template failed: " + error));
    }

    @Test
    void aMessageReadingFalseIsTrueAsAnyNonEmptyString() {
        // jinjava took the string "false" (any case) as false: {% if m.content %} dropped such a message
        assertThat(render("{% for m in messages %}{% if m.content %}{{ m.content }}{% else %}(empty){% endif %};{% endfor %}"
                + "|{% for m in messages if m.content %}{{ m.content }}{% endfor %}"
                + "|{{ messages|selectattr('content')|list|length }}|{{ 'T' if 'false' else 'F' }}|{{ not 'False' }}"
                + "|{{ 'false' or 'y' }}|{{ 'false'|default('d', true) }}",
                List.of(ChatMessage.user("False"), ChatMessage.assistant(""), ChatMessage.user("false"))))
                .isEqualTo("False;(empty);false;|Falsefalse|2|T|False|false|false");
        // and / or give one of their operands
        assertThat(render("{{ 0 and 1 }}|{{ 1 and 0 }}|{{ [] and 'x' }}|{{ 'a' and 'b' and 'c' }}|{{ 1 or 2 }}"
                + "|[{{ 0 or '' }}]|{{ 0.0 or 'z' }}|{{ 'x' if [] else 'y' }}|{{ 'x' if {} else 'y' }}|{% if 0.0 %}T{% endif %}"))
                .isEqualTo("0|0|[]|c|1|[]|z|y|y|");
    }

    @Test
    void equalityIsPythons() {
        // expected string produced by jinja2 3.1.6 through HF's environment: no conversion between strings, numbers
        // and none; booleans are integers; lists and maps compare item by item
        assertThat(render("{{ '1' == 1 }}|{{ none == false }}|{{ 0 == false }}|{{ 1 == true }}|{{ 1 == 1.0 }}"
                + "|{{ 2 == 2.5 }}|{{ 'a' == 'a' }}|{{ [1, 'a'] == [1.0, 'a'] }}|{{ {'a': 1} == {'a': true} }}"
                + "|{{ none == none }}|{{ undefinedv == none }}|{{ undefinedv == undefinedv }}|{{ undefinedv != 1 }}"
                + "|{{ messages[0] == messages[0] }}|{{ messages[0] == {'role': 'user', 'content': 'U'} }}"
                + "|{{ 'None' == none }}|{{ tools == none }}|{{ tools != none }}|{{ 1 != '1' }}|{{ [1] != [1, 2] }}"
                + "|{{ (1 == 1) == true }}|{{ 'a'|safe == 'a' }}|{{ messages[0].role != 'user' }}",
                List.of(ChatMessage.user("U"))))
                .isEqualTo("False|False|True|True|True|False|True|True|True|True|False|True|True|True|True|False|True"
                        + "|False|True|True|True|True|False");
    }

    @Test
    void plusIsPythons() {
        // expected string and errors produced by jinja2 3.1.6 through HF's environment (src/test/python)
        assertThat(render("{{ 'a' + 'b' }}|{{ 1 + 2 }}|{{ 1 + 2.5 }}|{{ [1] + [2, 3] }}|{{ true + 1 }}|{{ 1.5 + true }}"
                + "|{{ ('x'|safe) + 'y' }}|{{ 'x' + ('y'|safe) }}|{{ messages|length + 1 }}"))
                .isEqualTo("ab|3|3.5|[1, 2, 3]|2|2.5|xy|xy|5");
        Map<String, String> failures = new LinkedHashMap<>();
        failures.put("{{ 'a' + none }}", "TypeError: can only concatenate str (not \"NoneType\") to str");
        failures.put("{{ 'a' + {'k': 1} }}", "TypeError: can only concatenate str (not \"dict\") to str");
        failures.put("{{ 'a' + 1 }}", "TypeError: can only concatenate str (not \"int\") to str");
        failures.put("{{ 1 + 'a' }}", "TypeError: unsupported operand type(s) for +: 'int' and 'str'");
        failures.put("{{ [1] + 2 }}", "TypeError: can only concatenate list (not \"int\") to list");
        failures.put("{{ {'a': 1} + {'b': 2} }}", "TypeError: unsupported operand type(s) for +: 'dict' and 'dict'");
        failures.put("{{ none + 1 }}", "TypeError: unsupported operand type(s) for +: 'NoneType' and 'int'");
        failures.put("{{ 'a' + undefinedv }}", "UndefinedError");
        failures.forEach((template, error) -> assertThatThrownBy(() -> render(template))
                .as(template)
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining(error));
    }

    @Test
    void defaultKeepsTheTypeOfItsValue() {
        // jinjava's default wrote its value out as a string: x|default(false) was "false", x|default(0) + 1 failed
        assertThat(render("{{ x|default(false) }}|{{ x|default(0) + 1 }}|{% if x|default(false) %}T{% else %}F{% endif %}"
                + "|{{ x|d('a') }}|[{{ x|default }}]|{{ ''|default('e') }}|{{ 0|default(5, true) }}"
                + "|{{ x|default(default_value=[1]) }}|{{ 0|default(boolean=true, default_value=2) }}"))
                .isEqualTo("False|1|F|a|[]||5|[1]|2");
    }

    @Test
    void loopNextitemReadsALazySequenceAtMostOneItemAhead() {
        List<Long> pulled = new ArrayList<>();
        java.util.Iterator<Long> lazy = java.util.stream.LongStream.range(0, 1_000_000_000L)
                .peek(pulled::add).iterator();
        LoopTag.Lookahead items = new LoopTag.Lookahead(lazy, null);
        assertThat(items.next()).isEqualTo(0L);
        assertThat(pulled).containsExactly(0L);
        assertThat(items.peek()).isEqualTo(1L); // loop.nextitem
        assertThat(items.peek()).isEqualTo(1L);
        assertThat(pulled).containsExactly(0L, 1L);
        assertThat(items.next()).isEqualTo(1L);
        assertThat(items.previous()).isEqualTo(0L); // loop.previtem
        assertThat(pulled).containsExactly(0L, 1L);
        assertThat(items.next()).isEqualTo(2L);
        assertThat(pulled).containsExactly(0L, 1L, 2L);
    }
}
