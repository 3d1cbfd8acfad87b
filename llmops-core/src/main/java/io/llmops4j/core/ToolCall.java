package io.llmops4j.core;

import io.llmops4j.core.chat.JsonObjects;

import java.util.Map;
import java.util.Objects;

/**
 * A function call made by the assistant, as it appears in a conversation: the {@code tool_calls} entry
 * {@code {"type": "function", "id": id, "function": {"name": name, "arguments": arguments}}} of an OpenAI-style
 * assistant message. Chat templates receive the arguments as a dict (what Hugging Face recommends and most templates
 * write out with {@code tojson}), so they are held here as a JSON object; give them as JSON text (what a model or
 * an OpenAI-style API produces) or as a map.
 *
 * <pre>{@code
 * ToolCall call = new ToolCall("call_0001", "get_weather", "{\"city\": \"Paris\"}");
 * call.arguments().get("city"); // "Paris"
 * }</pre>
 *
 * @param id        the call's id, which the tool message answering it repeats ({@link ChatMessage#tool}); null when
 *                  the conversation does not use ids (Qwen and Hermes templates ignore them; Mistral's require nine
 *                  letters or digits)
 * @param name      the function's name
 * @param arguments the arguments: an immutable, insertion-ordered JSON object (maps with string keys, lists,
 *                  strings, {@code Long} or {@code BigInteger}, {@code Double}, booleans, null; see
 *                  {@link JsonObjects})
 */
public record ToolCall(String id, String name, Map<String, Object> arguments) {

    /**
     * @throws InvalidRequestException if the name or the id is blank, or the arguments hold something that is not
     *                                 JSON data
     */
    public ToolCall {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new InvalidRequestException("a tool call's name must not be blank" + (id == null ? "" : " (id " + id + ")"));
        }
        if (id != null && id.isBlank()) {
            throw new InvalidRequestException("tool call '" + name + "': id must be null or not blank, was '" + id + "'");
        }
        Objects.requireNonNull(arguments, () -> describe(id, name) + " arguments");
        arguments = JsonObjects.copy(arguments, describe(id, name) + " arguments");
    }

    /**
     * A call whose arguments are given as the JSON text of an object, e.g. {@code {"city": "Paris"}} (read as Python's
     * {@code json.loads} reads it).
     *
     * @throws InvalidRequestException if the text is not valid JSON or not an object; the message names the call
     */
    public ToolCall(String id, String name, String argumentsJson) {
        this(id, name, parseArguments(id, name, argumentsJson));
    }

    private static Map<String, Object> parseArguments(String id, String name, String argumentsJson) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(argumentsJson, () -> describe(id, name) + " arguments");
        return JsonObjects.parse(argumentsJson, describe(id, name) + " arguments");
    }

    private static String describe(String id, String name) {
        return "tool call '" + name + "'" + (id == null ? "" : " (id " + id + ")");
    }
}
