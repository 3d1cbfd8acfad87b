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
 * <p>A reply that holds no call, or whose calls are not all well formed (JSON that does not parse, a call without a
 * name, arguments that are not an object), parses to empty: it is then an ordinary text reply, as vLLM's tool
 * parsers treat it.
 */
public enum ToolCallFormat {
    /**
     * Hermes and Qwen (2, 2.5, 3): each call is {@code <tool_call>{"name": ..., "arguments": {...}}</tool_call>};
     * the text around the calls is the reply's content.
     */
    HERMES("<tool_call>"),
    /**
     * Mistral: {@code [TOOL_CALLS]} followed by a JSON array of {@code {"name": ..., "arguments": {...}}}
     * (tokenizers v3 to v7, e.g. Mistral-7B-Instruct-v0.3, Mistral-Small-3.1), or by one or more
     * {@code name[ARGS]{...}} pieces, each with an optional {@code [CALL_ID]id} before {@code [ARGS]} (tokenizers
     * v11 and later); the text before the first {@code [TOOL_CALLS]} is the content.
     */
    MISTRAL("[TOOL_CALLS]"),
    /**
     * Llama 3.1 to 3.3 with JSON tool calling: the whole reply, after an optional {@code <|python_tag|>}, is
     * {@code {"name": ..., "parameters": {...}}} (or {@code "arguments"}), several calls separated by {@code ;} or
     * given as a JSON array. Llama's built-in tools ({@code brave_search.call(query="...")}) are Python, not JSON, and
     * stay text.
     */
    LLAMA3_JSON("<|python_tag|>");

    private static final String HERMES_END = "</tool_call>";
    private static final String MISTRAL_ARGS = "[ARGS]";
    private static final String MISTRAL_CALL_ID = "[CALL_ID]";
    private static final String LLAMA3_INSTRUCTION = "\"parameters\": dictionary of argument name and its value";
    private static final String ID_CHARACTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    /** Mistral's templates refuse any other id; nine letters or digits also suit every other format. */
    private static final Pattern NINE_ALPHANUMERIC = Pattern.compile("[a-zA-Z0-9]{9}");

    private final String marker;

    ToolCallFormat(String marker) {
        this.marker = marker;
    }

    /** A reply taken apart: the text meant for the user and the calls, in the order written. */
    public record Reply(String content, List<ToolCall> toolCalls) {
        public Reply {
            Objects.requireNonNull(content, "content");
            toolCalls = List.copyOf(toolCalls);
        }
    }

    /**
     * The format a chat template asks its model for, recognised by the markers the template writes when it renders
     * earlier calls or tells the model how to call: {@code <tool_call>}, {@code [TOOL_CALLS]}, or Llama 3.1's
     * {@code <|python_tag|>} and its JSON instruction. Empty for a template without tool calling.
     */
    public static Optional<ToolCallFormat> detect(String chatTemplate) {
        Objects.requireNonNull(chatTemplate, "chatTemplate");
        if (chatTemplate.contains(HERMES.marker)) {
            return Optional.of(HERMES);
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
     * @param ids    draws the ids of calls the model wrote without one (nine letters or digits, which every
     *               template accepts)
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
        List<ToolCall> calls = new ArrayList<>();
        StringBuilder content = new StringBuilder();
        int at = 0;
        for (int open = output.indexOf(HERMES.marker); open >= 0; open = output.indexOf(HERMES.marker, at)) {
            content.append(output, at, open);
            JsonObjects.Leading call = JsonObjects.readLeading(output, open + HERMES.marker.length(), "tool call");
            calls.add(toolCall(call.value(), "arguments", ids));
            at = skipWhitespace(output, call.end());
            if (output.startsWith(HERMES_END, at)) {
                at += HERMES_END.length();
            } else if (at < output.length()) { // only the reply's last call may lack its closing tag
                return Optional.empty();
            }
        }
        content.append(output, at, output.length());
        return reply(content.toString(), calls);
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
                    calls.add(toolCall(call, "arguments", ids));
                }
                at = array.end();
            } else {
                int args = output.indexOf(MISTRAL_ARGS, at);
                if (args < 0) {
                    return Optional.empty();
                }
                String name = output.substring(at, args);
                String id = null;
                int callId = name.indexOf(MISTRAL_CALL_ID);
                if (callId >= 0) {
                    id = name.substring(callId + MISTRAL_CALL_ID.length()).strip();
                    name = name.substring(0, callId);
                }
                JsonObjects.Leading arguments = JsonObjects.readLeading(output, args + MISTRAL_ARGS.length(),
                        "tool call '" + name.strip() + "' arguments");
                calls.add(toolCall(name.strip(), id, arguments.value(), ids));
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
        if (!output.startsWith("{", at) && !output.startsWith("[", at)) {
            return Optional.empty();
        }
        List<ToolCall> calls = new ArrayList<>();
        while (at < output.length()) {
            JsonObjects.Leading value = JsonObjects.readLeading(output, at, "tool call");
            if (value.value() instanceof List<?> list) {
                for (Object call : list) {
                    calls.add(toolCall(call, "parameters", ids));
                }
            } else {
                calls.add(toolCall(value.value(), "parameters", ids));
            }
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
     * A call written as a JSON object with a {@code name} and its arguments under {@code argumentsKey} (or the
     * other of {@code arguments} and {@code parameters}), possibly with an {@code id}.
     */
    private static ToolCall toolCall(Object value, String argumentsKey, RandomGenerator ids) {
        if (!(value instanceof Map<?, ?> call)) {
            throw new InvalidRequestException("a tool call must be a JSON object");
        }
        Object name = call.get("name");
        if (!(name instanceof String n)) {
            throw new InvalidRequestException("a tool call's name must be a string");
        }
        String otherKey = argumentsKey.equals("arguments") ? "parameters" : "arguments";
        Object arguments = call.containsKey(argumentsKey) ? call.get(argumentsKey) : call.get(otherKey);
        Object id = call.get("id");
        return toolCall(n, id instanceof String s ? s : null, arguments, ids);
    }

    /** Arguments may be an object, the JSON text of one (as OpenAI writes them), or absent for none. */
    private static ToolCall toolCall(String name, String id, Object arguments, RandomGenerator ids) {
        String callId = id != null && NINE_ALPHANUMERIC.matcher(id).matches() ? id : newId(ids);
        if (arguments == null) {
            return new ToolCall(callId, name, Map.of());
        }
        if (arguments instanceof String json) {
            return new ToolCall(callId, name, json);
        }
        if (arguments instanceof Map<?, ?> map) {
            return new ToolCall(callId, name, JsonObjects.copy(map, "tool call '" + name + "' arguments"));
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
