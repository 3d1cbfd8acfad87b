package io.llmops4j.core.chat;

import io.llmops4j.core.InvalidRequestException;
import io.llmops4j.core.ToolCall;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * How a family of chat models writes the functions it calls into its reply, and how to read them back out: the
 * output side of tool calling, whose input side (the {@code tools} and earlier calls given to the template) is
 * {@link ChatTemplate#render}. Each format is recognised from the markers its chat template writes
 * ({@link #detect}); a reply is read as text in which the special tokens are spelled out (decoded without skipping
 * them), since several formats mark calls with special tokens.
 *
 * <pre>{@code
 * ToolCallFormat.HERMES.parse("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>", rng)
 *     // Reply[content=, toolCalls=[ToolCall[id=..., name=get_weather, arguments={city=Paris}]]]
 * }</pre>
 *
 * <p>The rules follow vLLM's non-streaming tool parsers ({@code hermes}, {@code mistral}, {@code llama3_json}): a
 * call is a JSON object with a {@code name} and its {@code arguments} (Llama: or {@code parameters}), given as an
 * object or as the JSON text of one; the reply's content is the text before its first call; every call gets a
 * fresh id, whatever the model wrote (small models copy ids from the conversation, which would make two calls
 * share one). A reply that holds no call, or whose calls are not all well formed (JSON that does not parse, a call
 * without a name or without arguments), parses to empty: it is then an ordinary text reply. Where vLLM is more
 * lenient this is stricter: text after a Mistral call list, or Llama JSON that is not the whole reply, leaves the
 * reply as text.
 */
public enum ToolCallFormat {
    /**
     * Hermes and Qwen (2, 2.5, 3): each call is {@code <tool_call>{"name": ..., "arguments": {...}}</tool_call>}
     * (the last one may lack its closing tag); text between and after calls is dropped, as vLLM does. Not the XML
     * calls of Qwen3-Coder ({@code <tool_call><function=...>}), whose templates {@link #detect} does not take.
     */
    HERMES("<tool_call>"),
    /**
     * Mistral: {@code [TOOL_CALLS]} followed by a JSON array of {@code {"name": ..., "arguments": {...}}}
     * (tokenizers v3 to v7, e.g. Mistral-7B-Instruct-v0.3, Mistral-Small-3.1), or by one or more
     * {@code name[ARGS]{...}} pieces, each with an optional {@code [CALL_ID]id} before {@code [ARGS]} (tokenizers
     * v11 and later), the name made of letters, digits, {@code _} and {@code -}.
     */
    MISTRAL("[TOOL_CALLS]"),
    /**
     * Llama 3.1 to 3.3 with JSON tool calling: the whole reply, after an optional {@code <|python_tag|>}, is
     * {@code {"name": ..., "parameters": {...}}} (or {@code "arguments"}), several calls separated by {@code ;}.
     * Llama's built-in tools ({@code brave_search.call(query="...")}) are Python, not JSON, and stay text.
     */
    LLAMA3_JSON("<|python_tag|>");

    private static final String HERMES_END = "</tool_call>";
    private static final String MISTRAL_ARGS = "[ARGS]";
    private static final String MISTRAL_CALL_ID = "[CALL_ID]";
    private static final String LLAMA3_INSTRUCTION = "\"parameters\": dictionary of argument name and its value";
    private static final String XML_CALLS = "<function=";
    private static final Pattern FUNCTION_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final String ID_CHARACTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final String marker;

    ToolCallFormat(String marker) {
        this.marker = marker;
    }

    /**
     * A reply taken apart: the text before the first call (stripped; special tokens still spelled out) and the
     * calls, in the order written.
     */
    public record Reply(String content, List<ToolCall> toolCalls) {
        public Reply {
            Objects.requireNonNull(content, "content");
            toolCalls = List.copyOf(toolCalls);
        }
    }

    /**
     * The format a chat template asks its model for, recognised by the markers the template writes when it renders
     * earlier calls or tells the model how to call: {@code <tool_call>} (but not with Qwen3-Coder's
     * {@code <function=} XML), {@code [TOOL_CALLS]}, or Llama 3.1's {@code <|python_tag|>} and its JSON instruction.
     * Empty for a template without tool calling or with a format not listed here.
     */
    public static Optional<ToolCallFormat> detect(String chatTemplate) {
        Objects.requireNonNull(chatTemplate, "chatTemplate");
        if (chatTemplate.contains(HERMES.marker)) {
            return chatTemplate.contains(XML_CALLS) ? Optional.empty() : Optional.of(HERMES);
        }
        if (chatTemplate.contains(MISTRAL.marker)) {
            return Optional.of(MISTRAL);
        }
        if (chatTemplate.contains(LLAMA3_JSON.marker) || chatTemplate.contains(LLAMA3_INSTRUCTION)) {
            return Optional.of(LLAMA3_JSON);
        }
        return Optional.empty();
    }

    /**
     * Reads the calls out of a model's reply.
     *
     * @param output the reply as generated, special tokens spelled out, without the token that ended it
     * @param ids    draws each call's id: nine letters or digits, which every template accepts (Mistral's refuse
     *               anything else)
     * @return the content and the calls, or empty when the reply holds no call or a malformed one
     */
    public Optional<Reply> parse(String output, RandomGenerator ids) {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(ids, "ids");
        try {
            return switch (this) {
                case HERMES -> parseHermes(output, ids);
                case MISTRAL -> parseMistral(output, ids);
                case LLAMA3_JSON -> parseLlama(output, ids);
            };
        } catch (InvalidRequestException e) {
            return Optional.empty(); // a malformed call: the reply stays text
        }
    }

    private static Optional<Reply> parseHermes(String output, RandomGenerator ids) {
        int first = output.indexOf(HERMES.marker);
        List<ToolCall> calls = new ArrayList<>();
        for (int open = first; open >= 0; ) {
            JsonObjects.Leading call = JsonObjects.readLeading(output, open + HERMES.marker.length(), "tool call");
            calls.add(toolCall(call.value(), ids));
            int at = skipWhitespace(output, call.end());
            if (!output.startsWith(HERMES_END, at) && at < output.length()) {
                return Optional.empty(); // only the reply's last call may lack its closing tag
            }
            open = output.indexOf(HERMES.marker, at);
        }
        return first < 0 ? Optional.empty() : reply(output.substring(0, first), calls);
    }

    private static Optional<Reply> parseMistral(String output, RandomGenerator ids) {
        int first = output.indexOf(MISTRAL.marker);
        if (first < 0) {
            return Optional.empty();
        }
        List<ToolCall> calls = new ArrayList<>();
        int at = first;
        while (at < output.length()) {
            if (!output.startsWith(MISTRAL.marker, at)) {
                return Optional.empty();
            }
            at = skipWhitespace(output, at + MISTRAL.marker.length());
            if (output.startsWith("[", at)) {
                JsonObjects.Leading array = JsonObjects.readLeading(output, at, "tool calls");
                for (Object call : (List<?>) array.value()) {
                    calls.add(toolCall(call, ids));
                }
                at = array.end();
            } else {
                int next = output.indexOf(MISTRAL.marker, at);
                int args = output.indexOf(MISTRAL_ARGS, at);
                if (args < 0 || (next >= 0 && args > next)) {
                    return Optional.empty(); // this piece has no [ARGS] of its own
                }
                String name = output.substring(at, args);
                int callId = name.indexOf(MISTRAL_CALL_ID);
                if (callId >= 0) {
                    name = name.substring(0, callId); // the model's id is replaced, as every id
                }
                name = name.strip();
                if (!FUNCTION_NAME.matcher(name).matches()) {
                    return Optional.empty();
                }
                JsonObjects.Leading arguments = JsonObjects.readLeading(output, args + MISTRAL_ARGS.length(),
                        "tool call '" + name + "' arguments");
                calls.add(toolCall(name, arguments.value(), ids));
                at = arguments.end();
            }
            at = skipWhitespace(output, at);
        }
        return reply(output.substring(0, first), calls);
    }

    private static Optional<Reply> parseLlama(String output, RandomGenerator ids) {
        int at = skipWhitespace(output, 0);
        if (output.startsWith(LLAMA3_JSON.marker, at)) {
            at = skipWhitespace(output, at + LLAMA3_JSON.marker.length());
        }
        if (!output.startsWith("{", at)) {
            return Optional.empty();
        }
        List<ToolCall> calls = new ArrayList<>();
        while (at < output.length()) {
            JsonObjects.Leading value = JsonObjects.readLeading(output, at, "tool call");
            calls.add(toolCall(value.value(), ids));
            at = skipWhitespace(output, value.end());
            if (output.startsWith(";", at)) {
                at = skipWhitespace(output, at + 1);
            }
        }
        return reply("", calls);
    }

    private static Optional<Reply> reply(String content, List<ToolCall> calls) {
        return calls.isEmpty() ? Optional.empty() : Optional.of(new Reply(content.strip(), calls));
    }

    /**
     * A call written as a JSON object with a {@code name} and its {@code arguments} (or {@code parameters}, Llama's
     * word); any {@code id} the model wrote is replaced.
     */
    private static ToolCall toolCall(Object value, RandomGenerator ids) {
        if (!(value instanceof Map<?, ?> call)) {
            throw new InvalidRequestException("a tool call must be a JSON object");
        }
        if (!(call.get("name") instanceof String name)) {
            throw new InvalidRequestException("a tool call's name must be a string");
        }
        String key = call.containsKey("arguments") ? "arguments" : "parameters";
        if (!call.containsKey(key)) {
            throw new InvalidRequestException("tool call '" + name + "' has no arguments");
        }
        return toolCall(name, call.get(key), ids);
    }

    /** Arguments are an object or the JSON text of one (as OpenAI writes them). */
    private static ToolCall toolCall(String name, Object arguments, RandomGenerator ids) {
        String id = newId(ids);
        if (arguments instanceof String json) {
            return new ToolCall(id, name, json);
        }
        if (arguments instanceof Map<?, ?> map) {
            return new ToolCall(id, name, JsonObjects.copy(map, "tool call '" + name + "' arguments"));
        }
        throw new InvalidRequestException("tool call '" + name + "' arguments must be a JSON object");
    }

    private static String newId(RandomGenerator ids) {
        char[] id = new char[9];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_CHARACTERS.charAt(ids.nextInt(ID_CHARACTERS.length()));
        }
        return new String(id);
    }

    private static int skipWhitespace(String s, int at) {
        while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
            at++;
        }
        return at;
    }
}
